// The page of a gazette article, press release or press conference.

import type { GazetteDocument, GazetteIssue } from '../../content/model.ts';
import type { ArtifactRef } from '../../content/records.ts';
import type { Artifact } from '../../outputs.ts';
import { documentPage, erratumPage, versionPath, type ErratumPageData, type PageLink, type VersionEntry } from '../../../templates/document.tsx';
import { isLocalUrl } from '../../content/markdown.ts';
import { type HastRoot, markdownToHast } from '../markdown.ts';
import type { LinkResolver, RenderContext, Translation } from './context.ts';
import { pageArtifact } from './page.ts';

export interface DocumentPageInput {
  /** 索引号 of the document. */
  indexNumber: string;
  issue?: GazetteIssue;
  pdfUrl?: string;
  translations?: Translation[];
  /**
   * Published URL of a relative link or image in the body (the loader's `resolveContentLink`
   * bound to this document). Default: a plain file name is published beside the page, and
   * anything else, `.md` links included, leads nowhere and is shown as text.
   */
  resolveLink?: LinkResolver;
  /** Sizes in bytes of attachments, by their content-relative `file` (default: from `files`). */
  attachmentSizes?: Record<string, number>;
  /**
   * The document's published files with their SHA-256 and size: its PDF first, then attachments
   * and body images in document order. The page lists them (文件校验) and its JSON-LD describes them.
   */
  files?: ArtifactRef[];
  /** The version being published (default 1); from 2 on, the page shows the 更正/修订 note. */
  version?: number;
  /** Every version, oldest first, at its stable URL; the 版本记录 list appears from two on. */
  versions?: VersionEntry[];
  /** Set when rendering the immutable copy of an earlier version (see `renderVersionPage`). */
  versionOf?: { currentUrl: string };
  /** Errata (勘误) published for this article. */
  errata?: PageLink[];
  /** The document replacing this one (validity 失效 or 废止). */
  supersededBy?: PageLink;
  /** Documents this one replaces. */
  supersedes?: PageLink[];
  /** Special columns (专栏) the document belongs to. */
  columns?: PageLink[];
  /** Markdown to hast for the body and answers; default `markdownToHast`. The build shares one parse between pages. */
  renderBody?: (markdown: string, resolveLink: LinkResolver) => HastRoot;
}

const defaultRenderBody =
  (doc: Pick<GazetteDocument, 'lang'>) =>
  (markdown: string, resolveLink: LinkResolver): HastRoot =>
    markdownToHast(markdown, { resolveLink, lang: doc.lang });

export type { ErratumPageData, PageLink, VersionEntry };

/** Files referenced by name alone are published beside the document's page. */
export function besidePage(urlPath: string): LinkResolver {
  return (href) => (isLocalUrl(href) && /^[^/?#]+$/.test(href) && !/\.md$/i.test(href) ? `${urlPath}${href}` : undefined);
}

/** Render a document's page to an artifact at `<urlPath>index.html`. */
export function renderDocumentPage(ctx: RenderContext, doc: GazetteDocument, input: DocumentPageInput): Artifact {
  const tree = documentPage(ctx, doc, {
    ...input,
    resolveLink: input.resolveLink ?? besidePage(doc.urlPath),
    renderBody: input.renderBody ?? defaultRenderBody(doc),
  });
  return pageArtifact(input.versionOf === undefined ? doc.urlPath : versionPath(doc.urlPath, input.version ?? 1), tree, { embeds: true });
}

/**
 * The immutable copy of one version at `<urlPath>v<n>/index.html`, with a notice linking the
 * current page. Written once when the version is published, never rewritten.
 */
export function renderVersionPage(ctx: RenderContext, doc: GazetteDocument, input: DocumentPageInput & { version: number }): Artifact {
  const tree = documentPage(ctx, doc, {
    ...input,
    versionOf: input.versionOf ?? { currentUrl: doc.urlPath },
    resolveLink: input.resolveLink ?? besidePage(doc.urlPath),
    renderBody: input.renderBody ?? defaultRenderBody(doc),
  });
  return pageArtifact(versionPath(doc.urlPath, input.version), tree, { embeds: true });
}

/** An erratum (勘误) at its own `urlPath`, linking the corrected article and its new version. */
export function renderErratumPage(ctx: RenderContext, erratum: ErratumPageData): Artifact {
  return pageArtifact(erratum.urlPath, erratumPage(ctx, erratum));
}

export { versionPath };
