// A document's own files (attachments and body assets), written only when their bytes are new.
// Attachments may be 50 MB each, and a template change re-renders every page: so a file's digest
// (from loading, else hashed from disk as a stream) is compared with what the record being
// replaced says was written.
// The same bytes at the same key are left alone; the same bytes under another key (a renamed file,
// a moved document, the private render of an embargo being released) are copied inside the bucket;
// only new bytes are read and uploaded, once.

import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { extname, join } from 'node:path';
import type { Attachment, GazetteDocument } from '../content/model.ts';
import { keyOfUrlPath } from '../content/sitePath.ts';
import { attachmentTypes, outputFormats } from '../outputs.ts';
import { type ArtifactRef, type DocumentRecord, type ObjectStore, SITE_PREFIX } from '../store/ports.ts';
import type { WriteCounts } from './writes.ts';

export interface AttachmentWrite {
  objects: ObjectStore;
  /** The content folder the document's files are read from. */
  root: string;
  doc: GazetteDocument;
  /** The record this version replaces: what the bucket was given last time. */
  previous?: DocumentRecord | undefined;
  counts: WriteCounts;
  /** Key prefix (the site's by default; embargoed renders go under a private one). */
  prefix?: string;
  /**
   * Where the embargoed render of the document holds its files: a release copies them from there,
   * and staging again (with `prefix` the same) leaves those with the same bytes alone.
   */
  staged?: string | undefined;
}

/** Write the document's files as needed; returns their references for the record, in document order. */
export async function writeAttachments({ objects, root, doc, previous, counts, prefix = SITE_PREFIX, staged }: AttachmentWrite): Promise<ArtifactRef[]> {
  const files: Attachment[] = [...doc.attachments, ...((doc as { assets?: Attachment[] }).assets ?? [])];
  const before = prefix === SITE_PREFIX ? (previous?.artifacts ?? []) : [];
  const refs: ArtifactRef[] = [];
  const seen = new Set<string>();
  for (const file of files) {
    if (seen.has(file.urlPath)) continue;
    seen.add(file.urlPath);
    const path = join(root, file.file);
    const { sha256, size } = file.sha256 === undefined ? await hashFile(path) : { sha256: file.sha256, size: (await stat(path)).size };
    const ref: ArtifactRef = {
      key: keyOfUrlPath(file.urlPath),
      size,
      sha256,
      contentType: attachmentTypes[extname(file.name).toLowerCase()] ?? 'application/octet-stream',
    };
    refs.push(ref);
    const same = (other: ArtifactRef) => other.sha256 === sha256 && other.contentType === ref.contentType;
    if (before.some((other) => other.key === ref.key && same(other))) {
      counts.objectsUnchanged++;
      continue;
    }
    const source = before.find(same);
    if (source !== undefined && (await objects.copy(prefix + source.key, prefix + ref.key))) {
      counts.objectsWritten++;
      continue;
    }
    // The embargoed render holds these bytes already: staged again, they stay; released, they are copied.
    if (staged !== undefined && (await objects.head(staged + ref.key))?.sha256 === sha256) {
      if (staged === prefix) {
        counts.objectsUnchanged++;
        continue;
      }
      if (await objects.copy(staged + ref.key, prefix + ref.key)) {
        counts.objectsWritten++;
        continue;
      }
    }
    // The one read of the file; its digest goes along, so nothing hashes the body again.
    await objects.put({
      key: prefix + ref.key,
      body: await readFile(path),
      contentType: ref.contentType,
      cacheControl: outputFormats.page.cacheControl,
      sha256,
    });
    counts.objectsWritten++;
  }
  return refs;
}

async function hashFile(path: string): Promise<{ sha256: string; size: number }> {
  const hash = createHash('sha256');
  let size = 0;
  for await (const chunk of createReadStream(path) as AsyncIterable<Buffer>) {
    hash.update(chunk);
    size += chunk.byteLength;
  }
  return { sha256: hash.digest('hex'), size };
}
