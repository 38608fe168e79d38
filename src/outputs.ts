// Every kind of object the platform publishes, as data: media type and cache policy.
// S3 keys, HTTP headers of the preview server and (later) CloudFront behaviours derive from
// this one table, so a new output is a new row, not a new branch.

export interface OutputFormat {
  mediaType: string;
  cacheControl: string;
}

const revalidate = 'public, max-age=300, must-revalidate';
const immutable = 'public, max-age=31536000, immutable';

export const outputFormats = {
  /** HTML pages, whose content changes when documents change. */
  page: { mediaType: 'text/html; charset=utf-8', cacheControl: revalidate },
  /** Stylesheets and scripts under a content-hashed name. */
  asset: { mediaType: 'text/css; charset=utf-8', cacheControl: immutable },
  script: { mediaType: 'text/javascript; charset=utf-8', cacheControl: immutable },
  pdf: { mediaType: 'application/pdf', cacheControl: revalidate },
  json: { mediaType: 'application/json; charset=utf-8', cacheControl: revalidate },
  /** Binary data files read by our own scripts (the search index shards). */
  data: { mediaType: 'application/octet-stream', cacheControl: revalidate },
  rss: { mediaType: 'application/rss+xml; charset=utf-8', cacheControl: 'public, max-age=120, must-revalidate' },
  atom: { mediaType: 'application/atom+xml; charset=utf-8', cacheControl: 'public, max-age=120, must-revalidate' },
  jsonFeed: { mediaType: 'application/feed+json; charset=utf-8', cacheControl: 'public, max-age=120, must-revalidate' },
  text: { mediaType: 'text/plain; charset=utf-8', cacheControl: revalidate },
  /** Sitemaps. */
  xml: { mediaType: 'application/xml; charset=utf-8', cacheControl: revalidate },
  /** Spreadsheet downloads (the statistics), UTF-8 with a byte order mark. */
  csv: { mediaType: 'text/csv; charset=utf-8', cacheControl: revalidate },
  /** An issue's deposit package for the reading points (a BagIt bag, zipped). */
  zip: { mediaType: 'application/zip', cacheControl: revalidate },
} as const satisfies Record<string, OutputFormat>;

export type OutputKind = keyof typeof outputFormats;

/**
 * Content-Security-Policy of every page, sent by CloudFront and by the preview server alike:
 * our pages load only our own stylesheet, scripts and images; nothing may frame them.
 */
export const contentSecurityPolicy = [
  "default-src 'self'",
  "img-src 'self' data:",
  "style-src 'self'",
  "script-src 'self'",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

/** Media types of attachments and images, by lower-case extension. Anything else is refused by checks. */
export const attachmentTypes: Record<string, string> = {
  '.pdf': 'application/pdf',
  '.doc': 'application/msword',
  '.docx': 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  '.xls': 'application/vnd.ms-excel',
  '.xlsx': 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  '.csv': 'text/csv; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.zip': 'application/zip',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.png': 'image/png',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.svg': 'image/svg+xml',
};

/** One object to publish. `key` is relative to the site root, without a leading slash. */
export interface Artifact {
  key: string;
  body: Uint8Array;
  contentType: string;
  cacheControl: string;
  /**
   * SHA-256 (hex) of `body`, when its renderer hashed it already (a document's PDF, whose digest
   * its page shows): a body that crossed from a worker thread is not hashed again.
   */
  sha256?: string;
}

// Page keys are built with the other object keys, in src/content/keys.ts.
export { pageKey } from './content/keys.ts';

/** Build an artifact of an output kind from text or bytes. */
export function artifact(kind: OutputKind, key: string, body: string | Uint8Array): Artifact {
  const format = outputFormats[kind];
  return {
    key,
    body: typeof body === 'string' ? Buffer.from(body, 'utf8') : body,
    contentType: format.mediaType,
    cacheControl: format.cacheControl,
  };
}
