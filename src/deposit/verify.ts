// Validating a bag (RFC 8493 §3): bagit.txt as the version requires, every file a manifest lists
// present with the checksum it lists, every payload file listed in every payload manifest, no file
// that no manifest lists, and a Payload-Oxum that matches the payload. Every problem is reported,
// not just the first, each naming the file.

import { createHash } from 'node:crypto';
import { readdir, readFile, stat } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { type BagFile, parseBagInfo, parseManifest } from './bagit.ts';
import { unzipBag } from './zip.ts';

/** A bag to check, wherever it is: a folder, or the files of a ZIP. */
export interface BagSource {
  name: string;
  /** Every file's path relative to the base folder, `/`-separated. */
  paths: string[];
  read(path: string): Promise<Uint8Array>;
  /** A file's size without reading it, where that is cheaper. */
  size?(path: string): Promise<number>;
}

export interface BagReport {
  name: string;
  problems: string[];
  payloadFiles: number;
  payloadBytes: number;
}

const algorithms: Record<string, string> = { md5: 'md5', sha1: 'sha1', sha256: 'sha256', sha512: 'sha512' };

export async function verifyBag(bag: BagSource): Promise<BagReport> {
  const problems: string[] = [];
  const present = new Set(bag.paths);
  const text = async (path: string) => Buffer.from(await bag.read(path)).toString('utf8');

  if (!present.has('bagit.txt')) {
    problems.push('bagit.txt is missing: every bag starts with it (BagIt-Version and Tag-File-Character-Encoding).');
  } else {
    const declaration = await text('bagit.txt');
    if (!/^BagIt-Version: \d+\.\d+\r?\nTag-File-Character-Encoding: UTF-8\r?\n?$/.test(declaration.replace(/^\uFEFF/, ''))) {
      problems.push(`bagit.txt is not the two lines "BagIt-Version: 1.0" and "Tag-File-Character-Encoding: UTF-8": ${JSON.stringify(declaration)}.`);
    }
    if (declaration.startsWith('\uFEFF')) problems.push('bagit.txt starts with a byte order mark, which RFC 8493 forbids.');
  }

  const manifests = bag.paths.filter((path) => /^manifest-[a-z0-9]+\.txt$/.test(path));
  const tagManifests = bag.paths.filter((path) => /^tagmanifest-[a-z0-9]+\.txt$/.test(path));
  if (manifests.length === 0) problems.push('There is no payload manifest (manifest-sha256.txt): nothing says what the payload should be.');
  if (bag.paths.includes('fetch.txt')) problems.push('fetch.txt lists files to download before the bag is complete; deposits carry every file.');

  const payload = bag.paths.filter((path) => path.startsWith('data/'));
  const listed = new Set<string>();
  const digests = new Map<string, string>();
  const digestOf = async (path: string, algorithm: string) => {
    const key = `${algorithm}:${path}`;
    let digest = digests.get(key);
    if (digest === undefined)
      digests.set(
        key,
        (digest = createHash(algorithm)
          .update(await bag.read(path))
          .digest('hex')),
      );
    return digest;
  };

  for (const manifest of [...manifests, ...tagManifests]) {
    const name = /^(?:tag)?manifest-([a-z0-9]+)\.txt$/.exec(manifest)?.[1] as string;
    const algorithm = algorithms[name];
    if (algorithm === undefined) {
      problems.push(`${manifest} uses the algorithm "${name}", which this verifier does not know (it knows ${Object.keys(algorithms).join(', ')}).`);
      continue;
    }
    const isTag = manifest.startsWith('tag');
    const seen = new Set<string>();
    for (const line of parseManifest(await text(manifest))) {
      if ('problem' in line) {
        problems.push(`${manifest}: ${line.problem}.`);
        continue;
      }
      const { path, checksum } = line;
      if (path.startsWith('/') || path.split('/').some((segment) => segment === '..' || segment === '.' || segment === '')) {
        problems.push(`${manifest} line ${line.line} names "${path}", which is not a path inside the bag.`);
        continue;
      }
      if (!isTag && !path.startsWith('data/')) problems.push(`${manifest} line ${line.line} lists ${path}, which is not in the payload folder data/.`);
      if (isTag && (path.startsWith('data/') || /^tagmanifest-/.test(path)))
        problems.push(`${manifest} line ${line.line} lists ${path}; a tag manifest lists tag files only, not payload files or tag manifests.`);
      if (seen.has(path)) problems.push(`${manifest} lists ${path} twice.`);
      seen.add(path);
      listed.add(path);
      if (!present.has(path)) {
        problems.push(`${path} is listed in ${manifest} but is not in the bag (missing file).`);
        continue;
      }
      const actual = await digestOf(path, algorithm);
      if (actual !== checksum)
        problems.push(`${path} does not match ${manifest}: its ${name} is ${actual}, the manifest says ${checksum} (the file was changed or damaged).`);
    }
    if (!isTag) {
      for (const path of payload)
        if (!seen.has(path)) problems.push(`${path} is in the payload but not listed in ${manifest} (an extra file, or the manifest is incomplete).`);
    }
  }

  // Tag files that no tag manifest lists: RFC 8493 allows them, but a deposit lists every one, so
  // an unlisted file was added after the bag was made.
  for (const path of bag.paths) {
    if (path.startsWith('data/') || listed.has(path) || /^tagmanifest-[a-z0-9]+\.txt$/.test(path)) continue;
    if (tagManifests.length === 0 && (path === 'bagit.txt' || /^manifest-/.test(path) || path === 'bag-info.txt')) continue;
    problems.push(`${path} is in the bag but no manifest lists it (an extra file).`);
  }

  let payloadBytes = 0;
  for (const path of payload) {
    payloadBytes += bag.size === undefined ? (await bag.read(path)).byteLength : await bag.size(path);
  }
  if (present.has('bag-info.txt')) {
    const info = parseBagInfo(await text('bag-info.txt'));
    problems.push(...info.problems);
    const oxum = info.entries.filter((entry) => entry.label.toLowerCase() === 'payload-oxum');
    if (oxum.length > 1) problems.push('bag-info.txt has Payload-Oxum more than once.');
    const value = oxum[0]?.value.trim();
    if (value !== undefined) {
      const match = /^(\d+)\.(\d+)$/.exec(value);
      if (match === null) problems.push(`bag-info.txt: Payload-Oxum "${value}" is not <octets>.<files>.`);
      else if (Number(match[1]) !== payloadBytes || Number(match[2]) !== payload.length) {
        problems.push(
          `bag-info.txt: Payload-Oxum says ${match[1]} bytes in ${match[2]} files; the payload has ${payloadBytes} bytes in ${payload.length} files.`,
        );
      }
    }
    for (const entry of info.entries) {
      if (entry.label.toLowerCase() === 'bagging-date' && !/^\d{4}-\d{2}-\d{2}$/.test(entry.value.trim()))
        problems.push(`bag-info.txt: Bagging-Date "${entry.value}" is not YYYY-MM-DD.`);
    }
  }
  return { name: bag.name, problems, payloadFiles: payload.length, payloadBytes };
}

