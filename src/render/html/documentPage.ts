// The page of a gazette article, press release or press conference.

import type { GazetteDocument, GazetteIssue } from '../../content/model.ts';
import type { Artifact } from '../../outputs.ts';
import { documentPage } from '../../../templates/document.tsx';
import { markdownToHast } from '../markdown.ts';
import { isRelativeUrl } from '../prepareMdast.ts';
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
  /** Sizes in bytes of attachments, by their content-relative `file`. */
  attachmentSizes?: Record<string, number>;
}

/** Files referenced by name alone are published beside the document's page. */
export function besidePage(urlPath: string): LinkResolver {
  return (href) => (isRelativeUrl(href) && /^[^/?#]+$/.test(href) && !/\.md$/i.test(href) ? `${urlPath}${href}` : undefined);
}

/** Render a document's page to an artifact at `<urlPath>index.html`. */
export function renderDocumentPage(ctx: RenderContext, doc: GazetteDocument, input: DocumentPageInput): Artifact {
  const tree = documentPage(ctx, doc, {
    ...input,
    resolveLink: input.resolveLink ?? besidePage(doc.urlPath),
    renderBody: (markdown, resolveLink) => markdownToHast(markdown, { resolveLink }),
  });
  return pageArtifact(doc.urlPath, tree);
}
