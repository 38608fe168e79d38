// Group commit: single writes that arrive while earlier ones are in flight wait and go together
// as one request. Each caller still awaits its own write and gets its own result, so code that
// writes one item at a time (the sender, one partner after another) pays one request per batch
// instead of one per item — on DynamoDB Local, one commit (and fsync) per batch.

export interface GroupCommitOptions<T> {
  /** Most items in one batch (a DynamoDB transaction takes 100). */
  maxBatch: number;
  /** Batches in flight at once. */
  maxInFlight: number;
  /** Items with the same key never share a batch (one transaction may not touch an item twice). */
  keyOf: (item: T) => string;
}

/**
 * `run` receives a batch and returns one result per item, in order; when it throws, every
 * caller of that batch gets the error. Items queued in the same turn of the event loop start
 * together.
 */
export function groupCommit<T, R>(run: (items: T[]) => Promise<R[]>, options: GroupCommitOptions<T>): (item: T) => Promise<R> {
  interface Waiting {
    item: T;
    resolve: (result: R) => void;
    reject: (error: unknown) => void;
  }
  let queue: Waiting[] = [];
  let inFlight = 0;
  let scheduled = false;

  function pump(): void {
    while (inFlight < options.maxInFlight && queue.length > 0) {
      const batch: Waiting[] = [];
      const rest: Waiting[] = [];
      const keys = new Set<string>();
      for (const waiting of queue) {
        const key = options.keyOf(waiting.item);
        if (batch.length < options.maxBatch && !keys.has(key)) {
          keys.add(key);
          batch.push(waiting);
        } else {
          rest.push(waiting);
        }
      }
      queue = rest;
      inFlight++;
      run(batch.map((waiting) => waiting.item))
        .then(
          (results) => batch.forEach((waiting, i) => waiting.resolve(results[i] as R)),
          (error: unknown) => batch.forEach((waiting) => waiting.reject(error)),
        )
        .finally(() => {
          inFlight--;
          pump();
        });
    }
  }

  return (item) =>
    new Promise<R>((resolve, reject) => {
      queue.push({ item, resolve, reject });
      if (scheduled) return;
      scheduled = true;
      setImmediate(() => {
        scheduled = false;
        pump();
      });
    });
}
