// The one feed model every serializer reads. Plain data: builders produce it from records and
// entry fragments; `renderRss`, `renderAtom` and `renderJsonFeed` turn it into bytes.

import type { IssueRef, Lang, Validity } from '../content/model.ts';
import type { DocumentKind } from '../content/model.ts';

export type FeedFormat = 'rss' | 'atom' | 'json';

export const feedFormats: readonly FeedFormat[] = ['rss', 'atom', 'json'];

/** One absolute URL per format: the same document serialized three ways. */
export type FormatUrls = Record<FeedFormat, string>;

export interface Feed {
  /** Permanent id of the feed (a tag URI), the same for the subscription and archive documents. */
  id: string;
  title: string;
  description: string;
  lang: Lang;
  /** The HTML page this feed mirrors. */
  homeUrl: string;
  /** Absolute URL of this very document, per format (`rel="self"`). */
  self: FormatUrls;
  /** WebSub hub; a feed naming a hub carries exactly one absolute self link. */
  hubUrl?: string;
  /** RFC 5005: the subscription document (set on archive documents). */
  current?: FormatUrls;
  /** RFC 5005: the next older archive document. */
  prevArchive?: FormatUrls;
  /** RFC 5005 `fh:archive`: this document is a complete, immutable archive page. */
  archive: boolean;
  /** Newest `updated` of the entries (never the clock): same entries, same bytes. */
  updated: string;
  publisher: string;
  /** Namespace URI of the disclosure metadata (索引号, 文号, …). */
  namespace: string;
  entries: FeedEntry[];
}

export interface FeedCategory {
  term: string;
  label: string;
  scheme: string;
}

export interface FeedFile {
  url: string;
  mediaType: string;
  size: number;
  title?: string;
}

/** 政府信息公开 metadata carried by every entry. */
export interface Disclosure {
  kind: DocumentKind;
  /** 索引号 */
  indexNumber: string;
  /** 文号 */
  docNumber?: string;
  /** 成文日期, YYYY-MM-DD */
  signedDate?: string;
  /** 发布日期, YYYY-MM-DD */
  date: string;
  /** 有效性 */
  validity?: Validity;
  /** 期号 */
  issue?: IssueRef;
  department: { name: string; code: string };
  version: number;
  /**
   * Every file of this version (page, PDF, attachments, images) with its SHA-256 and size, as the
   * site's signed manifest lists them (`/.well-known/gazette-manifest.json`): what a partner checks
   * a download against. Absent for entries written before builds recorded it.
   */
  files?: { url: string; sha256: string; size: number }[];
}

export interface FeedEntry {
  /** Permanent id from the document id (a tag URI); never changes. */
  id: string;
  url: string;
  title: string;
  lang: Lang;
  /** RFC 3339 date-times. */
  published: string;
  updated: string;
  summary?: string;
  /** Sanitized body HTML with absolute URLs; absent in summary-only feeds. */
  contentHtml?: string;
  categories: FeedCategory[];
  author: { name: string; uri?: string };
  /** The document's PDF, when there is one. */
  enclosure?: FeedFile;
  attachments: FeedFile[];
  disclosure: Disclosure;
  /** Set for a withdrawal: Atom renders a tombstone (RFC 6721); RSS and JSON Feed leave it out. */
  withdrawn?: { when: string };
}
