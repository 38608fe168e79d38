// A bag as one ZIP file (RFC 8493 §4.2: one bag, under one top-level folder named like the file),
// written so that the same bag always gives the same bytes: entries in path order, one fixed
// time on every entry, no extra fields, no per-machine attributes.

import { unzipSync, type Zippable, zipSync, type ZipOptions } from 'fflate';
import type { Bag, BagFile } from './bagit.ts';

/** Already compressed: stored as they are, which costs no time and loses nothing. */
const stored = /\.(pdf|zip|png|jpe?g|gif|webp|docx|xlsx)$/i;

/**
 * The ZIP of a bag. `date` (YYYY-MM-DD) is every entry's modification time, at noon: a ZIP keeps
 * local time without a zone and the library reads the Date's local fields, so the Date is built
 * from local fields too, and the bytes are the same in every time zone.
 */
export function zipBag(bag: Bag, date: string): Uint8Array {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  if (match === null) throw new Error(`The ZIP date "${date}" is not YYYY-MM-DD.`);
  const mtime = new Date(Number(match[1]), Number(match[2]) - 1, Number(match[3]), 12, 0, 0);
  const entries: Zippable = {};
  // Object keys keep insertion order for non-numeric keys, and every key starts with the bag's name.
  for (const file of [...bag.files].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0))) {
    const options: ZipOptions = { mtime, level: stored.test(file.path) ? 0 : 6 };
    entries[`${bag.name}/${file.path}`] = [file.bytes, options];
  }
  return zipSync(entries);
}

/** The bag inside a ZIP: its one top-level folder and the files under it. */
export function unzipBag(bytes: Uint8Array): { name: string; files: BagFile[] } {
  let entries: Record<string, Uint8Array>;
  try {
    entries = unzipSync(bytes);
  } catch (error) {
    throw new Error(`The file is not a readable ZIP archive (${(error as Error).message}).`);
  }
  const names = new Set<string>();
  const files: BagFile[] = [];
  for (const [path, body] of Object.entries(entries)) {
    if (path.endsWith('/')) continue; // a folder entry
    const slash = path.indexOf('/');
    if (slash <= 0) throw new Error(`The ZIP holds "${path}" outside a bag folder; a serialized bag has all of its files under one top-level folder.`);
    names.add(path.slice(0, slash));
    files.push({ path: path.slice(slash + 1), bytes: body });
  }
  if (names.size !== 1)
    throw new Error(`The ZIP holds ${names.size} top-level folders (${[...names].sort().join(', ') || 'none'}); a serialized bag has exactly one.`);
  return { name: [...names][0] as string, files };
}
