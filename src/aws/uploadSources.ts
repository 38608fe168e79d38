// Upload a content folder to the source bucket's `content/` prefix: only files whose MD5 differs
// from the object's ETag (what S3 reports for a single-part upload), then delete objects whose file
// is gone. Each object carries the commit and author it came from, so the bucket says who
// published what. Order: attachments and images, then Markdown, then site.yaml / partners.yaml,
// so a render that starts mid-upload sees files before the pages that link them. Last, unless the
// bucket holds it already as these files make it, the source pack: the Markdown and YAML in one ZIP, from
// which a function with an empty /tmp takes its mirror in one GET (sourcePack.ts).

import { readdir, readFile } from 'node:fs/promises';
import { extname, join } from 'node:path';
import { PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { attachmentTypes } from '../outputs.ts';
import type { ObjectStore } from '../store/ports.ts';
import { AUTHOR_METADATA, COMMIT_METADATA } from './provenance.ts';
import { md5Hex, packable, packSources, SOURCE_PACK } from './sourcePack.ts';

export interface UploadSourcesOptions {
  client: S3Client;
  /** The same bucket as a port (listing and deleting). */
  store: ObjectStore;
  bucket: string;
  prefix: string;
  contentDir: string;
  commit: string;
  author: string;
  dryRun?: boolean;
}

export interface UploadSummary {
  uploaded: string[];
  deleted: string[];
  unchanged: number;
  /**
   * The source pack: written (its files and size), or why not. It only saves the functions
   * requests, so a failure to write it fails nothing: without it they fetch each file.
   */
  pack?: { files: number; bytes: number } | { error: string };
}

export async function uploadSources(options: UploadSourcesOptions): Promise<UploadSummary> {
  const { client, store, bucket, prefix, contentDir } = options;
  const remote = new Map<string, string>();
  let packEtag: string | undefined;
  for await (const object of store.listKeys(prefix)) {
    const rel = object.key.slice(prefix.length);
    // The pack is no file of the folder, and is not deleted as one; anything else the folder lacks
    // (a dot-file or a folder marker put there by hand) is.
    if (rel === SOURCE_PACK) packEtag = object.etag.replaceAll('"', '');
    else remote.set(rel, object.etag.replaceAll('"', ''));
  }
  const local = await filesUnder(contentDir);
  const changed: { rel: string; body: Buffer }[] = [];
  const pack: { rel: string; body: Buffer }[] = [];
  let unchanged = 0;
  for (const rel of local) {
    const body = await readFile(join(contentDir, rel));
    if (remote.get(rel) === md5Hex(body)) unchanged++;
    else changed.push({ rel, body });
    if (packable(rel) && options.dryRun !== true) pack.push({ rel, body });
  }
  changed.sort((a, b) => uploadRank(a.rel) - uploadRank(b.rel) || (a.rel < b.rel ? -1 : 1));
  const present = new Set(local);
  const deleted = [...remote.keys()].filter((rel) => !present.has(rel)).sort();
  // S3 metadata is US-ASCII: names like 张三 are percent-encoded.
  const Metadata = { [COMMIT_METADATA]: encodeURIComponent(options.commit), [AUTHOR_METADATA]: encodeURIComponent(options.author) };
  if (options.dryRun !== true) {
    for (const { rel, body } of changed) {
      await client.send(
        new PutObjectCommand({ Bucket: bucket, Key: prefix + rel, Body: body, ContentLength: body.byteLength, ContentType: contentTypeOf(rel), Metadata }),
      );
    }
    await store.delete(deleted.map((rel) => prefix + rel));
  }
  const summary: UploadSummary = { uploaded: changed.map(({ rel }) => rel), deleted, unchanged };
  if (options.dryRun === true) return summary;
  // The same files give the same bytes: a pack that is already there (its ETag the MD5 of these
  // bytes) is left, one missing, stale or written by an upload that stopped midway is written again.
  const body = packSources(pack);
  if (packEtag === md5Hex(body)) return summary;
  try {
    // Tagged as the files are: the bucket says who published what.
    await client.send(
      new PutObjectCommand({ Bucket: bucket, Key: prefix + SOURCE_PACK, Body: body, ContentLength: body.byteLength, ContentType: 'application/zip', Metadata }),
    );
    summary.pack = { files: pack.length, bytes: body.byteLength };
  } catch (error) {
    summary.pack = { error: (error as Error).message };
  }
  return summary;
}

function uploadRank(rel: string): number {
  if (rel === 'site.yaml' || rel === 'partners.yaml') return 2;
  return rel.endsWith('.md') ? 1 : 0;
}

function contentTypeOf(rel: string): string {
  const ext = extname(rel).toLowerCase();
  if (ext === '.md') return 'text/markdown; charset=utf-8';
  if (ext === '.yaml' || ext === '.yml') return 'application/yaml; charset=utf-8';
  return attachmentTypes[ext] ?? 'application/octet-stream';
}

/** Content-relative POSIX paths of every regular file, skipping dot-files and folders as the loader does. */
async function filesUnder(root: string): Promise<string[]> {
  const found: string[] = [];
  const visit = async (dir: string, prefix: string) => {
    for (const child of await readdir(dir, { withFileTypes: true })) {
      if (child.name.startsWith('.')) continue;
      const rel = prefix === '' ? child.name : `${prefix}/${child.name}`;
      if (child.isDirectory()) await visit(join(dir, child.name), rel);
      else if (child.isFile()) found.push(rel);
    }
  };
  await visit(root, '');
  return found.sort();
}
