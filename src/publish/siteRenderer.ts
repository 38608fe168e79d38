// The build's renderer: binds the HTML templates to one content set, and spreads document
// pages over worker threads when there are many (a full build uses every core).

import { createHash } from 'node:crypto';
import { availableParallelism } from 'node:os';
import { resolveContentLink } from '../content/links.ts';
import { relativeLinksIn } from '../content/markdown.ts';
import type { ContentSet, GazetteDocument } from '../content/model.ts';
import { isPublishedVersion } from '../content/records.ts';
import { createRenderContext, renderIssuePage, renderErratumPage, siteAssets, type RenderContext } from '../render/html/index.ts';
import { alternateFeedLinks, type PageFeedContext } from '../feeds/discovery.ts';
import type { DocumentPageJob, FingerprintParts, SiteRenderer } from './build.ts';
import { canonicalJson, sha256 } from './digest.ts';
import { depositZipKey, issuePdfKey } from '../content/keys.ts';
import { cachedBodyFits, type RenderEnvironment, type RenderedDocument, renderDocumentJob, renderIssuePdfArtifact } from './renderJob.ts';
import { createWorkerPool, type WorkerPool } from './workerPool.ts';
import { hiddenPagesLinked, publicLink } from './renderJob.ts';
import { type BodyCache, bodyCodeVersion } from './bodyCache.ts';
import { processCodeParts } from './renderCode.ts';

/** Below this many changed documents, starting worker threads costs more than it saves. */
const POOL_THRESHOLD = 64;

export interface SiteRendererOptions {
  /** Worker threads for a large build; default: one per core. 0 renders on the main thread. */
  workers?: number;
  /** Render PDFs of documents and issues (default true). */
  pdf?: boolean;
  /** Keep the bodies of articles and releases between builds: opens the cache for the render code's version (the CLI, src/store/sqliteBodyCache.ts). */
  bodyCache?: (codeVersion: string) => BodyCache;
}

export async function createSiteRenderer(content: ContentSet, options: SiteRendererOptions = {}): Promise<SiteRenderer> {
  const ctx: RenderContext = createRenderContext(content.site);
  const pdf = options.pdf ?? true;
  const { fingerprint, pageFingerprint, fingerprintParts } = await renderFingerprints(content, pdf);
  const workers = options.workers ?? availableParallelism();
  let hidden: string[] = [];
  const resolve = (from: string, href: string) => publicLink(resolveContentLink(content, from, href), hidden, content.routes.get(from));
  const env: RenderEnvironment = { ctx, root: content.root, pdf, resolve };
  const documents = new Map(content.documents.map((doc) => [doc.id, doc]));
  let pool: WorkerPool<DocumentPageJob, RenderedDocument> | undefined;
  // The code's version is read once per process, as its parts are: a watch process reads them
  // once, not on every save (and a Lambda function, which has no body cache, never). Always the
  // real parts: a pinned fingerprint (compare-builds.sh) must not let two versions of the parser
  // share cached bodies.
  const bodies = options.bodyCache?.(await (bodyCodeOnce ??= processCodeParts({ real: true }).then((parts) => bodyCodeVersion(parts.pages))));

  return {
    pdf,
    fingerprint,
    pageFingerprint,
    fingerprintParts,
    context: ctx,
    workerThreads: workers > 0,
    assets: () => siteAssets(),
    async begin(jobCount: number, hiddenPages: string[]) {
      hidden = hiddenPages;
      if (pool === undefined && workers > 0 && jobCount >= POOL_THRESHOLD) {
        pool = await createWorkerPool<DocumentPageJob, RenderedDocument>(new URL('./renderWorker.ts', import.meta.url), workers, {
          site: content.site,
          routes: [...content.routes.entries()],
          root: content.root,
          pdf,
          hidden,
        });
      }
    },
    async documentArtifacts(job) {
      const slot = bodies?.slot(job.doc);
      const withSlot = slot === undefined ? job : { ...job, body: slot };
      // A render thread given a body that still fits (no PDF, which prints the Markdown) needs
      // none of the document's text: it is not read from its file here (a first use of a cached
      // document's body reads it) nor copied to the thread, about 0.1 ms a document on the main
      // thread, which sets the pace of a rebuild whose bodies all come from the cache.
      const sent: DocumentPageJob =
        pool !== undefined && !pdf && slot?.cached !== undefined && cachedBodyFits(slot.cached, (href) => resolve(job.doc.file, href))
          ? { ...withSlot, doc: withoutBody(job.doc), body: { ...slot, bodyOmitted: true } }
          : withSlot;
      const rendered = await (pool === undefined ? renderDocumentJob(env, withSlot) : pool.run(sent));
      // An article's or a release's body HTML is the feed entry's, unchanged: it crosses from the render thread once.
      if (slot !== undefined && rendered.renderedBody !== undefined)
        bodies?.keep(job.doc.id, slot.key, { html: rendered.bodyHtml, links: rendered.renderedBody.links });
      const { renderedBody: _kept, ...result } = rendered;
      return result;
    },
    async documentsRendered() {
      bodies?.flush();
      const threads = pool;
      pool = undefined;
      await threads?.close();
    },
    erratumPage: (erratum) => renderErratumPage(withFeeds(ctx, { section: 'gazette' }), erratum),
    issueHiddenLinks: (issue) =>
      // An issue's note owns no page below the issue's: every link into a hidden page counts.
      issue.editorNote === undefined || hidden.length === 0 ? [] : hiddenPagesLinked(content, issue.file, relativeLinksIn(issue.editorNote), hidden),
    issuePdfWaits: (articles) => pdf && articles.some((record) => !isPublishedVersion(documents.get(record.id), record)),
    async issueArtifacts(issue, articles, options = {}) {
      const page = renderIssuePage(withFeeds(ctx, { section: 'gazette' }), issue, articles, {
        ...(options.errata === undefined ? {} : { errata: options.errata }),
        ...(issue.editorNote === undefined ? {} : { editorNote: issue.editorNote }),
        // An issue's note owns no page below the issue's: every article link is checked.
        resolveLink: (href) => publicLink(resolveContentLink(content, issue.file, href), hidden),
        // The deposit ZIP is made with the PDFs (issuesStage.ts), so it is linked when they are.
        ...(pdf && options.pdf !== 'waiting' ? { pdfUrl: `/${issuePdfKey(issue)}`, depositUrl: `/${depositZipKey(issue)}` } : {}),
      });
      if (!pdf || (options.pdf ?? 'new') !== 'new') return [page];
      const printed = articles.flatMap((record) => {
        const doc = documents.get(record.id);
        // Never the new text of a correction under embargo (issuesStage.ts makes the PDF wait for it).
        if (!isPublishedVersion(doc, record)) throw new Error(`Issue ${issue.file}: ${record.id} is not the version its record publishes; its PDF must wait.`);
        return doc.kind === 'article' ? [{ doc, indexNumber: record.indexNumber }] : [];
      });
      return [page, await renderIssuePdfArtifact(env, issue, printed)];
    },
    async close() {
      bodies?.close();
      await pool?.close();
    },
  };
}

