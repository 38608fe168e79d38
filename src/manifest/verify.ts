// Checking a copy of the site against its signed manifest: a folder (an `--out` copy, a
// partner's mirror on disk) or an http(s) base URL (the site, a mirror, the preview server).
// Every problem is collected, none stops the check: a signature that does not verify still
// leaves the files compared, so the report says everything that differs at once.

import { createHash } from 'node:crypto';
import { readdir, readFile, stat } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { mapLimit } from '../concurrency.ts';
import { isListed, KEYS_PATH, type Manifest, MANIFEST_PATH, type ManifestFile, parseManifest, SIGNATURE_PATH } from './manifest.ts';
import { type JwkSet, parseKeySet, verifyDetached } from './signing.ts';

/** A copy of the site, read by site path. */
export interface SiteCopy {
  /** How to name it in messages. */
  name: string;
  /** The bytes at `path`, or undefined when there is no such file. */
  read(path: string): Promise<Uint8Array | undefined>;
  /** Every file path, when the copy can be listed (a folder); undefined over HTTP. */
  list?(): AsyncIterable<string>;
}

export type ProblemKind = 'tampered' | 'missing' | 'extra' | 'unsigned' | 'bad-signature' | 'unknown-key' | 'stale' | 'other-site' | 'no-manifest';

export interface Problem {
  kind: ProblemKind;
  /** The site path concerned, for file problems. */
  path?: string;
  message: string;
}

export interface VerifyReport {
  manifest?: Manifest;
  /** The key that verified the signature. */
  keyId?: string;
  /** Where the trusted keys came from. */
  keysFrom?: string;
  checked: number;
  problems: Problem[];
  /** Said, not wrong: e.g. that an HTTP copy cannot be listed for extra files. */
  notes: string[];
}

export interface VerifyOptions {
  /** The trusted keys; undefined: the copy's own /.well-known/gazette-keys.json (noted in the report). */
  keys?: { set: JwkSet; from: string };
  /** The newest manifest known (the origin's, or a sequence remembered): an older one is stale. */
  newest?: { sequence: number; builtAt?: string; from: string };
  /** The site's base URL the manifest must name. */
  site?: string;
  /** Accept a manifest without signature (a local build without a key). */
  allowUnsigned?: boolean;
  concurrency?: number;
}

/** Read and check the manifest a copy serves, then every file it lists, then (a folder) what it does not list. */
export async function verifySiteCopy(copy: SiteCopy, options: VerifyOptions = {}): Promise<VerifyReport> {
  const report: VerifyReport = { checked: 0, problems: [], notes: [] };
  const checked = await checkedManifest(copy, options, report);
  if (checked === undefined) return report;
  const manifest = checked;
  const files = new Map(manifest.files.map((file) => [file.path, file]));
  await mapLimit(manifest.files, options.concurrency ?? 8, async (file) => {
    const bytes = await copy.read(file.path);
    report.checked++;
    if (bytes === undefined) {
      report.problems.push({ kind: 'missing', path: file.path, message: `${file.path} is listed in the manifest${owned(file)} but is not in ${copy.name}.` });
      return;
    }
    const digest = createHash('sha256').update(bytes).digest('hex');
    if (digest !== file.sha256 || bytes.byteLength !== file.size) {
      report.problems.push({
        kind: 'tampered',
        path: file.path,
        message: `${file.path}${owned(file)} differs from the manifest: SHA-256 ${digest} (${bytes.byteLength} bytes), the manifest says ${file.sha256} (${file.size} bytes).`,
      });
    }
  });
  if (copy.list === undefined) {
    report.notes.push(`${copy.name} cannot be listed, so files the manifest does not list were not looked for (check a folder copy for extra files).`);
  } else {
    for await (const path of copy.list()) {
      if (!files.has(path) && isListed(path))
        report.problems.push({ kind: 'extra', path, message: `${path} is in ${copy.name} but not in the manifest: the government's site did not publish it.` });
    }
  }
  report.problems.sort((a, b) => (a.path ?? '').localeCompare(b.path ?? '') || a.kind.localeCompare(b.kind));
  return report;
}

/** One file (a PDF someone sent): which file of the manifest it is, or that none is. */
export function verifySingleFile(bytes: Uint8Array, name: string, manifest: Manifest): { match?: ManifestFile; problems: Problem[] } {
  const digest = createHash('sha256').update(bytes).digest('hex');
  const match = manifest.files.find((file) => file.sha256 === digest && file.size === bytes.byteLength);
  if (match !== undefined) return { match, problems: [] };
  const base = name.split(/[\\/]/).at(-1) ?? name;
  const sameName = manifest.files.filter((file) => file.path.split('/').at(-1) === base);
  const hint =
    sameName.length === 0
      ? 'and no listed file has its name'
      : `; the listed file${sameName.length > 1 ? 's' : ''} of that name: ${sameName.map((file) => `${file.path}${owned(file)} (SHA-256 ${file.sha256})`).join(', ')}`;
  return {
    problems: [
      {
        kind: 'tampered',
        message: `${name} (SHA-256 ${digest}) is no file of manifest #${manifest.sequence} ${hint}. It was changed, or it is an older version than the site publishes now.`,
      },
    ],
  };
}

