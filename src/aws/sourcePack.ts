// The source pack: every Markdown and YAML file of an upload in one ZIP beside them in the source
// bucket (`content/.gazette/sources.zip`). A function that starts with an empty /tmp (a new Lambda
// container) mirrors the whole `content/` tree before it builds: at 10,000 documents that is
// 10,000 GETs, about 18 s of a 25 s publish measured on the emulators, and on S3 each GET waits for
// its own round trip. With the pack it fetches one object and takes from it the files it lists.
//
// The pack only saves requests; it is never trusted over the bucket. The listing says which files
// there are and their ETags (an upload's MD5: `gazette publish` uploads each file in one part); a
// file is taken from the pack only when its bytes there have that MD5, and any other (changed since
// the pack was written, uploaded by other means, or a pack that cannot be read) is fetched by
// itself. Entries are looked up by the names the listing gives, so no name in the pack can place a
// file anywhere the listing would not. (The check is the MD5 S3 gives as the ETag: whoever could
// craft a colliding pack entry could write `content/` itself.) Attachments and images stay out: they are few, and large.
// The `.gazette/` folder is no content: the loader, the uploader and the mirror skip dot-names.

import { createHash } from 'node:crypto';
import { unzipSync, type Zippable, zipSync } from 'fflate';

/** The pack's key below the sources' prefix. */
export const SOURCE_PACK = '.gazette/sources.zip';

/** Files the pack carries: the many small text files of a content tree. */
export function packable(rel: string): boolean {
  return /\.(md|ya?ml)$/i.test(rel);
}

/** A single-part upload's ETag: the hex MD5 of its bytes. */
export function md5Hex(body: Uint8Array): string {
  return createHash('md5').update(body).digest('hex');
}

/** The ZIP of `files` (content-relative paths), in path order, with one fixed time on every entry. */
export function packSources(files: ReadonlyArray<{ rel: string; body: Uint8Array }>): Uint8Array {
  const mtime = new Date(2000, 0, 1, 12, 0, 0);
  const entries: Zippable = {};
  for (const { rel, body } of [...files].sort((a, b) => (a.rel < b.rel ? -1 : a.rel > b.rel ? 1 : 0))) {
    entries[rel] = [body, { mtime, level: 6 }];
  }
  return zipSync(entries);
}

/** What the listing says of a file: its ETag (unquoted) and size. */
export interface ListedSource {
  etag: string;
  size: number;
}

/**
 * The files of `wanted` (path → what the listing says of it) that the pack holds with those very
 * bytes. An entry whose declared size is not the listed one is not even inflated (a crafted entry
 * cannot make a function inflate more than the listing's bytes). Throws when the pack cannot be
 * read.
 */
export function unpackSources(pack: Uint8Array, wanted: ReadonlyMap<string, ListedSource>): Map<string, Uint8Array> {
  let entries: Record<string, Uint8Array>;
  try {
    entries = unzipSync(pack, { filter: (file) => wanted.get(file.name)?.size === file.originalSize });
  } catch (error) {
    throw new Error(`The source pack is not a readable ZIP archive (${(error as Error).message}).`);
  }
  const found = new Map<string, Uint8Array>();
  for (const [rel, body] of Object.entries(entries)) {
    const listed = wanted.get(rel);
    if (listed !== undefined && body.byteLength === listed.size && md5Hex(body) === listed.etag) found.set(rel, body);
  }
  return found;
}
