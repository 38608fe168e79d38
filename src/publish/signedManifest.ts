// The last write of a finalize step: the signed manifest of the public site (src/manifest/).
//
// Listing every public object on every build would cost more than an incremental build itself
// (a HEAD or a stat per object), so the manifest is kept up to date from what the build knows:
// the manifest before, the files of the documents it committed (the records hold their SHA-256),
// and every public object finalize wrote, found unchanged or deleted. A build that may have missed
// something lists the bucket instead: a full build (new templates, recovery), a first manifest,
// and any build after one that died between its first write and its manifest (a pending mark in
// private state, set before the first write and cleared after the manifest, says so). The
// result is a function of what the bucket holds, so a retried build converges on the same bytes;
// a manifest whose files did not change is not written again (its sequence and time stay).

import { mapLimit } from '../concurrency.ts';
import {
  isListed,
  KEYS_PATH,
  type Manifest,
  MANIFEST_FORMAT,
  encodeManifestList,
  joinManifestList,
  manifestHeadText,
  type ManifestList,
  manifestListFromBytes,
  MANIFEST_PATH,
  type ManifestFile,
  parseManifest,
  patchManifestList,
  type PatchedList,
  SIGNATURE_PATH,
  UNLISTED,
} from '../manifest/manifest.ts';
import { keySetBytes, mergeKeySet, parseKeySet, signDetached, type SigningKey } from '../manifest/signing.ts';
import { versionPath } from '../render/html/index.ts';
import { pageKey } from '../outputs.ts';
import { type ObjectStore, PRIVATE_PREFIX, SITE_PREFIX } from '../store/ports.ts';
import { sha256 } from './digest.ts';
import { parsedBodies } from './bucketMemory.ts';
import type { Change } from '../discovery/outputs.ts';
import type { PublishedState } from './plan.ts';

/** Where the key of a build comes from: an environment variable locally, Secrets Manager on AWS. */
export interface ManifestSigner {
  /** The key to sign with; undefined: the manifest is written unsigned (a local build without a key). */
  key(): Promise<SigningKey | undefined>;
}

export interface ManifestOutcome {
  sequence: number;
  files: number;
  /** The key that signed it; undefined when unsigned. */
  keyId?: string;
  /** False when the files were as the manifest before listed them (nothing written). */
  written: boolean;
}

/** The manifest's private state: the last sequence, and whether a build is between its first write and its manifest. */
export const MANIFEST_STATE_KEY = `${PRIVATE_PREFIX}state/manifest.json`;

interface ManifestState {
  sequence: number;
  pending: boolean;
  /** The SHA-256 of the manifest as last written or found unchanged: bytes with it are read back without checking each line. */
  sha256?: string;
}

/** The manifest, its signature and the keys: checked each time, so no CDN serves a manifest with another's signature. */
const wellKnownCache = 'no-cache';
const HEAD_CONCURRENCY = 16;

type Seen = { sha256: string; size: number } | null;

export interface ManifestTracker {
  /** The bucket as finalize uses it: public puts and deletes are noted. */
  objects: ObjectStore;
  /** For startWrites: an artifact found unchanged (full object key, its SHA-256 and size). */
  observe: (key: string, sha256: string, size: number) => void;
  finish(input: FinishInput): Promise<ManifestOutcome>;
}

export interface FinishInput {
  state: PublishedState;
  changes: readonly Change[];
  /** The site's base URL. */
  site: string;
  now: Date;
  /** Finalize saw only what changed (else every listing and derived output was rendered). */
  incremental: boolean;
}

/** Before finalize's first write: mark the manifest pending and watch what finalize writes. */
export async function beginManifest(objects: ObjectStore, signer: ManifestSigner): Promise<ManifestTracker> {
  const stored = await readState(objects);
  const interrupted = stored?.pending === true;
  if (!interrupted) await writeState(objects, { ...stored, sequence: stored?.sequence ?? 0, pending: true });
  const seen = new Map<string, Seen>();
  const recheck = new Set<string>();
  const note = (key: string, value: Seen) => {
    if (!key.startsWith(SITE_PREFIX) || !isListed(key.slice(SITE_PREFIX.length))) return;
    seen.set(key, value);
    recheck.delete(key);
  };
  const watched: ObjectStore = {
    ...objects,
    put: async (input) => {
      const outcome = await objects.put(input);
      if (input.key.startsWith(SITE_PREFIX) && isListed(input.key.slice(SITE_PREFIX.length))) {
        note(input.key, { sha256: input.sha256 ?? sha256(input.body), size: input.body.byteLength });
      }
      return outcome;
    },
    delete: async (keys) => {
      try {
        await objects.delete(keys);
      } finally {
        // Deleted, or (on failure) unknown: looked at again before the manifest is made.
        for (const key of keys) {
          if (!key.startsWith(SITE_PREFIX) || !isListed(key.slice(SITE_PREFIX.length))) continue;
          seen.delete(key);
          recheck.add(key);
        }
      }
      for (const key of keys) note(key, null);
    },
    copy: async (from, to) => {
      if (to.startsWith(SITE_PREFIX) && isListed(to.slice(SITE_PREFIX.length))) {
        seen.delete(to);
        recheck.add(to);
      }
      return objects.copy(from, to);
    },
  };
  return {
    objects: watched,
    observe: (key, digest, size) => note(key, { sha256: digest, size }),
    finish: (input) =>
      finishManifest(objects, signer, input, {
        interrupted,
        seen,
        recheck,
        sequence: stored?.sequence ?? 0,
        ...(stored?.sha256 === undefined ? {} : { written: stored.sha256 }),
      }),
  };
}

