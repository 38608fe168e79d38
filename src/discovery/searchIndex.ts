// The full-text search index, built from the public documents and queried in the browser by
// templates/scripts/search.js (which repeats `searchTerms` below; a test keeps the two equal).
//
// Chinese has no spaces between words, so the index holds character n-grams: every Han
// character and every pair of adjacent Han characters, plus whole runs of other letters and
// digits (12345, 2010, english words). A query of two or more Han characters needs all its
// bigrams; a single character needs its unigram. Postings carry where a term occurs (title,
// 文号, other metadata, body count), so the browser ranks title and 文号 matches first.
//
// Files (under `search/`):
// - `index.json`  the manifest: format, shard count, document count;
// - `shards/<hex>.bin`  the postings of the terms whose hash falls in that shard;
// - `docs/<n>.json`  one per document: what a result shows, and the text snippets come from.
// Document numbers follow (date, id) ascending over every public record, withdrawn included
// (their numbers stay as holes), so a new document is appended and unchanged files keep their bytes.

import { bodySource, readBody } from '../content/lazyBody.ts';
import type { GazetteDocument } from '../content/model.ts';
import { isPublishedVersion } from '../content/records.ts';
import type { DocumentRecord } from '../store/ports.ts';

/** 2: document files also hold the metadata terms (`meta`), so an update can take them out. */
export const SEARCH_FORMAT = 2;
/** Field bits of a posting. */
export const FIELD_TITLE = 1;
export const FIELD_DOC_NUMBER = 2;
export const FIELD_META = 4;
/** Body counts above this are stored as this (5 bits). */
export const MAX_BODY_COUNT = 31;
/** Documents per shard: the shard count is the smallest power of two that gets there. It
 * depends on the document count only (never shrinks while records stay), so shard paths are
 * stable and a rewrite always overwrites every shard that had data. */
export const DOCUMENTS_PER_SHARD = 10;
const MAX_SHARDS = 2048;

/** What the index knows of one document (all of it public). */
export interface SearchDocument {
  /** Position in (date, id) order of every public record. */
  n: number;
  id: string;
  kind: DocumentRecord['kind'];
  url: string;
  title: string;
  docNumber?: string;
  indexNumber: string;
  department: string;
  date: string;
  /** Other metadata worth finding: topic, section, speakers, attachment titles. */
  meta: string[];
  /** Body as plain text (paragraphs separated by newlines); empty when it may not be shown. */
  text: string;
}

const HAN = /\p{Script=Han}|〇/u;
const WORD = /[\p{L}\p{N}]/u;

/** Per code point: NFKC (full-width digits and letters to half-width), lower case. */
export function normalizeText(text: string): string {
  return text.normalize('NFKC').toLowerCase();
}

/**
 * The terms of a text, in order, repeats kept: Han unigrams and bigrams, other letter/digit runs.
 * The browser's copy (search.js `searchTerms`) must give the same list.
 */
export function textTerms(text: string): string[] {
  const terms: string[] = [];
  let han = '';
  let word = '';
  const flushHan = () => {
    const chars = [...han];
    for (let i = 0; i < chars.length; i++) {
      terms.push(chars[i] as string);
      if (i + 1 < chars.length) terms.push((chars[i] as string) + (chars[i + 1] as string));
    }
    han = '';
  };
  const flushWord = () => {
    if (word !== '') terms.push(word);
    word = '';
  };
  for (const char of normalizeText(text)) {
    if (HAN.test(char)) {
      flushWord();
      han += char;
    } else if (WORD.test(char)) {
      flushHan();
      word += char;
    } else {
      flushHan();
      flushWord();
    }
  }
  flushHan();
  flushWord();
  return terms;
}

const entities: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ' };

/** One line of Markdown inline text as plain text: links to their text, images to their alt. */
function inlineText(line: string): string {
  return (
    line
      .replace(/<(script|style)\b[^]*?<\/\1\s*>/gi, '')
      .replace(/!\[([^\]]*)\]\([^)]*\)/g, '$1')
      .replace(/\[\^[^\]]*\]/g, '')
      .replace(/\[([^\]]*)\](?:\([^)]*\)|\[[^\]]*\])/g, '$1')
      .replace(/<((?:https?|mailto):[^>\s]+)>/g, '$1')
      .replace(/<\/?[a-zA-Z][^>]*>/g, '')
      // Escaped punctuation is kept: marked with U+E000 (private use) while emphasis goes.
      .replace(/\\([!-/:-@[-`{-~])/g, '\uE000$1')
      .replace(/(?<!\uE000)(\*{1,3}|_{2,3}|~~|`+)/g, '')
      .replace(/\uE000/g, '')
      .replace(/&(#x[0-9a-f]+|#[0-9]+|[a-z]+);/gi, (whole, name: string) => {
        if (name.startsWith('#x') || name.startsWith('#X')) return String.fromCodePoint(parseInt(name.slice(2), 16));
        if (name.startsWith('#')) return String.fromCodePoint(Number(name.slice(1)));
        return entities[name.toLowerCase()] ?? whole;
      })
  );
}

