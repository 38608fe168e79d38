// A document's body read from its file on first use: a load that takes a file's analysis from the
// content cache keeps only where its body starts (buildDocument.ts `withBody`). A module of its
// own, so that the search index's worker thread can read bodies without the content loader.

import { readFileSync } from 'node:fs';

/** Where a cached document's body is, until it is first read (or set). */
const lazyBodies = new WeakMap<object, { abs: string; offset: number; text?: string }>();

/**
 * One getter and setter for every lazy body (defined once, not a closure per document: a warm
 * load of 10,000 documents builds no functions).
 */
const lazyBody: PropertyDescriptor = {
  enumerable: true,
  configurable: true,
  get(this: object): string {
    const lazy = lazyBodies.get(this) as { abs: string; offset: number; text?: string };
    return (lazy.text ??= readBody(lazy.abs, lazy.offset));
  },
  set(this: object, value: string) {
    const lazy = lazyBodies.get(this);
    if (lazy !== undefined) lazy.text = value;
  },
};

/** Give `document` a `body` read from the file at `abs`, from byte `offset`, when first asked for. */
export function readLazily<T extends { body: string }>(document: T, abs: string, offset: number): T {
  lazyBodies.set(document, { abs, offset });
  Object.defineProperty(document, 'body', lazyBody);
  return document;
}

/** The body's text when it is in memory, else where to read it (`readBody`), without reading it. */
export function bodySource(document: { body: string }): string | { file: string; offset: number } {
  const lazy = lazyBodies.get(document);
  if (lazy === undefined) return document.body;
  return lazy.text ?? { file: lazy.abs, offset: lazy.offset };
}

export function readBody(abs: string, offset: number): string {
  return readFileSync(abs).subarray(offset).toString('utf8');
}
