// Feed entries from published documents. Records do not carry the body, so the build writes one
// small private "entry fragment" per document version at render time (`feedEntryArtifact`);
// feed builds read only the fragments they render, and a version's fragment never changes.

import type { GazetteDocument, IssueRef, Lang, SiteConfig, Validity } from '../content/model.ts';
import type { DocumentKind } from '../content/model.ts';
import { documentPdfKey, entryKey } from '../content/keys.ts';
import { keyOfUrlPath, urlPathOfKey } from '../content/sitePath.ts';
import { outputFormats } from '../outputs.ts';
import type { DocumentRecord } from '../content/records.ts';
import { startOfDay } from './dates.ts';
import type { FeedEntry, FeedFile } from './model.ts';

/** What a feed entry needs of one document version; stored as JSON under `private/entries/`. */
export interface FeedEntrySource {
  id: string;
  version: number;
  kind: DocumentKind;
  lang: Lang;
  title: string;
  urlPath: string;
  date: string;
  publishAt?: string;
  updatedAt: string;
  summary?: string;
  /** Sanitized body HTML, every href/src absolute. */
  html: string;
  department: { id: string; name: string; code: string };
  topic: { id: string; name: string };
  section?: string;
  indexNumber: string;
  docNumber?: string;
  signedDate?: string;
  validity?: Validity;
  issue?: IssueRef;
  /** Published files: the document PDF (`pdf: true`) and attachments, URLs site-relative. */
  files: { urlPath: string; mediaType: string; size: number; title?: string; pdf?: boolean }[];
  /** Every file of the version with its SHA-256 (site paths, as the signed manifest lists them). */
  hashes?: { path: string; sha256: string; size: number }[];
}

/** An object to write under a full key (not a site key): the bucket's port takes it as it is. */
export interface EntryObject {
  key: string;
  body: Uint8Array;
  contentType: string;
}

/**
 * The private entry fragment of a document version, to write beside its page during the build.
 * `html` is the sanitized body HTML as rendered; relative links become absolute here.
 * The returned key is a full object key (under `private/`, never served), not a site key.
 */
export function feedEntryArtifact(doc: GazetteDocument, html: string, record: DocumentRecord, site: SiteConfig): EntryObject {
  const attachmentTitles = new Map(doc.attachments.map((file) => [keyOfUrlPath(file.urlPath), file.title]));
  const pdfKey = documentPdfKey(record.urlPath);
  const files: FeedEntrySource['files'] = [];
  for (const artifact of record.artifacts) {
    const title = attachmentTitles.get(artifact.key);
    const pdf = artifact.key === pdfKey && title === undefined;
    if (title === undefined && !pdf) continue; // pages and body images are not enclosures
    files.push({
      urlPath: urlPathOfKey(artifact.key),
      mediaType: artifact.contentType,
      size: artifact.size,
      ...(title === undefined ? {} : { title }),
      ...(pdf ? { pdf } : {}),
    });
  }
  const source: FeedEntrySource = {
    id: record.id,
    version: record.version,
    kind: record.kind,
    lang: record.lang,
    title: record.title,
    urlPath: record.urlPath,
    date: record.date,
    ...(record.publishAt === undefined ? {} : { publishAt: record.publishAt }),
    updatedAt: record.updatedAt,
    ...(record.summary === undefined ? {} : { summary: record.summary }),
    html: absolutizeHtml(html, new URL(record.urlPath, site.baseUrl).href),
    department: { id: doc.department.id, name: doc.department.name, code: doc.department.code },
    topic: { id: doc.category.id, name: doc.category.name },
    ...(record.section === undefined ? {} : { section: record.section }),
    indexNumber: record.indexNumber,
    ...(record.docNumber === undefined ? {} : { docNumber: record.docNumber }),
    ...(record.signedDate === undefined ? {} : { signedDate: record.signedDate }),
    ...(record.validity === undefined ? {} : { validity: record.validity }),
    ...(record.issue === undefined ? {} : { issue: record.issue }),
    files,
    hashes: record.artifacts.map((artifact) => ({ path: artifact.key, sha256: artifact.sha256, size: artifact.size })),
  };
  return {
    key: entryKey(record.id, record.version),
    body: Buffer.from(JSON.stringify(source), 'utf8'),
    contentType: outputFormats.json.mediaType,
  };
}

/**
 * Resolve every `href` and `src` of serialized, sanitized HTML against the page URL. The input
 * comes from toHtml (src/render/html/serialize.ts), which always double-quotes attribute values.
 */
export function absolutizeHtml(html: string, pageUrl: string): string {
  return html.replace(/\s(href|src)="([^"]*)"/g, (whole, name: string, value: string) => {
    const raw = value.replaceAll('&#x26;', '&').replaceAll('&amp;', '&');
    if (raw.startsWith('#')) return ` ${name}="${pageUrl}${value}"`;
    try {
      return ` ${name}="${new URL(raw, pageUrl).href.replaceAll('&', '&#x26;')}"`;
    } catch {
      return whole;
    }
  });
}

export interface EntryOptions {
  baseUrl: string;
  /** Offset of the site's calendar dates, e.g. `+08:00`. */
  utcOffset: string;
  /** Authority of the tag URIs: `tag:<host>,<date>:`. */
  tagPrefix: string;
  fullText: boolean;
}

/** The permanent entry id of a document: a tag URI over its permanent id. */
export function entryId(tagPrefix: string, id: string): string {
  return `${tagPrefix}${id}`;
}

/** The feed entry of one document version. */
export function feedEntry(source: FeedEntrySource, options: EntryOptions): FeedEntry {
  const url = (path: string) => new URL(path, options.baseUrl).href;
  const pdf = source.files.find((file) => file.pdf === true);
  const toFile = (file: FeedEntrySource['files'][number]): FeedFile => ({
    url: url(file.urlPath),
    mediaType: file.mediaType,
    size: file.size,
    ...(file.title === undefined ? {} : { title: file.title }),
  });
  const categories = [{ term: source.topic.id, label: source.topic.name, scheme: url('topics/') }];
  if (source.section !== undefined) categories.push({ term: source.section, label: source.section, scheme: url('gazette/sections/') });
  return {
    id: entryId(options.tagPrefix, source.id),
    url: url(source.urlPath),
    title: source.title,
    lang: source.lang,
    published: source.publishAt ?? startOfDay(source.date, options.utcOffset),
    updated: source.updatedAt,
    ...(source.summary === undefined ? {} : { summary: source.summary }),
    ...(options.fullText ? { contentHtml: source.html } : {}),
    categories,
    author: { name: source.department.name },
    ...(pdf === undefined ? {} : { enclosure: toFile(pdf) }),
    attachments: source.files.filter((file) => file.pdf !== true).map(toFile),
    disclosure: {
      kind: source.kind,
      indexNumber: source.indexNumber,
      ...(source.docNumber === undefined ? {} : { docNumber: source.docNumber }),
      ...(source.signedDate === undefined ? {} : { signedDate: source.signedDate }),
      date: source.date,
      ...(source.validity === undefined ? {} : { validity: source.validity }),
      ...(source.issue === undefined ? {} : { issue: source.issue }),
      department: { name: source.department.name, code: source.department.code },
      version: source.version,
      ...(source.hashes === undefined ? {} : { files: source.hashes.map((file) => ({ url: url(file.path), sha256: file.sha256, size: file.size })) }),
    },
  };
}
