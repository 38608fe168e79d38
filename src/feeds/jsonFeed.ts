// JSON Feed 1.1 serializer: `(feed) => bytes`. Disclosure metadata goes in the `_gazette`
// extension; archive paging uses `next_url` (older items), as JSON Feed has no RFC 5005.

import { encodeUtf8 } from './bytes.ts';
import { rfc3339 } from './dates.ts';
import type { Feed, FeedEntry, FeedFile } from './model.ts';

const itemCache = new WeakMap<FeedEntry, Uint8Array>();
const comma = Buffer.from(',', 'utf8');
const footer = Buffer.from(']}\n', 'utf8');

export function renderJsonFeed(feed: Feed): string {
  return Buffer.concat(jsonFeedChunks(feed)).toString('utf8');
}

/** The document as UTF-8 chunks (header, items with their commas, footer): concatenated, the bytes of `renderJsonFeed`. */
export function jsonFeedChunks(feed: Feed): Uint8Array[] {
  const head: Record<string, unknown> = {
    version: 'https://jsonfeed.org/version/1.1',
    title: feed.title,
    home_page_url: feed.homeUrl,
    feed_url: feed.self.json,
    description: feed.description,
    language: feed.lang,
    authors: [{ name: feed.publisher }],
  };
  if (feed.prevArchive !== undefined) head['next_url'] = feed.prevArchive.json;
  if (feed.hubUrl !== undefined) head['hubs'] = [{ type: 'WebSub', url: feed.hubUrl }];
  head['_gazette'] = {
    about: feed.namespace,
    id: feed.id,
    updated: rfc3339(feed.updated),
    archive: feed.archive,
    ...(feed.current === undefined ? {} : { current: feed.current.json }),
  };
  const text = JSON.stringify(head);
  const chunks: Uint8Array[] = [Buffer.from(`${text.slice(0, -1)},"items":[`, 'utf8')];
  for (const entry of feed.entries) {
    if (entry.withdrawn !== undefined) continue;
    if (chunks.length > 1) chunks.push(comma);
    chunks.push(renderItem(entry));
  }
  chunks.push(footer);
  return chunks;
}

/** One item, encoded once per entry object. */
function renderItem(entry: FeedEntry): Uint8Array {
  const cached = itemCache.get(entry);
  if (cached !== undefined) return cached;
  const d = entry.disclosure;
  const item: Record<string, unknown> = {
    id: entry.id,
    url: entry.url,
    title: entry.title,
    ...(entry.contentHtml === undefined ? { content_text: entry.summary ?? entry.title } : { content_html: entry.contentHtml }),
    ...(entry.summary === undefined ? {} : { summary: entry.summary }),
    date_published: rfc3339(entry.published),
    date_modified: rfc3339(entry.updated),
    authors: [{ name: entry.author.name, ...(entry.author.uri === undefined ? {} : { url: entry.author.uri }) }],
    tags: entry.categories.map((category) => category.label),
    language: entry.lang,
  };
  const files = [entry.enclosure, ...entry.attachments].filter((file): file is FeedFile => file !== undefined);
  if (files.length > 0) item['attachments'] = files.map(jsonAttachment);
  item['_gazette'] = {
    kind: d.kind,
    indexNumber: d.indexNumber,
    ...(d.docNumber === undefined ? {} : { docNumber: d.docNumber }),
    ...(d.signedDate === undefined ? {} : { signedDate: d.signedDate }),
    date: d.date,
    ...(d.validity === undefined ? {} : { validity: d.validity }),
    ...(d.issue === undefined ? {} : { issue: { year: d.issue.year, number: d.issue.number, totalNumber: d.issue.totalNumber } }),
    department: { name: d.department.name, code: d.department.code },
    version: d.version,
    ...(d.files === undefined ? {} : { files: d.files.map((file) => ({ url: file.url, sha256: file.sha256, size: file.size })) }),
  };
  const json = encodeUtf8(JSON.stringify(item));
  itemCache.set(entry, json);
  return json;
}

function jsonAttachment(file: FeedFile): Record<string, unknown> {
  return { url: file.url, mime_type: file.mediaType, size_in_bytes: file.size, ...(file.title === undefined ? {} : { title: file.title }) };
}
