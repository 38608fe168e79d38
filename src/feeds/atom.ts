// Atom 1.0 (RFC 4287) serializer: `(feed) => bytes`, with RFC 5005 archive links and RFC 6721
// tombstones for withdrawn documents.

import { encodeUtf8 } from './bytes.ts';
import { rfc3339 } from './dates.ts';
import type { Feed, FeedEntry, FeedFile } from './model.ts';
import { disclosureXml, ns } from './namespaces.ts';
import { element, escapeXml } from './xml.ts';

const entryCache = new WeakMap<FeedEntry, Uint8Array>();
const footer = Buffer.from('</feed>\n', 'utf8');

export function renderAtom(feed: Feed): string {
  return Buffer.concat(atomChunks(feed)).toString('utf8');
}

/** The document as UTF-8 chunks (header, one per entry, footer): concatenated, the bytes of `renderAtom`. */
export function atomChunks(feed: Feed): Uint8Array[] {
  const head = [
    element('id', {}, feed.id),
    element('title', { type: 'text' }, feed.title),
    element('subtitle', { type: 'text' }, feed.description),
    element('updated', {}, rfc3339(feed.updated)),
    `<author>${element('name', {}, feed.publisher)}</author>`,
    element('generator', {}, 'Gazette'),
    element('link', { rel: 'alternate', type: 'text/html', href: feed.homeUrl }),
    element('link', { rel: 'self', type: 'application/atom+xml', href: feed.self.atom }),
    feed.hubUrl === undefined ? '' : element('link', { rel: 'hub', href: feed.hubUrl }),
    feed.current === undefined ? '' : element('link', { rel: 'current', type: 'application/atom+xml', href: feed.current.atom }),
    feed.prevArchive === undefined ? '' : element('link', { rel: 'prev-archive', type: 'application/atom+xml', href: feed.prevArchive.atom }),
    feed.archive ? '<fh:archive/>' : '',
  ];
  const namespaces = [
    `xmlns="${ns.atom}"`,
    `xmlns:fh="${ns.fh}"`,
    `xmlns:at="${ns.at}"`,
    `xmlns:gazette="${escapeXml(feed.namespace)}"`,
    `xml:lang="${escapeXml(feed.lang)}"`,
  ].join(' ');
  const chunks: Uint8Array[] = [Buffer.from(`<?xml version="1.0" encoding="utf-8"?>\n<feed ${namespaces}>${head.join('')}`, 'utf8')];
  for (const entry of feed.entries) chunks.push(renderEntry(entry));
  chunks.push(footer);
  return chunks;
}

/** One entry or tombstone, encoded once per entry object. */
function renderEntry(entry: FeedEntry): Uint8Array {
  const cached = entryCache.get(entry);
  if (cached !== undefined) return cached;
  const xml = encodeUtf8(entry.withdrawn === undefined ? renderLiveEntry(entry) : renderTombstone(entry, entry.withdrawn.when));
  entryCache.set(entry, xml);
  return xml;
}

function renderLiveEntry(entry: FeedEntry): string {
  const parts = [
    element('id', {}, entry.id),
    element('title', { type: 'text' }, entry.title),
    element('link', { rel: 'alternate', type: 'text/html', href: entry.url }),
    element('published', {}, rfc3339(entry.published)),
    element('updated', {}, rfc3339(entry.updated)),
    `<author>${element('name', {}, entry.author.name)}${entry.author.uri === undefined ? '' : element('uri', {}, entry.author.uri)}</author>`,
    ...entry.categories.map((category) => element('category', { term: category.term, scheme: category.scheme, label: category.label })),
    entry.summary === undefined ? '' : element('summary', { type: 'text' }, entry.summary),
    entry.contentHtml === undefined ? '' : element('content', { type: 'html' }, entry.contentHtml),
    ...[entry.enclosure, ...entry.attachments].filter((file): file is FeedFile => file !== undefined).map(enclosureLink),
    disclosureXml(entry.disclosure),
  ];
  return `<entry xml:lang="${entry.lang}">${parts.join('')}</entry>`;
}

function enclosureLink(file: FeedFile): string {
  return element('link', { rel: 'enclosure', type: file.mediaType, length: file.size, href: file.url, title: file.title });
}

function renderTombstone(entry: FeedEntry, when: string): string {
  return `<at:deleted-entry ref="${escapeXml(entry.id)}" when="${rfc3339(when)}">${element('link', { href: entry.url })}</at:deleted-entry>`;
}
