// RSS 2.0 serializer: `(feed) => bytes`. Atom links carry self, hub and RFC 5005 relations,
// which RSS 2.0 itself cannot express; `content:encoded` carries the full HTML.

import { encodeUtf8 } from './bytes.ts';
import { rfc3339, rfc822 } from './dates.ts';
import type { Feed, FeedEntry } from './model.ts';
import { disclosureXml, ns } from './namespaces.ts';
import { cdata, element, escapeXml } from './xml.ts';

const itemCache = new WeakMap<FeedEntry, Uint8Array>();
const footer = Buffer.from('</channel></rss>\n', 'utf8');

export function renderRss(feed: Feed): string {
  return Buffer.concat(rssChunks(feed)).toString('utf8');
}

/** The document as UTF-8 chunks (header, one per item, footer): concatenated, the bytes of `renderRss`. */
export function rssChunks(feed: Feed): Uint8Array[] {
  const channel = [
    element('title', {}, feed.title),
    element('link', {}, feed.homeUrl),
    element('description', {}, feed.description),
    element('language', {}, feed.lang.toLowerCase()),
    element('lastBuildDate', {}, rfc822(feed.updated)),
    element('generator', {}, 'Gazette'),
    element('docs', {}, 'https://www.rssboard.org/rss-specification'),
    element('atom:link', { rel: 'self', type: 'application/rss+xml', href: feed.self.rss }),
    feed.hubUrl === undefined ? '' : element('atom:link', { rel: 'hub', href: feed.hubUrl }),
    feed.current === undefined ? '' : element('atom:link', { rel: 'current', type: 'application/rss+xml', href: feed.current.rss }),
    feed.prevArchive === undefined ? '' : element('atom:link', { rel: 'prev-archive', type: 'application/rss+xml', href: feed.prevArchive.rss }),
    feed.archive ? '<fh:archive/>' : '',
  ];
  const namespaces = [
    `xmlns:atom="${ns.atom}"`,
    `xmlns:content="${ns.content}"`,
    `xmlns:dc="${ns.dc}"`,
    `xmlns:fh="${ns.fh}"`,
    `xmlns:gazette="${escapeXml(feed.namespace)}"`,
  ].join(' ');
  const header = Buffer.from(`<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0" ${namespaces}><channel>${channel.join('')}`, 'utf8');
  const chunks: Uint8Array[] = [header];
  for (const entry of feed.entries) if (entry.withdrawn === undefined) chunks.push(renderItem(entry));
  chunks.push(footer);
  return chunks;
}

/** One `<item>`, encoded once: memoized per entry object, since one entry appears in many feeds. */
function renderItem(entry: FeedEntry): Uint8Array {
  const cached = itemCache.get(entry);
  if (cached !== undefined) return cached;
  const parts = [
    element('title', {}, entry.title),
    element('link', {}, entry.url),
    element('guid', { isPermaLink: 'false' }, entry.id),
    element('pubDate', {}, rfc822(entry.published)),
    element('atom:updated', {}, rfc3339(entry.updated)),
    element('dc:creator', {}, entry.author.name),
    element('dc:language', {}, entry.lang),
    entry.summary === undefined ? '' : element('description', {}, entry.summary),
    entry.contentHtml === undefined ? '' : `<content:encoded>${cdata(entry.contentHtml)}</content:encoded>`,
    ...entry.categories.map((category) => element('category', { domain: category.scheme }, category.label)),
    entry.enclosure === undefined ? '' : element('enclosure', { url: entry.enclosure.url, length: entry.enclosure.size, type: entry.enclosure.mediaType }),
    disclosureXml(entry.disclosure),
  ];
  const item = encodeUtf8(`<item>${parts.join('')}</item>`);
  itemCache.set(entry, item);
  return item;
}
