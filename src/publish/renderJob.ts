// One document's artifacts from a build job — its page and its PDF — and an issue's PDF.
// The same functions run on the main thread and in worker threads.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { toHtml } from '../render/html/serialize.ts';
import { h } from 'hastscript';
import { textFor } from '../../templates/strings.ts';
import type { ArticleDocument, ConferenceDocument, ContentSet, GazetteDocument, GazetteIssue, Lang } from '../content/model.ts';
import { resolveContentLink } from '../content/links.ts';
import { documentPdfKey, issuePdfKey } from '../content/keys.ts';
import { alternateFeedLinks, type PageFeedContext } from '../feeds/discovery.ts';
import { type Artifact, artifact } from '../outputs.ts';
import { renderDocumentPage, type DocumentPageInput, type RenderContext } from '../render/html/index.ts';
import { serializedHtml } from '../render/html/page.ts';
import { type CachedBody, cacheableBody } from './bodyCache.ts';
import { type HastRoot, markdownToHast } from '../render/markdown.ts';
import type { PdfFonts } from '../render/pdf/index.ts';
import type { DocumentPageJob } from './build.ts';
import { sha256 } from './digest.ts';
import { artifactRef } from './writes.ts';

export type ContentLinkResolver = (fromFile: string, href: string) => string | undefined;

/**
 * A resolved link, unless it leads into another page that is not public yet (then: no link,
 * text only). `own` is the linking page's own URL path: its own files always resolve.
 */
export function publicLink(urlPath: string | undefined, hidden: readonly string[], own?: string): string | undefined {
  if (urlPath === undefined) return undefined;
  const path = urlPath.split('#')[0] as string;
  if (own !== undefined && path.startsWith(own)) return urlPath;
  return hidden.some((page) => path.startsWith(page)) ? undefined : urlPath;
}

/**
 * The pages of `hidden` that relative links `hrefs` written in `fromFile` lead into, in the order of
 * `hidden`: the links `publicLink` renders as text (`own`: the linking page's own URL path).
 */
export function hiddenPagesLinked(
  content: Pick<ContentSet, 'routes'>,
  fromFile: string,
  hrefs: readonly string[],
  hidden: readonly string[],
  own?: string,
): string[] {
  if (hidden.length === 0 || hrefs.length === 0) return [];
  const found = new Set<string>();
  for (const href of hrefs) {
    const urlPath = resolveContentLink(content, fromFile, href);
    if (urlPath === undefined || publicLink(urlPath, hidden, own) !== undefined) continue;
    const path = urlPath.split('#')[0] as string;
    for (const page of hidden) if (path.startsWith(page)) found.add(page);
  }
  return hidden.filter((page) => found.has(page));
}

export interface RenderEnvironment {
  ctx: RenderContext;
  /** Absolute path of the content folder, to read images for PDFs. */
  root: string;
  resolve: ContentLinkResolver;
  /** Whether documents and issues get PDFs. */
  pdf: boolean;
}

let pdfModule: Promise<typeof import('../render/pdf/index.ts')> | undefined;
let fonts: Promise<PdfFonts> | undefined;

/**
 * The PDF renderer (pdfkit, fontkit and their tables) is loaded on the first PDF, not with this
 * module: a build without PDFs, or one that changes a page only, never pays for it.
 */
function pdfRenderer(): Promise<typeof import('../render/pdf/index.ts')> {
  pdfModule ??= import('../render/pdf/index.ts');
  return pdfModule;
}

/** Fonts are parsed once per thread, on the first PDF. */
function pdfFonts(): Promise<PdfFonts> {
  fonts ??= pdfRenderer().then((pdf) => pdf.loadPdfFonts());
  return fonts;
}

/** Body hast for print: links become absolute URLs, since a PDF lives outside the site. */
function printHast(env: RenderEnvironment, file: string, markdown: string, lang: Lang) {
  return markdownToHast(markdown, {
    lang,
    resolveLink: (href) => {
      const path = env.resolve(file, href);
      return path === undefined ? undefined : new URL(path, env.ctx.site.baseUrl).href;
    },
  });
}