interface Tracked {
  interrupted: boolean;
  seen: Map<string, Seen>;
  recheck: Set<string>;
  sequence: number;
  /** The SHA-256 of the manifest the last build wrote or found unchanged. */
  written?: string;
}

async function finishManifest(objects: ObjectStore, signer: ManifestSigner, input: FinishInput, tracked: Tracked): Promise<ManifestOutcome> {
  const key = await signer.key();
  const patching = input.incremental && !tracked.interrupted;
  const read = await readManifest(objects, { list: patching, ...(tracked.written === undefined ? {} : { written: tracked.written }) });
  const previous = read?.manifest;
  const owners = ownersOf(input.state);
  const full = !patching || previous === undefined || previous.site !== input.site;
  const unlisted = UNLISTED.map(({ prefix }) => prefix);
  let list: PatchedList;
  if (full) {
    const listed = await listedFiles(objects, tracked, owners, previous);
    const encoded = encodeManifestList(listed.map((file) => withOwner(file, owners.get(file.path)?.owner)));
    list = { ...encoded, chunks: [encoded.body] };
  } else {
    // The list before: as this process wrote it or split it from the stored bytes, else encoded again.
    const before = read?.list ?? encodeManifestList(previous.files);
    list = patchManifestList(before, await changedFiles(objects, tracked, owners, before, input.changes)).patched;
  }
  // Unchanged: the bytes the manifest before would have with these files (a byte comparison, not a parse of each entry).
  const unchanged =
    read !== undefined &&
    previous !== undefined &&
    previous.site === input.site &&
    previous.keyId === key?.kid &&
    sameBytes(read.bytes, [Buffer.from(manifestHeadText({ ...previous, unlisted }), 'utf8'), ...list.chunks]) &&
    (key === undefined || (await objects.head(SITE_PREFIX + SIGNATURE_PATH)) !== undefined);
  if (unchanged) {
    await writeState(objects, { sequence: Math.max(previous.sequence, tracked.sequence), pending: false, sha256: read.sha256 ?? sha256(read.bytes) });
    return { sequence: previous.sequence, files: list.files.length, ...(key === undefined ? {} : { keyId: key.kid }), written: false };
  }
  const manifest: Manifest = {
    format: MANIFEST_FORMAT,
    site: input.site,
    sequence: Math.max(previous?.sequence ?? 0, tracked.sequence) + 1,
    builtAt: input.now.toISOString(),
    ...(key === undefined ? {} : { keyId: key.kid }),
    unlisted,
    files: [...list.files],
  };
  const { bytes, list: written } = joinManifestList(list, Buffer.from(manifestHeadText(manifest), 'utf8'));
  if (key !== undefined) {
    // The key before the signature that names it; old keys stay listed.
    const before = await objects.get(SITE_PREFIX + KEYS_PATH);
    const keys = keySetBytes(mergeKeySet(key.publicJwk, before === undefined ? undefined : parseKeySet(Buffer.from(before.body).toString('utf8'))));
    if (before === undefined || !Buffer.from(before.body).equals(keys)) {
      await objects.put({ key: SITE_PREFIX + KEYS_PATH, body: keys, contentType: 'application/jwk-set+json', cacheControl: wellKnownCache });
    }
  }
  const digest = sha256(bytes);
  await objects.put({
    key: SITE_PREFIX + MANIFEST_PATH,
    body: bytes,
    contentType: 'application/json; charset=utf-8',
    cacheControl: wellKnownCache,
    sha256: digest,
  });
  // Through a bucket memory (watch mode) the next build reads these very bytes back: it needs no parse.
  manifests.remember(bytes, { manifest, list: written, sha256: digest });
  if (key === undefined) await objects.delete([SITE_PREFIX + SIGNATURE_PATH]);
  else
    await objects.put({
      key: SITE_PREFIX + SIGNATURE_PATH,
      body: Buffer.from(signDetached(bytes, key), 'utf8'),
      contentType: 'application/jose',
      cacheControl: wellKnownCache,
    });
  await writeState(objects, { sequence: manifest.sequence, pending: false, sha256: digest });
  return { sequence: manifest.sequence, files: list.files.length, ...(key === undefined ? {} : { keyId: key.kid }), written: true };
}