/**
 * Body Markdown as plain text, one line per block: headings, list items, quotes, table rows
 * (cells joined by spaces), code as written; raw HTML, link definitions and rules left out.
 * Line-based rather than a full parse: ten times faster, and search needs only the words.
 */
export function markdownText(body: string): string {
  const blocks: string[] = [];
  let paragraph: string[] = [];
  let fence: string | undefined;
  // Lines of one paragraph: Chinese runs on without a space, as a browser shows it.
  const end = () => {
    if (paragraph.length > 0) blocks.push(paragraph.reduce((text, line) => text + (/[\x21-\x7e]$/.test(text) || /^[\x21-\x7e]/.test(line) ? ' ' : '') + line));
    paragraph = [];
  };
  for (const raw of body.split(/\r?\n/)) {
    if (fence !== undefined) {
      if (raw.trim().startsWith(fence)) fence = undefined;
      else blocks.push(raw);
      continue;
    }
    const opening = /^\s{0,3}(`{3,}|~{3,})/.exec(raw);
    if (opening !== null) {
      end();
      fence = opening[1];
      continue;
    }
    let line = raw.trim();
    if (line === '' || /^([-*_=]\s*){3,}$/.test(line) || /^\|?\s*:?-{3,}:?\s*(\|\s*:?-{3,}:?\s*)*\|?$/.test(line) || /^\[[^\]^]+\]:\s/.test(line)) {
      end();
      continue;
    }
    let block = false;
    line = line.replace(/^(>\s?)+/, () => ((block = true), ''));
    line = line.replace(/^#{1,6}\s+(.*?)(\s+#+)?$/, (_, text: string) => ((block = true), text));
    line = line.replace(/^([-*+]|\d{1,9}[.)])\s+(\[[ xX]\]\s+)?/, () => ((block = true), ''));
    line = line.replace(/^\[\^[^\]]+\]:\s*/, () => ((block = true), ''));
    if (line.includes('|') && /^\|.*\|$/.test(line)) {
      block = true;
      line = line
        .slice(1, -1)
        .split(/(?<!\\)\|/)
        .map((cell) => cell.trim())
        .join(' ');
    }
    if (block) end();
    paragraph.push(inlineText(line));
    if (block) end();
  }
  end();
  return blocks
    .map((text) => text.replace(/\s+/g, ' ').trim())
    .filter((text) => text !== '')
    .join('\n');
}

/** Conference questions and answers, as text: an answer is Markdown, of which only its text counts (as for the body). */
function conferenceText(doc: GazetteDocument): string[] {
  if (doc.kind !== 'conference') return [];
  return doc.qa.flatMap((qa) => [
    `问：${qa.askedBy === undefined ? '' : `（${qa.askedBy}）`}${qa.question}`,
    `答：${qa.answeredBy === undefined ? '' : `（${qa.answeredBy}）`}${markdownText(qa.answer)}`,
  ]);
}

function compareRecords(a: DocumentRecord, b: DocumentRecord): number {
  return a.date !== b.date ? (a.date < b.date ? -1 : 1) : a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

/**
 * The searchable documents: every `published` record, with the body text of its content file only
 * when that file is the published version (same source digest, not a draft). A record whose file
 * now holds unpublished text (a scheduled correction, say) is found by its metadata alone.
 * Withdrawn records keep their number and nothing else; scheduled ones are not in `records`.
 */
export function searchDocuments(records: readonly DocumentRecord[], documents: readonly GazetteDocument[]): SearchDocument[] {
  return searchSources(records, documents).map(searchDocumentFrom);
}

/**
 * A searchable document whose text is still in parts, the body as Markdown: what `searchDocuments`
 * gives before it extracts the text (the costly part), small enough to hand to a worker thread.
 * A body not read yet (a document from the content cache) is where to read it: the thread that
 * extracts the text reads the file (a rebuild's main thread spent 0.3 s reading 10,000 files for
 * the search thread, and 1.8 s when they were no longer in the page cache).
 */
export interface SearchSource extends Omit<SearchDocument, 'text'> {
  textParts: (string | { markdown: string } | { markdownIn: string; offset: number })[];
}

/**
 * `sources.map(searchDocumentFrom)`, made one by one as `buildSearchIndex` takes them; each source
 * is let go of as its text is made (the array is emptied), so the Markdown and the text of every document are never held together.
 */
export function* releasingSearchDocuments(sources: (SearchSource | undefined)[]): Generator<SearchDocument> {
  for (let i = 0; i < sources.length; i++) {
    const source = sources[i] as SearchSource;
    sources[i] = undefined;
    yield searchDocumentFrom(source);
  }
}

/** `searchDocuments` up to the text extraction (`searchDocumentFrom` finishes each). */
export function searchSources(records: readonly DocumentRecord[], documents: readonly GazetteDocument[]): SearchSource[] {
  const sources = new Map(documents.map((doc) => [doc.id, doc]));
  return searchOrder(records).flatMap((record, n) => searchSource(record, n, sources.get(record.id)) ?? []);
}

/** Every public record (published or withdrawn) in document-number order: (date, id) ascending. */
export function searchOrder(records: readonly DocumentRecord[]): DocumentRecord[] {
  return records.filter((record) => record.status === 'published' || record.status === 'withdrawn').sort(compareRecords);
}

/** The searchable form of record number `n` (undefined when withdrawn), from its content file `doc`. */
export function searchDocument(record: DocumentRecord, n: number, doc: GazetteDocument | undefined): SearchDocument | undefined {
  const source = searchSource(record, n, doc);
  return source === undefined ? undefined : searchDocumentFrom(source);
}

function searchSource(record: DocumentRecord, n: number, doc: GazetteDocument | undefined): SearchSource | undefined {
  if (record.status !== 'published') return undefined;
  const current = isPublishedVersion(doc, record);
  const meta = [record.category, record.section ?? ''];
  if (current && doc.kind === 'conference') meta.push(doc.host.name, ...doc.speakers.map((person) => person.name), doc.venue);
  if (current) meta.push(...doc.attachments.map((attachment) => attachment.title));
  return {
    n,
    id: record.id,
    kind: record.kind,
    url: record.urlPath,
    title: record.title,
    ...(record.docNumber === undefined ? {} : { docNumber: record.docNumber }),
    indexNumber: record.indexNumber,
    department: record.department,
    date: record.date,
    meta: meta.filter((part) => part !== ''),
    textParts: current ? [doc.summary ?? '', markdownPart(doc), ...conferenceText(doc)] : [record.summary ?? ''],
  };
}

function markdownPart(doc: GazetteDocument): SearchSource['textParts'][number] {
  const body = bodySource(doc);
  return typeof body === 'string' ? { markdown: body } : { markdownIn: body.file, offset: body.offset };
}

/** A body read from its file on the thread that extracts the text; an error names the document and the file. */
function bodyOf(id: string, { markdownIn, offset }: { markdownIn: string; offset: number }): string {
  try {
    return readBody(markdownIn, offset);
  } catch (error) {
    throw new Error(
      `The search index could not read the text of ${id} from ${markdownIn} (${error instanceof Error ? error.message : String(error)}). ` +
        'The file was moved or deleted during the build: run the build again.',
      { cause: error },
    );
  }
}

/** The document with its text: the parts as plain text, the empty ones left out, one per line. */
export function searchDocumentFrom({ textParts, ...rest }: SearchSource): SearchDocument {
  const text = textParts
    .map((part) => (typeof part === 'string' ? part : markdownText('markdown' in part ? part.markdown : bodyOf(rest.id, part))))
    .filter((part) => part !== '')
    .join('\n');
  return { ...rest, text };
}

/** 32-bit FNV-1a over UTF-16 code units; search.js computes the same. */
export function termHash(term: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < term.length; i++) {
    hash ^= term.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash >>> 0;
}

/** Unpadded hex: a shard keeps its name when the count grows, so a bigger index overwrites every old shard. */
export function shardName(shard: number): string {
  return shard.toString(16);
}

export interface SearchIndexFiles {
  manifest: { format: number; shards: number; documents: number };
  /** Shard number → bytes, every shard present (empty ones too, so the browser never meets a 404). */
  shards: Uint8Array[];
  /**
   * Document number → the JSON a result shows, as UTF-8; `{}` for withdrawn numbers (overwriting
   * any text). Bytes, so that a worker thread hands them over without copying (search.ts).
   */
  documents: Map<number, Uint8Array>;
}

class ByteWriter {
  private buffer: Uint8Array;
  length = 0;
  constructor(capacity = 1024) {
    this.buffer = new Uint8Array(capacity);
  }
  private room(extra: number): void {
    if (this.length + extra <= this.buffer.length) return;
    let size = this.buffer.length * 2;
    while (size < this.length + extra) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.buffer.subarray(0, this.length));
    this.buffer = next;
  }
  byte(value: number): void {
    this.room(1);
    this.buffer[this.length++] = value;
  }
  varint(value: number): void {
    let rest = value;
    while (rest >= 0x80) {
      this.byte((rest & 0x7f) | 0x80);
      rest >>>= 7;
    }
    this.byte(rest);
  }
  bytes(value: Uint8Array): void {
    this.room(value.length);
    this.buffer.set(value, this.length);
    this.length += value.length;
  }
  result(): Uint8Array {
    return this.buffer.slice(0, this.length);
  }
  /** The bytes so far, not copied: valid until the next write. */
  view(): Uint8Array {
    return this.buffer.subarray(0, this.length);
  }
}

/** The postings byte of each term of a document: field bits (low 3), body count (high 5). */
export function documentPostings(doc: SearchDocument): Map<string, number> {
  const terms = new Map<string, number>();
  const mark = (text: string, field: number) => {
    for (const term of textTerms(text)) terms.set(term, (terms.get(term) ?? 0) | field);
  };
  mark(doc.title, FIELD_TITLE);
  if (doc.docNumber !== undefined) mark(doc.docNumber, FIELD_DOC_NUMBER);
  mark([doc.indexNumber, doc.department, ...doc.meta].join('\n'), FIELD_META);
  for (const [term, count] of termCounts(doc.text)) terms.set(term, ((terms.get(term) ?? 0) & 7) | (Math.min(count, MAX_BODY_COUNT) << 3));
  return terms;
}

/** What a code point is to `textTerms`, once looked up: 0 not yet, then one of these. */
const OTHER = 1;
const HAN_CHAR = 2;
const WORD_CHAR = 3;
const charClasses = new Uint8Array(0x110000);

function charClass(codePoint: number, char: string): number {
  let kind = charClasses[codePoint] as number;
  if (kind === 0) {
    kind = HAN.test(char) ? HAN_CHAR : WORD.test(char) ? WORD_CHAR : OTHER;
    charClasses[codePoint] = kind;
  }
  return kind;
}

/**
 * How often each term of `textTerms(text)` occurs, in the order of first occurrence: the same
 * map as counting that list, made without building it. A body has thousands of Han unigrams and
 * bigrams; keyed here by code point (a bigram by both), each distinct term becomes a string once,
 * not once per occurrence (a tenth of a full build's main-thread time went into those strings).
 */
export function termCounts(text: string): Map<string, number> {
  // Numbers: a Han unigram is its code point, a bigram first * 0x110000 + second (never below
  // 0x110000, as no Han code point is 0). Strings: letter and digit runs.
  const counts = new Map<number | string, number>();
  const add = (key: number | string) => counts.set(key, (counts.get(key) ?? 0) + 1);
  let previousHan = -1;
  let wordStart = -1;
  const normalized = normalizeText(text);
  let i = 0;
  for (const char of normalized) {
    const codePoint = char.codePointAt(0) as number;
    const kind = charClass(codePoint, char);
    if (kind === HAN_CHAR) {
      if (wordStart !== -1) add(normalized.slice(wordStart, i));
      wordStart = -1;
      // textTerms lists a bigram right after its first character's unigram: before the second's.
      if (previousHan !== -1) add(previousHan * 0x110000 + codePoint);
      add(codePoint);
      previousHan = codePoint;
    } else if (kind === WORD_CHAR) {
      previousHan = -1;
      if (wordStart === -1) wordStart = i;
    } else {
      previousHan = -1;
      if (wordStart !== -1) add(normalized.slice(wordStart, i));
      wordStart = -1;
    }
    i += char.length;
  }
  if (wordStart !== -1) add(normalized.slice(wordStart));
  const result = new Map<string, number>();
  for (const [key, count] of counts) {
    const term = typeof key === 'string' ? key : key < 0x110000 ? String.fromCodePoint(key) : String.fromCodePoint(Math.floor(key / 0x110000), key % 0x110000);
    result.set(term, count);
  }
  return result;
}

/** Shards for a document count: the smallest power of two with at most DOCUMENTS_PER_SHARD each. */
export function shardCountFor(documentCount: number): number {
  let shards = 1;
  while (shards < MAX_SHARDS && documentCount / shards > DOCUMENTS_PER_SHARD) shards *= 2;
  return shards;
}

/** What `docs/<n>.json` holds for a document: what a result shows, and (for updates) what was indexed. */
export function describeDocument(doc: SearchDocument): string {
  return JSON.stringify({
    id: doc.id,
    kind: doc.kind,
    url: doc.url,
    title: doc.title,
    ...(doc.docNumber === undefined ? {} : { docNumber: doc.docNumber }),
    indexNumber: doc.indexNumber,
    department: doc.department,
    date: doc.date,
    meta: doc.meta,
    text: doc.text,
  });
}

/** A document file read back as the document it describes (`{}`: none). */
export function describedDocument(n: number, json: string): SearchDocument | undefined {
  const data = JSON.parse(json) as Partial<SearchDocument>;
  if (data.id === undefined) return undefined;
  return { meta: [], text: '', ...data, n } as SearchDocument;
}

/** Term → flat [n, byte, n, byte, …] in ascending n. */
export type Postings = Map<string, number[]>;

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/**
 * A shard: repeated [varint term length][term UTF-8][varint postings]([varint number delta]
 * [byte fields|count<<3])…, terms in code-unit order.
 */
export function encodeShard(postings: Postings): Uint8Array {
  const encoded = new Map<string, EncodedPostings>();
  for (const [term, list] of postings) {
    if (list.length === 0) continue;
    const entry = new EncodedPostings();
    for (let i = 0; i < list.length; i += 2) entry.add(list[i] as number, list[i + 1] as number);
    encoded.set(term, entry);
  }
  return encodeEncodedShard(encoded);
}

export function decodeShard(bytes: Uint8Array): Postings {
  const postings: Postings = new Map();
  let at = 0;
  const varint = () => {
    let value = 0;
    let shift = 0;
    for (;;) {
      const byte = bytes[at++] as number;
      value += (byte & 0x7f) * 2 ** shift;
      if (byte < 0x80) return value;
      shift += 7;
    }
  };
  while (at < bytes.length) {
    const length = varint();
    const term = decoder.decode(bytes.subarray(at, at + length));
    at += length;
    const count = varint();
    const list: number[] = [];
    let previous = -1;
    for (let i = 0; i < count; i++) {
      const n = previous + 1 + varint();
      list.push(n, bytes[at++] as number);
      previous = n;
    }
    postings.set(term, list);
  }
  return postings;
}

/**
 * One term's postings as `encodeShard` writes them (gap varint, postings byte), encoded as they
 * come: 2–3 bytes a posting where a list of numbers holds 16.
 */
class EncodedPostings {
  private readonly writer = new ByteWriter(16);
  private previous = -1;
  count = 0;
  add(n: number, value: number): void {
    this.writer.varint(n - this.previous - 1);
    this.writer.byte(value);
    this.previous = n;
    this.count++;
  }
  bytes(): Uint8Array {
    return this.writer.view();
  }
}

/** A shard (format at `encodeShard`) of postings encoded already. */
function encodeEncodedShard(postings: Map<string, EncodedPostings>): Uint8Array {
  const writer = new ByteWriter();
  for (const term of [...postings.keys()].sort()) {
    const list = postings.get(term) as EncodedPostings;
    const bytes = encoder.encode(term);
    writer.varint(bytes.length);
    writer.bytes(bytes);
    writer.varint(list.count);
    writer.bytes(list.bytes());
  }
  return writer.result();
}

/**
 * The index of `docs`, given in ascending number, in one pass: each document is done with once its
 * postings and description are taken, so an iterable that makes them one by one never holds every text.
 */
export function buildSearchIndex(docs: Iterable<SearchDocument>, documentCount: number): SearchIndexFiles {
  const shards = shardCountFor(documentCount);
  const byShard = Array.from({ length: shards }, () => new Map<string, EncodedPostings>());
  const described = new Map<number, Uint8Array>();
  let previous = -1;
  for (const doc of docs) {
    // Gaps are encoded as they come: the numbers must ascend.
    if (doc.n <= previous) throw new Error(`buildSearchIndex: document ${doc.n} comes after ${previous}; documents must come in ascending number.`);
    previous = doc.n;
    for (const [term, value] of documentPostings(doc)) {
      const postings = byShard[termHash(term) % shards] as Map<string, EncodedPostings>;
      let list = postings.get(term);
      if (list === undefined) postings.set(term, (list = new EncodedPostings()));
      list.add(doc.n, value);
    }
    described.set(doc.n, encoder.encode(describeDocument(doc)));
  }
  const none = encoder.encode('{}');
  const documents = new Map<number, Uint8Array>();
  for (let n = 0; n < documentCount; n++) documents.set(n, described.get(n) ?? none);
  return {
    manifest: { format: SEARCH_FORMAT, shards, documents: documentCount },
    shards: byShard.map(encodeEncodedShard),
    documents,
  };
}