/** Bytes of a document's image by its site URL path, for embedding in the PDF. */
function imageReader(root: string, docs: GazetteDocument[]): (urlPath: string) => Uint8Array | undefined {
  const files = new Map<string, string>();
  for (const doc of docs) for (const file of [...doc.attachments, ...(doc.assets ?? [])]) files.set(file.urlPath, file.file);
  return (urlPath) => {
    const file = files.get(urlPath);
    return file === undefined ? undefined : readFileSync(join(root, file));
  };
}

/** What rendering one document gives: its artifacts, and its body as HTML for feed entries. */
export interface RenderedDocument {
  artifacts: Artifact[];
  /**
   * Sanitized body HTML as the page shows it (the Q&A appended for conferences; its links are made
   * absolute when the feed entry is written); '' when withdrawn.
   */
  bodyHtml: string;
  /** When the job had a slot in the body cache and no match: the links the body resolved (its HTML is `bodyHtml`). */
  renderedBody?: Pick<CachedBody, 'links'>;
}

export async function renderDocumentJob(env: RenderEnvironment, job: DocumentPageJob): Promise<RenderedDocument> {
  const { doc } = job;
  const pdfKey = documentPdfKey(doc.urlPath);
  const withdrawn = doc.status === 'withdrawn';
  // The page and the feed entry show the same body: each Markdown text is parsed once, and its
  // tree serialized once for the feed. An article's or a release's page embeds that HTML; a
  // conference's page gets the tree (its template adjusts ids and heading levels in place, after
  // the feed's HTML was taken from the untouched tree, rather than from a deep copy kept aside:
  // structuredClone of a body's tree cost more than a millisecond). A text asked for again is
  // parsed again, with the links resolved as the first time, which gives the same tree.
  const resolvers = new Map<string, (href: string) => string | undefined>();
  let feedBodyHtml: string | undefined;
  let renderedBody: Pick<CachedBody, 'links'> | undefined;
  const slot = cacheableBody(doc) ? job.body : undefined;
  const renderBody = (markdown: string, resolveLink: (href: string) => string | undefined): HastRoot => {
    const first = resolvers.get(markdown);
    if (first !== undefined) return markdownToHast(markdown, { resolveLink: first, lang: doc.lang });
    resolvers.set(markdown, resolveLink);
    if (markdown !== doc.body || withdrawn) return markdownToHast(markdown, { resolveLink, lang: doc.lang });
    // An article's or a release's page shows its body as it is: the page embeds the HTML the
    // feed entry takes rather than serialize the tree a second time, and the body cache keeps it.
    // A conference's page rearranges its tree.
    const cached = slot?.cached;
    if (cached !== undefined && cachedBodyFits(cached, resolveLink)) {
      feedBodyHtml = cached.html;
      return { type: 'root', children: [serializedHtml(cached.html)] };
    }
    if (slot?.bodyOmitted === true) throw new Error(`The render job of ${doc.file} came without its Markdown, but its cached body no longer fits its links.`);
    const links: CachedBody['links'] = [];
    const recording = (href: string) => {
      const url = resolveLink(href);
      links.push([href, url ?? null]);
      return url;
    };
    const tree = markdownToHast(markdown, { resolveLink: slot === undefined ? resolveLink : recording, lang: doc.lang });
    feedBodyHtml = toHtml(tree);
    if (doc.kind === 'conference') return tree;
    if (slot !== undefined) renderedBody = { links };
    return { type: 'root', children: [serializedHtml(feedBodyHtml)] };
  };
  const input: DocumentPageInput = {
    renderBody,
    indexNumber: job.indexNumber,
    translations: job.translations,
    resolveLink: (href) => env.resolve(doc.file, href),
    version: job.version,
    versions: job.versions,
    supersedes: job.supersedes,
    ...(job.errata === undefined || job.errata.length === 0 ? {} : { errata: job.errata }),
    ...(job.supersededBy === undefined ? {} : { supersededBy: job.supersededBy }),
    ...(job.columns === undefined || job.columns.length === 0 ? {} : { columns: job.columns }),
    ...(env.pdf && !withdrawn ? { pdfUrl: `/${pdfKey}` } : {}),
    ...(job.issue === undefined ? {} : { issue: job.issue }),
  };
  // The PDF before the page, which lists its digest beside the document's other files. Hashed
  // here once: the digest travels with the bytes to the write (and from a worker thread).
  const pdf = env.pdf && !withdrawn ? await documentPdf(env, job) : undefined;
  const files = withdrawn ? [] : [...(pdf === undefined ? [] : [artifactRef(pdf)]), ...(job.files ?? [])];
  if (files.length > 0) input.files = files;
  // The current page; its copy at `v<n>/` is made when a later version replaces it (archive.ts).
  const ctx: RenderContext = { ...env.ctx, feeds: alternateFeedLinks(env.ctx.site, feedContext(doc)) };
  const page = renderDocumentPage(ctx, doc, input);
  if (withdrawn) return { artifacts: [page], bodyHtml: '' };
  // The feed entry takes the page's body (its links are made absolute when the entry is written).
  const body = feedBodyHtml ?? toHtml(renderBody(doc.body, input.resolveLink as (href: string) => string | undefined));
  const bodyHtml = body + (doc.kind === 'conference' ? questionsHtml(env, doc) : '');
  return { artifacts: pdf === undefined ? [page] : [page, pdf], bodyHtml, ...(renderedBody === undefined ? {} : { renderedBody }) };
}