/** `bytes` are the chunks one after another. */
function sameBytes(bytes: Buffer, chunks: readonly Buffer[]): boolean {
  if (bytes.byteLength !== chunks.reduce((sum, chunk) => sum + chunk.byteLength, 0)) return false;
  let offset = 0;
  for (const chunk of chunks) {
    if (!bytes.subarray(offset, offset + chunk.byteLength).equals(chunk)) return false;
    offset += chunk.byteLength;
  }
  return true;
}

interface Owner {
  sha256: string;
  size: number;
  owner: Pick<ManifestFile, 'id' | 'issue' | 'version'>;
}

/** Which document or issue each public file belongs to, by site path, with the SHA-256 the record holds. */
function ownersOf(state: PublishedState): Map<string, Owner> {
  const owners = new Map<string, Owner>();
  for (const record of state.documents.values()) {
    if (record.status === 'scheduled') continue;
    for (const artifact of record.artifacts)
      owners.set(artifact.key, { sha256: artifact.sha256, size: artifact.size, owner: { id: record.id, version: record.version } });
  }
  for (const issue of state.issues.values()) {
    const name = `${issue.year}-${String(issue.number).padStart(2, '0')}`;
    for (const artifact of issue.artifacts ?? [])
      owners.set(artifact.key, { sha256: artifact.sha256, size: artifact.size, owner: { issue: name, version: issue.version } });
  }
  return owners;
}

/** Every listed public object, from a listing of the bucket; SHA-256 from what is known, else a HEAD. */
async function listedFiles(objects: ObjectStore, tracked: Tracked, owners: Map<string, Owner>, previous: Manifest | undefined): Promise<ManifestFile[]> {
  const before = new Map((previous?.files ?? []).map((file) => [file.path, file]));
  const files: ManifestFile[] = [];
  const unknown: ManifestFile[] = [];
  for await (const summary of objects.listKeys(SITE_PREFIX)) {
    const path = summary.key.slice(SITE_PREFIX.length);
    if (!isListed(path)) continue;
    const seen = tracked.recheck.has(summary.key) ? undefined : tracked.seen.get(summary.key);
    // A known hash counts only with the size the listing shows.
    const known = [seen, owners.get(path), before.get(path)].find((candidate) => candidate != null && candidate.size === summary.size);
    const file: ManifestFile = { path, sha256: known?.sha256 ?? '', size: summary.size };
    files.push(file);
    if (known === undefined) unknown.push(file);
  }
  await mapLimit(unknown, HEAD_CONCURRENCY, async (file) => {
    file.sha256 = (await hashOf(objects, SITE_PREFIX + file.path)) ?? file.sha256;
  });
  return files.filter((file) => file.sha256 !== '');
}

/** A public file with the owner the records give it (none: a file of no document or issue). */
function withOwner(file: Pick<ManifestFile, 'path' | 'sha256' | 'size'>, owner: Owner['owner'] | undefined): ManifestFile {
  return { path: file.path, sha256: file.sha256, size: file.size, ...owner };
}

/**
 * What this build changed in the manifest before (`before`), by path: the files of the
 * documents it committed, the public objects finalize wrote, found unchanged or deleted (null:
 * gone), and the files whose owner the records now name differently (a new version's files).
 */
async function changedFiles(
  objects: ObjectStore,
  tracked: Tracked,
  owners: Map<string, Owner>,
  before: ManifestList,
  changes: FinishInput['changes'],
): Promise<Map<string, ManifestFile | null>> {
  const files = new Map<string, Pick<ManifestFile, 'path' | 'sha256' | 'size'> | null>();
  const recheck = new Set<string>();
  for (const { before: was, after } of changes) {
    // Written by the document's job, before its record: the record holds their hashes.
    const now = new Set(after === undefined || after.status === 'scheduled' ? [] : after.artifacts.map((artifact) => artifact.key));
    for (const path of now) {
      const owner = owners.get(path);
      if (owner !== undefined) files.set(path, { path, sha256: owner.sha256, size: owner.size });
    }
    for (const artifact of was?.artifacts ?? []) if (!now.has(artifact.key)) recheck.add(artifact.key);
    // The page of the version replaced, copied to its version's URL by the job.
    if (was !== undefined && after !== undefined && after.version > was.version) recheck.add(pageKey(versionPath(after.urlPath, was.version)));
  }
  for (const [key, seen] of tracked.seen) {
    const path = key.slice(SITE_PREFIX.length);
    recheck.delete(path);
    files.set(path, seen === null ? null : { path, sha256: seen.sha256, size: seen.size });
  }
  for (const key of tracked.recheck) recheck.add(key.slice(SITE_PREFIX.length));
  await mapLimit([...recheck].filter(isListed), HEAD_CONCURRENCY, async (path) => {
    const head = await objects.head(SITE_PREFIX + path);
    if (head === undefined) {
      files.set(path, null);
      return;
    }
    const digest = head.sha256 ?? (await hashOf(objects, SITE_PREFIX + path));
    if (digest !== undefined) files.set(path, { path, sha256: digest, size: head.size });
  });
  const changed = new Map<string, ManifestFile | null>();
  for (const [path, file] of files) changed.set(path, file === null ? null : withOwner(file, owners.get(path)?.owner));
  // A file not touched whose owner changed (its record's version moved on; a document gone).
  for (const file of before.files) {
    if (files.has(file.path)) continue;
    const owner = owners.get(file.path)?.owner;
    if (file.id !== owner?.id || file.issue !== owner?.issue || file.version !== owner?.version) changed.set(file.path, withOwner(file, owner));
  }
  return changed;
}

