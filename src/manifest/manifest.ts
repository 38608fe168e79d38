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
  return Buffer.concat([Buffer.from(manifestHeadText(manifest), 'utf8'), encodeManifestList(manifest.files).body]);
}

/**
 * The canonical text before the files: everything but the file list. Followed by the body of
 * encodeManifestList it makes manifestBytes, so a build that compares a manifest with the one
 * before and then writes a new sequence encodes its tens of thousands of files once.
 */
export function manifestHeadText(manifest: Omit<Manifest, 'files'>): string {
  const head = {
    format: manifest.format,
    site: manifest.site,
    sequence: manifest.sequence,
    builtAt: manifest.builtAt,
    ...(manifest.keyId === undefined ? {} : { keyId: manifest.keyId }),
    unlisted: manifest.unlisted,
  };
  return `${JSON.stringify(head).slice(0, -1)},"files":[\n`;
}

/**
 * A manifest's file list in its canonical form: the files in byte order of their paths, the body
 * of manifestBytes after the head (one line a file, then the tail) and where each line starts.
 * What a process that builds again (watch mode) keeps for its next manifest: patchManifestList
 * makes the next list from it by splicing the lines that changed between runs of the body before.
 * Never changed once made; the files in it are shared with the lists patched from it.
 */
export interface ManifestList {
  readonly files: readonly ManifestFile[];
  readonly body: Buffer;
  /** Where line i starts in body; entry `files.length` is where the tail starts plus the separator's length (as if a line followed). */
  readonly starts: Uint32Array;
}

const SEPARATOR = Buffer.from(',\n', 'utf8');
const TAIL = Buffer.from('\n]}\n', 'utf8');

/** The canonical file list of these files, in any order. */
export function encodeManifestList(files: readonly ManifestFile[]): ManifestList {
  const sorted = isSorted(files) ? files.map(fileFields) : files.map(fileFields).sort(byPath);
  const texts = sorted.map((file) => JSON.stringify(file));
  const body = Buffer.from(`${texts.join(',\n')}\n]}\n`, 'utf8');
  const starts = new Uint32Array(sorted.length + 1);
  let offset = 0;
  texts.forEach((text, i) => {
    starts[i] = offset;
    offset += Buffer.byteLength(text, 'utf8') + SEPARATOR.byteLength;
  });
  starts[sorted.length] = offset;
  return { files: sorted, body, starts };
}

/**
 * The list with some files replaced, added (by path) or removed (null); the same bytes
 * encodeManifestList gives for the resulting files. The lines of files not named are copied
 * from the body before in runs, so a build that changed a few files encodes only theirs.
 * `unchanged`: every named file was already there with the same fields, or absent and removed.
 */
export function patchManifestList(list: ManifestList, changes: ReadonlyMap<string, ManifestFile | null>): { patched: PatchedList; unchanged: boolean } {
  const named = [...changes.keys()].sort(compareUtf8);
  const files: ManifestFile[] = [];
  const chunks: Buffer[] = [];
  const lengths: number[] = [];
  let unchanged = true;
  let from = 0; // the first line of the list before not yet taken
  const takeRun = (to: number) => {
    if (to <= from) return;
    for (let i = from; i < to; i++) {
      files.push(list.files[i] as ManifestFile);
      lengths.push((list.starts[i + 1] as number) - (list.starts[i] as number));
    }
    if (chunks.length > 0) chunks.push(SEPARATOR);
    chunks.push(list.body.subarray(list.starts[from], (list.starts[to] as number) - SEPARATOR.byteLength));
    from = to;
  };
  for (const path of named) {
    const at = lowerBound(list.files, path, from);
    takeRun(at);
    const present = at < list.files.length && (list.files[at] as ManifestFile).path === path;
    const next = changes.get(path) ?? null;
    if (present) from = at + 1;
    if (next === null) {
      if (present) unchanged = false;
      continue;
    }
    const before = present ? (list.files[at] as ManifestFile) : undefined;
    if (before !== undefined && sameFields(before, next)) {
      files.push(before);
      lengths.push((list.starts[at + 1] as number) - (list.starts[at] as number));
      if (chunks.length > 0) chunks.push(SEPARATOR);
      chunks.push(list.body.subarray(list.starts[at], (list.starts[at + 1] as number) - SEPARATOR.byteLength));
      continue;
    }
    unchanged = false;
    const file = fileFields(next);
    const line = Buffer.from(JSON.stringify(file), 'utf8');
    files.push(file);
    lengths.push(line.byteLength + SEPARATOR.byteLength);
    if (chunks.length > 0) chunks.push(SEPARATOR);
    chunks.push(line);
  }
  takeRun(list.files.length);
  if (unchanged) return { patched: { files: list.files, starts: list.starts, chunks: [list.body] }, unchanged };
  chunks.push(TAIL);
  const starts = new Uint32Array(files.length + 1);
  let offset = 0;
  lengths.forEach((length, i) => {
    starts[i] = offset;
    offset += length;
  });
  starts[files.length] = offset;
  return { patched: { files, starts, chunks }, unchanged };
}

/** A file list whose body is still in pieces: joined once, with the head before it, into the bytes to write. */
export interface PatchedList {
  readonly files: readonly ManifestFile[];
  readonly starts: Uint32Array;
  /** The body in order. */
  readonly chunks: readonly Buffer[];
}