/** The document's fields but its Markdown (left unread when it is read on first use), with an empty body. */
function withoutBody<T extends GazetteDocument>(doc: T): T {
  const copy: Record<string, unknown> = {};
  for (const key of Object.keys(doc)) copy[key] = key === 'body' ? '' : doc[key as keyof T];
  return copy as T;
}

/** The context of a page that announces the feeds of its part of the site. */
function withFeeds(ctx: RenderContext, context: PageFeedContext): RenderContext {
  return { ...ctx, feeds: alternateFeedLinks(ctx.site, context) };
}

/**
 * The fingerprint of everything that shapes output besides content (`fingerprint`), and the part
 * of it that shapes document and issue pages (`pageFingerprint`): site.yaml and the pages' code.
 * Columns, the calendar and the derived outputs' code shape listings, statistics and feeds, not a
 * document's page (its columns count in its own render digest): a change to them rebuilds the
 * derived outputs and no document page.
 */
async function renderFingerprints(
  content: ContentSet,
  pdf: boolean,
): Promise<{ fingerprint: string; pageFingerprint: string; fingerprintParts: FingerprintParts }> {
  const code = await processCodeParts();
  const pages = createHash('sha256').update(canonicalJson({ site: content.site, pdf }));
  for (const part of code.pages) pages.update(part);
  const all = createHash('sha256').update(canonicalJson({ site: content.site, pdf }));
  for (const part of code.all) all.update(part);
  const fingerprintParts: FingerprintParts = {
    code: all.digest('hex'),
    columns: sha256(canonicalJson(content.columns.map((column) => [column.id, column.sourceDigest]))),
    calendar: sha256(
      canonicalJson({ years: content.calendar.years, holidays: [...content.calendar.holidays], workdays: [...content.calendar.workdays].sort() }),
    ),
  };
  return { fingerprint: sha256(canonicalJson(fingerprintParts)), pageFingerprint: pages.digest('hex'), fingerprintParts };
}

let bodyCodeOnce: Promise<string> | undefined;