/** The SHA-256 of an object: from its metadata, else from its bytes. */
async function hashOf(objects: ObjectStore, key: string): Promise<string | undefined> {
  const head = await objects.head(key);
  if (head === undefined) return undefined;
  if (head.sha256 !== undefined) return head.sha256;
  const stored = await objects.get(key);
  return stored === undefined ? undefined : sha256(stored.body);
}

/** Manifests parsed, by the body read or written (bucketMemory.ts); updatedFiles and listedFiles copy what they take. */
const manifests = parsedBodies<{ manifest: Manifest; list?: ManifestList; sha256?: string } | undefined>();

/**
 * The manifest the bucket holds: parsed (once per body), its bytes, and its canonical file list
 * when this process wrote it or, with `list`, split from the bytes and kept with the parse (what
 * an incremental build patches). `written`: the SHA-256 of the manifest the last build wrote
 * (the manifest's state); bytes with it are split without checking each line, and `sha256` is theirs.
 */
async function readManifest(
  objects: ObjectStore,
  options: { list?: boolean; written?: string } = {},
): Promise<{ manifest: Manifest; bytes: Buffer; list?: ManifestList; sha256?: string } | undefined> {
  const stored = await objects.get(SITE_PREFIX + MANIFEST_PATH);
  if (stored === undefined) return undefined;
  const body = stored.body;
  const bytes = Buffer.isBuffer(body) ? body : Buffer.from(body.buffer, body.byteOffset, body.byteLength);
  let known = manifests.get(body, () => {
    try {
      return { manifest: parseManifest(bytes, MANIFEST_PATH) };
    } catch {
      return undefined; // damaged or of another format: listed afresh
    }
  });
  if (known !== undefined && known.list === undefined && options.list === true) {
    const digest = options.written === undefined ? undefined : sha256(bytes);
    const list =
      (digest !== undefined && digest === options.written ? manifestListFromBytes(bytes, known.manifest.files, { written: true }) : undefined) ??
      manifestListFromBytes(bytes, known.manifest.files);
    if (list !== undefined) manifests.remember(body, (known = { ...known, list, ...(digest === undefined ? {} : { sha256: digest }) }));
  }
  return known === undefined ? undefined : { ...known, bytes };
}

/**
 * Parse the stored manifest and its list ahead of the next build (watch mode, while the editor
 * pauses): the first save then patches the list at once (at 10,000 documents, reading it is
 * about 50 ms of that save). `objects`: seen through the bucket memory the builds read through,
 * so the next build is handed this very body and finds the parse kept with it.
 */
export async function holdManifest(objects: ObjectStore): Promise<void> {
  const written = (await readState(objects))?.sha256;
  await readManifest(objects, { list: true, ...(written === undefined ? {} : { written }) });
}

async function readState(objects: ObjectStore): Promise<ManifestState | undefined> {
  const stored = await objects.get(MANIFEST_STATE_KEY);
  if (stored === undefined) return undefined;
  try {
    const value = JSON.parse(Buffer.from(stored.body).toString('utf8')) as Partial<ManifestState>;
    return {
      sequence: typeof value.sequence === 'number' ? value.sequence : 0,
      pending: value.pending !== false,
      ...(typeof value.sha256 === 'string' ? { sha256: value.sha256 } : {}),
    };
  } catch {
    return { sequence: 0, pending: true };
  }
}

async function writeState(objects: ObjectStore, state: ManifestState): Promise<void> {
  await objects.put({ key: MANIFEST_STATE_KEY, body: Buffer.from(JSON.stringify(state), 'utf8'), contentType: 'application/json' });
}
