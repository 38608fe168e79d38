// An in-memory ObjectStore with the port's semantics (sha256 metadata, key-ordered listing), for
// fast feed tests and the pure-CPU part of the feed benchmark. Integration with the real S3
// adapter is covered where the embedded servers run.

import { createHash } from 'node:crypto';
import type { ObjectHead, ObjectStore, PutObjectInput, StoredObject } from '../../src/store/ports.ts';

export interface MemoryObjectStore extends ObjectStore {
  readonly objects: Map<string, StoredObject>;
  /** Keys passed to `put`, in call order. */
  readonly puts: string[];
}

export function createMemoryObjectStore(): MemoryObjectStore {
  const objects = new Map<string, StoredObject>();
  const puts: string[] = [];
  const headOf = (object: StoredObject): ObjectHead => ({
    key: object.key,
    size: object.body.byteLength,
    contentType: object.contentType,
    etag: object.etag as string,
    ...(object.cacheControl === undefined ? {} : { cacheControl: object.cacheControl }),
    ...(object.sha256 === undefined ? {} : { sha256: object.sha256 }),
  });
  return {
    objects,
    puts,
    async put(input: PutObjectInput) {
      const body = Uint8Array.from(input.body);
      const etag = `"${createHash('md5').update(body).digest('hex')}"`;
      objects.set(input.key, { ...input, body, sha256: createHash('sha256').update(body).digest('hex'), etag });
      puts.push(input.key);
    },
    async get(key) {
      return objects.get(key);
    },
    async head(key) {
      const object = objects.get(key);
      return object === undefined ? undefined : headOf(object);
    },
    async *list(prefix) {
      for (const key of [...objects.keys()].filter((k) => k.startsWith(prefix)).sort()) yield headOf(objects.get(key) as StoredObject);
    },
    async *listKeys(prefix) {
      for (const key of [...objects.keys()].filter((k) => k.startsWith(prefix)).sort()) {
        const object = objects.get(key) as StoredObject;
        yield { key, size: object.body.byteLength, etag: object.etag as string };
      }
    },
    async delete(keys) {
      for (const key of keys) objects.delete(key);
    },
    async copy(from, to) {
      const object = objects.get(from);
      if (object === undefined) return false;
      objects.set(to, { ...object, key: to });
      return true;
    },
  };
}