/** Whether a cached body still fits: each link it resolved resolves to the same URL now. */
export function cachedBodyFits(cached: CachedBody, resolveLink: (href: string) => string | undefined): boolean {
  return cached.links.every(([href, url]) => (resolveLink(href) ?? null) === url);
}

/** A document's PDF: the same bytes for the same document, so its page can name their digest. */
async function documentPdf(env: RenderEnvironment, job: DocumentPageJob): Promise<Artifact> {
  const { doc } = job;
  const bytes = await (
    await pdfRenderer()
  ).renderDocumentPdf(
    {
      doc,
      hast: printHast(env, doc.file, doc.body, doc.lang),
      // Answers are Markdown, as the page renders them: links to what is not public yet stay text.
      ...(doc.kind === 'conference' ? { answers: doc.qa.map((pair) => printHast(env, doc.file, pair.answer, doc.lang)) } : {}),
      indexNumber: job.indexNumber,
      site: env.ctx.site,
      assets: imageReader(env.root, [doc]),
    },
    await pdfFonts(),
  );
  // With its digest: it crosses from a worker thread as plain bytes, where the write path's memo of digests does not follow.
  return { ...artifact('pdf', documentPdfKey(doc.urlPath), bytes), sha256: sha256(bytes) };
}

/** The feeds a document page announces: the whole site, its section, department, topic and language. */
export function feedContext(doc: GazetteDocument): PageFeedContext {
  return { section: doc.kind === 'article' ? 'gazette' : 'press', department: doc.department.name, topic: doc.category.name, lang: doc.lang };
}

/** A conference's 答记者问 for feed readers, in its language: each question with who asked, then the answer. */
function questionsHtml(env: RenderEnvironment, doc: ConferenceDocument): string {
  if (doc.qa.length === 0) return '';
  const text = textFor(doc.lang);
  const { question, answer, questions } = text.conference;
  const children = doc.qa.flatMap((pair) => [
    h('h3', `${text.labelled(question)}${pair.askedBy === undefined ? pair.question : text.withNote(pair.question, pair.askedBy)}`),
    ...(pair.answeredBy === undefined ? [] : [h('p', h('strong', text.labelled(text.withNote(answer, pair.answeredBy))))]),
    ...printHast(env, doc.file, pair.answer, doc.lang).children,
  ]);
  return toHtml(h('section', [h('h2', questions), ...children]));
}

export async function renderIssuePdfArtifact(
  env: RenderEnvironment,
  issue: GazetteIssue,
  articles: { doc: ArticleDocument; indexNumber: string }[],
): Promise<Artifact> {
  const bytes = await (
    await pdfRenderer()
  ).renderIssuePdf(
    {
      issue,
      site: env.ctx.site,
      articles: articles.map(({ doc, indexNumber }) => ({ doc, indexNumber, hast: printHast(env, doc.file, doc.body, doc.lang) })),
      assets: imageReader(
        env.root,
        articles.map(({ doc }) => doc),
      ),
    },
    await pdfFonts(),
  );
  return artifact('pdf', issuePdfKey(issue), bytes);
}
