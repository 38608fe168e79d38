// The rendered bodies of articles and releases, kept between builds on one machine (the CLI's data
// folder, `cache/bodies.sqlite`), so that a build that renders every page again for a new template
// or site.yaml does not parse every body again: a body's HTML depends on its Markdown, its
// language, what its relative links resolve to and the render code, never on templates or
// site.yaml. An entry is used only when all of these are as they were: its key is the digest of
// the code and the document's source and language, and each link it resolved is resolved again
// and compared (a page that became public or hidden since changes the body). A conference's page
// rearranges its body's tree and is not cached; PDFs are not cached.
//
// The port is here; the CLI's SQLite file is src/store/sqliteBodyCache.ts. Losing the cache costs
// one parse per body, nothing else.

import { createHash } from 'node:crypto';
import type { GazetteDocument } from '../content/model.ts';

/** A body as rendered: its HTML, and each relative link asked for with what it resolved to. */
export interface CachedBody {
  html: string;
  links: [href: string, url: string | null][];
}

/** What a render job carries of the cache: the key its body has now, and the entry if it matches. */
export interface BodyCacheSlot {
  key: string;
  cached?: CachedBody;
  /**
   * The job's document comes without its Markdown (its `body` is empty): the entry was checked
   * to still fit before the job was sent (siteRenderer.ts), so the page takes the cached HTML and
   * nothing needs the text. A job whose entry turns out not to fit then fails rather than render
   * an empty body.
   */
  bodyOmitted?: boolean;
}

export interface BodyCache {
  /** The slot of a document whose body can be cached; undefined for those that cannot. */
  slot(doc: GazetteDocument): BodyCacheSlot | undefined;
  /** Keep a body rendered anew; written in batches. */
  keep(id: string, key: string, body: CachedBody): void;
  /** Write what is kept. */
  flush(): void;
  close(): void;
}

/** Whether a document's body can come from the cache: its page shows the body's tree as it is. */
export function cacheableBody(doc: Pick<GazetteDocument, 'kind' | 'status'>): boolean {
  return doc.kind !== 'conference' && doc.status !== 'withdrawn';
}

/** The digest of the code that makes a body's HTML: the render code's parts, which include the parser it imports and the packages' locked versions (renderCode.ts). */
export function bodyCodeVersion(renderCodeParts: readonly string[]): string {
  const hash = createHash('sha256');
  for (const part of renderCodeParts) hash.update(part);
  return hash.digest('hex');
}
