// Writing artifacts to the bucket, the one place a build schedules its writes: `writeArtifacts`
// for a stage that writes a batch and waits (document files, issue pages), `startWrites` for
// writes that go on while the build renders, and `waveWriter` for pages that link each other
// (listings and derived outputs), written wave by wave so that nothing is written before a page
// it links to.

import { mapLimit } from '../concurrency.ts';
import type { Artifact } from '../outputs.ts';
import { type ArtifactRef, type ObjectStore, SITE_PREFIX } from '../store/ports.ts';
import { type BucketMemory, stampOf } from './bucketMemory.ts';
import { sha256 } from './digest.ts';

/** What a stage wrote and what it found unchanged (summed into the build summary). */
export interface WriteCounts {
  objectsWritten: number;
  objectsUnchanged: number;
}

/**
 * Put artifacts under the site prefix. With `skipUnchanged`, an object whose stored sha256
 * equals the new bytes' is left alone, so rebuilding unchanged content rewrites nothing.
 */
export interface WriteOptions {
  concurrency: number;
  counts: WriteCounts;
  /** Compare with what the bucket holds and write only what differs (listings, derived outputs). */
  skipUnchanged: boolean;
  prefix?: string;
  memory?: BucketMemory | undefined;
  /** The bucket held no site object when the build began: what is not known is not there. */
  emptyBefore?: boolean;
  /** Told of each object found unchanged (full key, SHA-256, size): the signed manifest's view of the bucket. */
  observe?: ((key: string, sha256: string, size: number) => void) | undefined;
}

/** A write that failed while the build went on rendering: thrown where the build waits for it. */
export class WriteFailure {
  constructor(readonly error: unknown) {}
}

export async function writeArtifacts(objects: ObjectStore, artifacts: Artifact[], options: WriteOptions): Promise<void> {
  const failure = await startWrites(objects, artifacts, options).done;
  if (failure !== undefined) throw failure.error;
}

/** Writes under way: both settle (never reject), with the failure if one write failed. */
export interface WritesInFlight {
  /**
   * Every new object of the batch is written, and every other one was there before (unchanged,
   * or being overwritten; through a store that compares as it writes, once it is written, as the
   * store tells only then whether one was there): a page written from now on may link to any of them.
   */
  linkable: Promise<WriteFailure | undefined>;
  /** Every write has finished. */
  done: Promise<WriteFailure | undefined>;
}

interface Deferred {
  promise: Promise<void>;
  resolve: () => void;
  reject: (error: unknown) => void;
}

function deferred(): Deferred {
  let resolve!: () => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<void>((yes, no) => {
    resolve = yes;
    reject = no;
  });
  promise.catch(() => undefined); // observed through `linkable`, which settles
  return { promise, resolve, reject };
}

export function startWrites(objects: ObjectStore, artifacts: Artifact[], options: WriteOptions): WritesInFlight {
  const { counts, skipUnchanged, memory } = options;
  const prefix = options.prefix ?? SITE_PREFIX;
  const ready = artifacts.map(() => deferred());
  const done = mapLimit(artifacts, options.concurrency, async (item, index) => {
    const linkable = (ready[index] as Deferred).resolve;
    const key = prefix + item.key;
    const digest = digestOf(item);
    const stamp = stampOf(digest, item.contentType);
    const input = {
      key,
      body: item.body,
      contentType: item.contentType,
      ...(item.cacheControl === undefined ? {} : { cacheControl: item.cacheControl }),
      sha256: digest,
    };
    const unchanged = () => {
      memory?.saw(key, stamp);
      options.observe?.(key, digest, item.body.byteLength);
      counts.objectsUnchanged++;
      linkable();
    };
    const written = () => {
      counts.objectsWritten++;
      linkable();
    };
    if (skipUnchanged) {
      let there = memory?.stampAt(key);
      if (there === undefined && options.emptyBefore === true) there = '';
      if (there === undefined && objects.putSkipsUnchanged === true) {
        // The store compares as it writes (the file store: the row and the file's identity, what a
        // head reads): one call instead of a head and a put.
        return (await objects.put(input)) === 'unchanged' ? unchanged() : written();
      }
      if (there === undefined) {
        const head = await objects.head(key);
        there = head === undefined ? '' : stampOf(head.sha256 ?? '', head.contentType);
      }
      if (there === stamp) return unchanged();
      // Replacing an object that is there: a link to it already resolves.
      if (there !== '') linkable();
    }
    await objects.put(input); // through the memory, when there is one
    written();
  });
  // A failure ends the lanes that meet it: nothing still waiting to be linkable ever will be.
  done.catch((error: unknown) => ready.forEach((item) => item.reject(error)));
  const settled = (promise: Promise<unknown>) =>
    promise.then(
      () => undefined,
      (error: unknown) => new WriteFailure(error),
    );
  return { linkable: settled(Promise.all(ready.map((item) => item.promise))), done: settled(done) };
}

/**
 * Waves of writes, for pages that link each other (listings and derived outputs). A wave's writes
 * start once every object the wave before creates is written, so a crash between two writes never
 * leaves a reachable link to a page not yet written; and after `beforeWave` (the lease check). A
 * wave waits only for the pages the one before creates: replacing a page that is there breaks no
 * link, so those writes go on beside the next wave's, and the caller renders the next wave while
 * they run. Every method that throws first waits for every write in flight, so none is left
 * running past the build.
 */
export interface WaveWriter {
  /** Write a wave once the wave before is linkable; throws the first failure of the waves before. */
  write(artifacts: Artifact[]): Promise<void>;
  /** Every object of the waves started so far may be linked to; throws their first failure. */
  linkable(): Promise<void>;
  /** Every write has finished; throws the first failure. */
  finish(): Promise<void>;
  /** Every write has finished, failed or not: before passing on a failure from elsewhere. */
  drain(): Promise<void>;
}

export function waveWriter(objects: ObjectStore, options: WriteOptions & { beforeWave?: () => Promise<void> }): WaveWriter {
  const inFlight: Promise<WriteFailure | undefined>[] = [];
  let previous: WritesInFlight | undefined;
  const drain = async () => {
    await Promise.all(inFlight);
  };
  const linkable = async () => {
    const failure = await previous?.linkable;
    if (failure === undefined) return;
    await drain();
    throw failure.error;
  };
  return {
    async write(artifacts) {
      await linkable();
      try {
        await options.beforeWave?.();
      } catch (error) {
        await drain();
        throw error;
      }
      previous = startWrites(objects, artifacts, options);
      inFlight.push(previous.done);
    },
    linkable,
    async finish() {
      for (const outcome of await Promise.all(inFlight)) if (outcome !== undefined) throw outcome.error;
    },
    drain,
  };
}

export function artifactRef(artifact: Artifact): ArtifactRef {
  return { key: artifact.key, size: artifact.body.byteLength, sha256: digestOf(artifact), contentType: artifact.contentType };
}

/**
 * Bodies are hashed once: a document's page is written (the store keeps its sha256) and then
 * named in its record by the same digest, and an artifact's bytes never change once rendered.
 */
const digests = new WeakMap<Uint8Array, string>();

function digestOf(artifact: Artifact): string {
  return artifact.sha256 ?? bodyDigest(artifact.body);
}

function bodyDigest(body: Uint8Array): string {
  let digest = digests.get(body);
  if (digest === undefined) digests.set(body, (digest = sha256(body)));
  return digest;
}
