// The manifest of the public site: every public file with its SHA-256 and size, and for a
// document's or an issue's files the id and version the records give them. It is a plain value
// with one byte form (`manifestBytes`: fixed key order, files in byte order of their path, one per
// line), so the same site gives the same bytes and a detached signature covers exactly them.

/** Published at `/.well-known/…` under the site prefix; the three files are not in the manifest. */
export const WELL_KNOWN = '.well-known/';
export const MANIFEST_PATH = `${WELL_KNOWN}gazette-manifest.json`;
export const SIGNATURE_PATH = `${WELL_KNOWN}gazette-manifest.jws`;
export const KEYS_PATH = `${WELL_KNOWN}gazette-keys.json`;

export const MANIFEST_FORMAT = 'gazette-manifest/1';

/**
 * Path prefixes the manifest does not list, with the reason a verifier prints. Feeds are rewritten
 * on AWS by the table stream, beside builds, so no build's manifest could hold their current
 * bytes; each feed item carries its document's file hashes instead, which the manifest covers.
 */
export const UNLISTED: readonly { prefix: string; reason: string }[] = [
  { prefix: 'feeds/', reason: "feeds change between builds; each item carries the SHA-256 of its document's files" },
  { prefix: `${WELL_KNOWN}gazette-`, reason: 'the manifest, its signature and the public keys themselves' },
];

export function isListed(path: string): boolean {
  return !UNLISTED.some(({ prefix }) => path.startsWith(prefix));
}

export interface ManifestFile {
  /** Site-relative path, as in the URL after the site's base (`gazette/2010/05/x/index.html`). */
  path: string;
  sha256: string;
  size: number;
  /** The document whose file this is, and its version. */
  id?: string;
  version?: number;
  /** The gazette issue (`2010-05`) whose page, PDF or deposit package this is, and the issue record's version. */
  issue?: string;
}

export interface Manifest {
  format: typeof MANIFEST_FORMAT;
  /** The site's base URL (site.yaml), so a manifest cannot be passed off as another site's. */
  site: string;
  /** +1 whenever the files change: a copy serving a lower number than the site's serves an old manifest. */
  sequence: number;
  /** The build's clock when this sequence was written (ISO 8601, UTC). */
  builtAt: string;
  /** The JWK thumbprint of the key that signs it; absent in an unsigned (local, keyless) build. */
  keyId?: string;
  unlisted: string[];
  files: ManifestFile[];
}

/** The canonical bytes of a manifest. */
export function manifestBytes(manifest: Manifest): Buffer {
  const head = {
    format: manifest.format,
    site: manifest.site,
    sequence: manifest.sequence,
    builtAt: manifest.builtAt,
    ...(manifest.keyId === undefined ? {} : { keyId: manifest.keyId }),
    unlisted: manifest.unlisted,
  };
  // Each path encoded once, not in every comparison (a manifest may list tens of thousands of files).
  const keyed = manifest.files.map((file) => ({ file, key: Buffer.from(file.path, 'utf8') }));
  keyed.sort((a, b) => Buffer.compare(a.key, b.key));
  const lines = keyed.map(({ file }) => JSON.stringify(fileFields(file)));
  const text = `${JSON.stringify(head).slice(0, -1)},"files":[\n${lines.join(',\n')}\n]}\n`;
  return Buffer.from(text, 'utf8');
}

function fileFields(file: ManifestFile): ManifestFile {
  return {
    path: file.path,
    sha256: file.sha256,
    size: file.size,
    ...(file.id === undefined ? {} : { id: file.id }),
    ...(file.issue === undefined ? {} : { issue: file.issue }),
    ...(file.version === undefined ? {} : { version: file.version }),
  };
}

/** Paths compared as UTF-8 bytes, as S3 lists keys. */
export function byPath(a: { path: string }, b: { path: string }): number {
  return Buffer.compare(Buffer.from(a.path, 'utf8'), Buffer.from(b.path, 'utf8'));
}

export class ManifestFormatError extends Error {
  override name = 'ManifestFormatError';
}

/** Parse manifest bytes; throws ManifestFormatError saying what is wrong. */
export function parseManifest(bytes: Uint8Array, source: string): Manifest {
  let value: Partial<Manifest>;
  try {
    value = JSON.parse(Buffer.from(bytes).toString('utf8')) as Partial<Manifest>;
  } catch (error) {
    throw new ManifestFormatError(`${source} is not JSON: ${(error as Error).message}.`);
  }
  if (value.format !== MANIFEST_FORMAT)
    throw new ManifestFormatError(`${source} is not a Gazette manifest (format ${JSON.stringify(value.format)}, expected "${MANIFEST_FORMAT}").`);
  if (typeof value.sequence !== 'number' || typeof value.builtAt !== 'string' || typeof value.site !== 'string' || !Array.isArray(value.files)) {
    throw new ManifestFormatError(`${source} lacks its site, sequence, builtAt or files.`);
  }
  for (const file of value.files) {
    if (typeof file?.path !== 'string' || !/^[0-9a-f]{64}$/.test(String(file.sha256)) || typeof file.size !== 'number') {
      throw new ManifestFormatError(`${source} has a file entry without a path, a hex SHA-256 and a size: ${JSON.stringify(file)}.`);
    }
  }
  return { ...(value as Manifest), unlisted: Array.isArray(value.unlisted) ? value.unlisted : [] };
}

/** The files of two manifests equal, in content (the sequence and time aside). */
export function sameFiles(a: readonly ManifestFile[], b: readonly ManifestFile[]): boolean {
  if (a.length !== b.length) return false;
  const sortedA = [...a].sort(byPath);
  const sortedB = [...b].sort(byPath);
  return sortedA.every((file, i) => JSON.stringify(fileFields(file)) === JSON.stringify(fileFields(sortedB[i] as ManifestFile)));
}