/** The bytes of `head` followed by the list's body, copied once; the list's body is a view of them. */
export function joinManifestList(patched: PatchedList, head: Buffer = Buffer.alloc(0)): { bytes: Buffer; list: ManifestList } {
  const bytes = Buffer.concat([head, ...patched.chunks]);
  return { bytes, list: { files: patched.files, starts: patched.starts, body: bytes.subarray(head.byteLength) } };
}

/**
 * The list of a manifest read back (its bytes and their parsed files) without making a new body:
 * each line of the body is its file's line. Undefined unless the bytes have the one form
 * manifestBytes writes (each file's canonical line in path order, then the tail); any other form
 * is encoded afresh by the caller, so a manifest edited by hand is mended by the next build.
 */
export function manifestListFromBytes(bytes: Buffer, parsed: readonly ManifestFile[], options: { written?: boolean } = {}): ManifestList | undefined {
  const headEnd = bytes.indexOf(0x0a);
  if (headEnd < 0) return undefined;
  const body = bytes.subarray(headEnd + 1);
  if (options.written === true) return writtenList(body, parsed);
  if (!isSorted(parsed)) return undefined;
  const files = parsed.map(fileFields);
  const starts = new Uint32Array(files.length + 1);
  // Each line must be its file's canonical encoding, byte for byte: encoded here into a scratch
  // buffer and compared, with no string or buffer made a line.
  let scratch = Buffer.allocUnsafe(4096);
  let position = 0;
  for (let i = 0; i < files.length; i++) {
    starts[i] = position;
    const text = JSON.stringify(files[i]);
    if (text.length * 3 > scratch.byteLength) scratch = Buffer.allocUnsafe(text.length * 3);
    const length = scratch.write(text, 'utf8');
    const lineEnd = position + length;
    // A line is followed by `,` and its newline; the last one by the tail.
    const last = i === files.length - 1;
    if (lineEnd > body.byteLength || body.compare(scratch, 0, length, position, lineEnd) !== 0) return undefined;
    if (!last && (body[lineEnd] !== 0x2c || body[lineEnd + 1] !== 0x0a)) return undefined;
    position = lineEnd + SEPARATOR.byteLength;
  }
  // As encodeManifestList counts: the last line's end plus a separator's length.
  starts[files.length] = position;
  const tailAt = files.length === 0 ? 0 : position - SEPARATOR.byteLength;
  if (!body.subarray(tailAt).equals(TAIL)) return undefined;
  return { files, body, starts };
}

/**
 * The list of a body known to be one manifestBytes wrote (`written`: its digest is the one the
 * build that wrote it kept): each line is its file's canonical line, so a line is found by its
 * newline and not encoded again to be checked (at 36,000 files, about 50 ms less). Undefined when
 * the lines do not add up (the caller then checks each).
 */
function writtenList(body: Buffer, parsed: readonly ManifestFile[]): ManifestList | undefined {
  const files = parsed.map(fileFields);
  const starts = new Uint32Array(files.length + 1);
  let position = 0;
  for (let i = 0; i < files.length; i++) {
    starts[i] = position;
    // Past the line's `,` and newline; past the last line, the tail's newline.
    const end = body.indexOf(0x0a, position);
    if (end < 0) return undefined;
    position = end + 1;
  }
  // As encodeManifestList counts: the last line's end plus a separator's length.
  starts[files.length] = files.length === 0 ? 0 : position + 1;
  const tailAt = files.length === 0 ? 0 : position - 1;
  if (!body.subarray(tailAt).equals(TAIL)) return undefined;
  return { files, body, starts };
}

/** The first index at or after `from` whose path is not before `path`. */
function lowerBound(files: readonly ManifestFile[], path: string, from: number): number {
  let low = from;
  let high = files.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (compareUtf8((files[middle] as ManifestFile).path, path) < 0) low = middle + 1;
    else high = middle;
  }
  return low;
}

function sameFields(a: ManifestFile, b: ManifestFile): boolean {
  return a.sha256 === b.sha256 && a.size === b.size && a.id === b.id && a.issue === b.issue && a.version === b.version;
}

function isSorted(files: readonly ManifestFile[]): boolean {
  for (let i = 1; i < files.length; i++) if (compareUtf8((files[i - 1] as ManifestFile).path, (files[i] as ManifestFile).path) > 0) return false;
  return true;
}

/**
 * Two strings compared in the order of their UTF-8 bytes (as S3 lists keys), without encoding
 * them. UTF-16 code units sort as code points, and so as UTF-8 bytes, except that surrogates
 * (U+D800–U+DFFF, the halves of characters beyond U+FFFF) sort below U+E000–U+FFFF; they are
 * moved above them before comparing.
 */
export function compareUtf8(a: string, b: string): number {
  const length = Math.min(a.length, b.length);
  for (let i = 0; i < length; i++) {
    let x = a.charCodeAt(i);
    let y = b.charCodeAt(i);
    if (x === y) continue;
    if (x >= 0xd800 && y >= 0xd800) {
      x += x >= 0xe000 ? -0x800 : 0x2000;
      y += y >= 0xe000 ? -0x800 : 0x2000;
    }
    return x - y;
  }
  return a.length - b.length;
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
  return compareUtf8(a.path, b.path);
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
