// BagIt (RFC 8493, version 1.0): the bag's tag files from its payload, and the parsing of tag
// files the verifier shares. A bag here is a list of files with paths relative to the bag's base
// folder; writing it to disk or into a ZIP is someone else's step.

import { createHash } from 'node:crypto';

export const BAGIT_VERSION = '1.0';

/** One file of a bag: `path` is relative to the base folder, `/`-separated, e.g. `data/x.pdf`. */
export interface BagFile {
  path: string;
  bytes: Uint8Array;
}

export interface Bag {
  /** Name of the base folder (and of the ZIP, with `.zip`). */
  name: string;
  /** Payload and tag files, payload first, each in path order. */
  files: BagFile[];
}

/** A bag-info.txt element; labels are written in the order given. */
export interface BagInfoEntry {
  label: string;
  value: string;
}

export function sha256Hex(bytes: Uint8Array | string): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/**
 * A path as a manifest line writes it: RFC 8493 §2.1.3 percent-encodes CR, LF and `%` — those
 * three and no other character — so a line break in a name cannot split a line.
 */
export function encodeManifestPath(path: string): string {
  return path.replace(/[%\r\n]/g, (char) => (char === '%' ? '%25' : char === '\r' ? '%0D' : '%0A'));
}

/** The inverse of encodeManifestPath: only %25, %0D and %0A are decoded (any case). */
export function decodeManifestPath(path: string): string {
  return path.replace(/%(25|0d|0a)/gi, (_match, code: string) => (code === '25' ? '%' : code.toLowerCase() === '0d' ? '\r' : '\n'));
}

const byPath = (a: BagFile, b: BagFile) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0);

/** `<octets>.<streams>` of the payload (RFC 8493 §2.2.2). */
export function payloadOxum(payload: readonly BagFile[]): string {
  return `${payload.reduce((sum, file) => sum + file.bytes.byteLength, 0)}.${payload.length}`;
}

function manifestText(files: readonly BagFile[]): string {
  return files.map((file) => `${sha256Hex(file.bytes)}  ${encodeManifestPath(file.path)}\n`).join('');
}

/** A label and value on one line; a value with line breaks is folded, as RFC 8493 §2.2.2 allows. */
function infoLine({ label, value }: BagInfoEntry): string {
  if (!/^[^:\s][^:\r\n]*$/.test(label) || label.trim() !== label)
    throw new Error(`Bag-info label "${label}" is not a valid label (no colon, no line break, no surrounding spaces).`);
  return `${label}: ${value.split(/\r\n|\r|\n/).join('\n  ')}\n`;
}

/**
 * The whole bag: the payload under `data/`, then bagit.txt, bag-info.txt (with Payload-Oxum
 * appended), manifest-sha256.txt and tagmanifest-sha256.txt. Payload paths are given without
 * `data/`; they must be unique and stay inside the payload folder.
 */
export function makeBag(name: string, payload: readonly BagFile[], info: readonly BagInfoEntry[]): Bag {
  const files = payload.map((file) => ({ path: `data/${checkedPayloadPath(file.path)}`, bytes: file.bytes })).sort(byPath);
  for (let i = 1; i < files.length; i++) {
    if ((files[i] as BagFile).path === (files[i - 1] as BagFile).path)
      throw new Error(`Two payload files of bag ${name} have the path ${(files[i] as BagFile).path}.`);
  }
  const text = (value: string) => new Uint8Array(Buffer.from(value, 'utf8'));
  const tags: BagFile[] = [
    { path: 'bagit.txt', bytes: text(`BagIt-Version: ${BAGIT_VERSION}\nTag-File-Character-Encoding: UTF-8\n`) },
    { path: 'bag-info.txt', bytes: text([...info, { label: 'Payload-Oxum', value: payloadOxum(files) }].map(infoLine).join('')) },
    { path: 'manifest-sha256.txt', bytes: text(manifestText(files)) },
  ];
  tags.push({ path: 'tagmanifest-sha256.txt', bytes: text(manifestText([...tags].sort(byPath))) });
  return { name, files: [...files, ...tags.sort(byPath)] };
}

function checkedPayloadPath(path: string): string {
  const segments = path.split('/');
  if (path === '' || segments.some((segment) => segment === '' || segment === '.' || segment === '..')) {
    throw new Error(`Payload path "${path}" is not a relative path inside the bag (no empty, "." or ".." segments).`);
  }
  return path;
}

/** One line of a manifest: its checksum and decoded path, or what is wrong with it. */
export type ManifestLine = { line: number; checksum: string; path: string } | { line: number; problem: string };

/** Lines of a manifest (`<checksum> <path>`, one or more spaces or tabs between, any line ending). */
export function parseManifest(text: string): ManifestLine[] {
  const lines = text.split(/\r\n|\r|\n/);
  if (lines.at(-1) === '') lines.pop();
  return lines.map((raw, i) => {
    const match = /^([0-9a-fA-F]+)[ \t]+(.+)$/.exec(raw);
    if (match === null) return { line: i + 1, problem: `line ${i + 1} is not "<checksum> <path>": ${JSON.stringify(raw)}` };
    return { line: i + 1, checksum: (match[1] as string).toLowerCase(), path: decodeManifestPath(match[2] as string) };
  });
}

/** bag-info.txt elements in order; continuation lines (leading space or tab) join the value before. */
export function parseBagInfo(text: string): { entries: BagInfoEntry[]; problems: string[] } {
  const entries: BagInfoEntry[] = [];
  const problems: string[] = [];
  const lines = text.split(/\r\n|\r|\n/);
  if (lines.at(-1) === '') lines.pop();
  lines.forEach((raw, i) => {
    const last = entries.at(-1);
    if (/^[ \t]/.test(raw) && last !== undefined) {
      last.value += ` ${raw.trim()}`;
      return;
    }
    const match = /^([^:]+):[ \t]*(.*)$/.exec(raw);
    if (match === null) problems.push(`bag-info.txt line ${i + 1} is not "Label: value": ${JSON.stringify(raw)}`);
    else entries.push({ label: (match[1] as string).trim(), value: match[2] as string });
  });
  return { entries, problems };
}