/** A bag in memory (a ZIP's files, or one just made). */
export function bagInMemory(name: string, files: readonly BagFile[]): BagSource {
  const byPath = new Map(files.map((file) => [file.path, file.bytes]));
  return {
    name,
    paths: [...byPath.keys()].sort(),
    read: async (path) => {
      const bytes = byPath.get(path);
      if (bytes === undefined) throw new Error(`${path} is not in the bag.`);
      return bytes;
    },
  };
}

/** A bag given by path: a folder (the bag's base folder) or a `.zip` file holding one. */
export async function openBag(path: string): Promise<BagSource> {
  const info = await stat(path);
  if (info.isDirectory()) {
    const entries = await readdir(path, { withFileTypes: true, recursive: true });
    const paths: string[] = [];
    for (const entry of entries) {
      const rel = relative(path, join(entry.parentPath, entry.name)).split(sep).join('/');
      if (entry.isFile()) paths.push(rel);
      else if (!entry.isDirectory()) throw new Error(`${rel} in ${path} is neither a file nor a folder (a link?); a bag holds plain files.`);
    }
    return {
      name: path.split(sep).filter(Boolean).at(-1) ?? path,
      paths: paths.sort(),
      read: async (rel) => new Uint8Array(await readFile(join(path, rel))),
      size: async (rel) => (await stat(join(path, rel))).size,
    };
  }
  const { name, files } = unzipBag(new Uint8Array(await readFile(path)));
  return bagInMemory(name, files);
}