/** The manifest of a copy, its signature checked against the trusted keys and its age against the newest known. */
export async function checkedManifest(copy: SiteCopy, options: VerifyOptions, report: VerifyReport): Promise<Manifest | undefined> {
  const bytes = await copy.read(MANIFEST_PATH);
  if (bytes === undefined) {
    report.problems.push({
      kind: 'no-manifest',
      message: `${copy.name} has no /${MANIFEST_PATH}: it is not a copy of a Gazette site, or the manifest was left out.`,
    });
    return undefined;
  }
  let manifest: Manifest;
  try {
    manifest = parseManifest(bytes, `${copy.name}/${MANIFEST_PATH}`);
  } catch (error) {
    report.problems.push({ kind: 'no-manifest', message: (error as Error).message });
    return undefined;
  }
  report.manifest = manifest;
  const signature = await copy.read(SIGNATURE_PATH);
  if (signature === undefined) {
    if (options.allowUnsigned === true) {
      report.notes.push('The manifest is not signed (a build without a signing key); its files were compared all the same.');
    } else {
      report.problems.push({
        kind: 'unsigned',
        message: `${copy.name} has no /${SIGNATURE_PATH}: the manifest is not signed (a build without a signing key), so nothing proves who published it. The files are compared with it all the same.`,
      });
    }
  } else {
    let keys = options.keys;
    if (keys === undefined) {
      const own = await copy.read(KEYS_PATH);
      const set = own === undefined ? undefined : parseKeySet(Buffer.from(own).toString('utf8'));
      if (set !== undefined) keys = { set, from: `${copy.name}/${KEYS_PATH}` };
      report.notes.push(
        `The keys were taken from the copy itself (${keys?.from ?? 'none found'}); pass --keys or --origin with the government's own keys to prove who signed.`,
      );
    }
    report.keysFrom = keys?.from ?? 'none';
    const verdict = verifyDetached(Buffer.from(signature).toString('utf8'), bytes, keys?.set ?? { keys: [] });
    if (verdict.ok) {
      report.keyId = verdict.kid;
      if (manifest.keyId !== undefined && manifest.keyId !== verdict.kid) {
        report.problems.push({ kind: 'bad-signature', message: `The manifest names key ${manifest.keyId} but is signed with ${verdict.kid}.` });
      }
    } else {
      report.problems.push({ kind: verdict.reason === 'unknown-key' ? 'unknown-key' : 'bad-signature', message: verdict.message });
    }
  }
  if (options.site !== undefined && manifest.site !== options.site) {
    report.problems.push({ kind: 'other-site', message: `The manifest is of ${manifest.site}, not of ${options.site}.` });
  }
  const newest = options.newest;
  if (newest !== undefined && manifest.sequence < newest.sequence) {
    report.problems.push({
      kind: 'stale',
      message: `${copy.name} serves manifest #${manifest.sequence} of ${manifest.builtAt}, but ${newest.from} has #${newest.sequence}${newest.builtAt === undefined ? '' : ` of ${newest.builtAt}`}: the copy is out of date, or an old manifest is being replayed.`,
    });
  }
  return manifest;
}

function owned(file: ManifestFile): string {
  if (file.id !== undefined) return ` (document ${file.id}, version ${file.version ?? '?'})`;
  if (file.issue !== undefined) return ` (issue ${file.issue}, version ${file.version ?? '?'})`;
  return '';
}

/** A folder holding the site (an `--out` copy, a mirror). */
export function folderCopy(root: string): SiteCopy {
  return {
    name: root,
    read: async (path) => {
      const file = join(root, ...path.split('/'));
      if (!file.startsWith(root)) return undefined;
      try {
        return await readFile(file);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT' || (error as NodeJS.ErrnoException).code === 'EISDIR') return undefined;
        throw error;
      }
    },
    list: async function* () {
      yield* walk(root, root);
    },
  };
}

async function* walk(root: string, dir: string): AsyncGenerator<string> {
  const entries = await readdir(dir, { withFileTypes: true });
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const entry of entries) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* walk(root, path);
    else if (entry.isFile() || (entry.isSymbolicLink() && (await stat(path)).isFile())) yield relative(root, path).split(sep).join('/');
  }
}

/** A site served over HTTP(S), from its base URL (which may be a mirror's sub-path). */
export function httpCopy(base: string, fetcher: typeof fetch = fetch): SiteCopy {
  const root = base.endsWith('/') ? base : `${base}/`;
  return {
    name: root,
    read: async (path) => {
      const url = new URL(path.split('/').map(encodeURIComponent).join('/'), root);
      const response = await fetcher(url, { redirect: 'follow', headers: { 'cache-control': 'no-cache' } });
      if (response.status === 404 || response.status === 410) return undefined;
      if (!response.ok) throw new Error(`GET ${url.href} answered ${response.status} ${response.statusText}; try again, or check the address.`);
      return new Uint8Array(await response.arrayBuffer());
    },
  };
}

/** A folder or a URL, as the command line gives it. */
export function siteCopyOf(target: string): SiteCopy {
  return /^https?:\/\//i.test(target) ? httpCopy(target) : folderCopy(target);
}
