// What one process knows the bucket holds, kept between its builds (watch mode): per key the
// sha256 and content type of the bytes there (or that nothing is there), and the bodies its builds
// read (build and feed state, feed entries, the search index). Valid only while this process's
// builds hold the table's lease one after another: forget it all (`clear`) whenever another build
// may have run.

import { sha256 } from './digest.ts';
import type { ObjectStore, PutObjectInput, StoredObject } from '../store/ports.ts';

export class BucketMemory {
  /** `<sha256>\0<content type>` by full object key. */
  readonly #stamps = new Map<string, string>();
  readonly #bodies = new Map<string, StoredObject>();
  /** Keys read through `through`: their bodies are kept, also when written after a read found none. */
  readonly #read = new Set<string>();

  /** How many keys it knows (for tests and logs). */
  get size(): number {
    return this.#stamps.size;
  }

  /** The stamp of what the bucket holds at `key`, when known. */
  stampAt(key: string): string | undefined {
    return this.#stamps.get(key);
  }

  /** The bucket holds `stamp` at `key` (seen by a HEAD or an unchanged comparison). */
  saw(key: string, stamp: string): void {
    this.#stamps.set(key, stamp);
  }

  /** `input` was just written, its body hashed to `digest`; a body kept for the key is replaced. */
  wrote(input: PutObjectInput, digest: string): void {
    this.#stamps.set(input.key, stampOf(digest, input.contentType));
    if (this.#read.has(input.key)) this.#bodies.set(input.key, { ...input, sha256: digest });
  }

  forget(keys: Iterable<string>): void {
    for (const key of keys) {
      this.#stamps.delete(key);
      this.#bodies.delete(key);
      this.#read.delete(key);
    }
  }

  clear(): void {
    this.#stamps.clear();
    this.#bodies.clear();
    this.#read.clear();
  }

  /**
   * `objects` seen through the memory: a read answers from a kept body while the bucket still
   * holds exactly those bytes (and keeps what it fetched); a write or delete keeps the memory true,
   * replacing a kept body with the bytes written. A write that fails forgets the key: the bucket
   * may hold either version.
   */
  through(objects: ObjectStore): ObjectStore {
    return {
      ...objects,
      get: async (key) => {
        this.#read.add(key);
        const stamp = this.#stamps.get(key);
        if (stamp === ABSENT) return undefined;
        const kept = this.#bodies.get(key);
        if (kept !== undefined && stamp === stampOf(kept.sha256 ?? '', kept.contentType)) return kept;
        const stored = await objects.get(key);
        if (stored === undefined || stored.sha256 === undefined) {
          this.#bodies.delete(key);
          if (stored === undefined) this.#stamps.set(key, ABSENT);
          else this.#stamps.delete(key);
          return stored;
        }
        this.#bodies.set(key, stored);
        this.#stamps.set(key, stampOf(stored.sha256, stored.contentType));
        return stored;
      },
      put: async (input) => {
        let outcome: void | 'unchanged';
        try {
          outcome = await objects.put(input);
        } catch (error) {
          this.forget([input.key]);
          throw error;
        }
        this.wrote(input, input.sha256 ?? sha256(input.body));
        return outcome;
      },
      delete: async (keys) => {
        try {
          await objects.delete(keys);
        } finally {
          this.forget(keys);
        }
      },
      copy: async (from, to) => {
        const stamp = this.#stamps.get(from);
        this.forget([to]);
        const copied = await objects.copy(from, to);
        // The copy holds what `from` holds: known when `from` is (its body is not kept twice).
        if (copied && stamp !== undefined && stamp !== ABSENT) this.saw(to, stamp);
        return copied;
      },
    };
  }
}

/** The stamp of a key a read found empty (no object there). */
const ABSENT = '';

/** What the memory records of an object: its sha256 and content type. */
export function stampOf(digest: string, contentType: string): string {
  return `${digest}\u0000${contentType}`;
}

/** The stamp of bytes about to be written. */
export function stampOfBody(body: Uint8Array, contentType: string): { digest: string; stamp: string } {
  const digest = sha256(body);
  return { digest, stamp: stampOf(digest, contentType) };
}

/**
 * What a module parses from stored bodies, kept by the body. Through a bucket memory (watch mode)
 * each build reads the very bodies the build before read or wrote, so a body parsed once (a
 * manifest of tens of thousands of files, the feed log) need not be parsed again; bodies read
 * afresh are new objects, and what was parsed from them goes with them. What is kept must never
 * be changed by those who take it. One per module and kind of body (`parse` is always the same).
 */
export function parsedBodies<T>(): { get(body: Uint8Array, parse: (body: Uint8Array) => T): T; remember(body: Uint8Array, value: T): void } {
  const parsed = new WeakMap<Uint8Array, T>();
  return {
    get(body, parse) {
      if (parsed.has(body)) return parsed.get(body) as T;
      const value = parse(body);
      parsed.set(body, value);
      return value;
    },
    remember: (body, value) => void parsed.set(body, value),
  };
}
