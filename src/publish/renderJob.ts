// One document's page from a build job: the same function on the main thread and in workers.

import type { Artifact } from '../outputs.ts';
import { renderDocumentPage, type RenderContext } from '../render/html/index.ts';
import type { DocumentPageJob } from './build.ts';

export type ContentLinkResolver = (fromFile: string, href: string) => string | undefined;

export function renderDocumentJob(ctx: RenderContext, resolve: ContentLinkResolver, job: DocumentPageJob): Artifact {
  return renderDocumentPage(ctx, job.doc, {
    indexNumber: job.indexNumber,
    translations: job.translations,
    resolveLink: (href) => resolve(job.doc.file, href),
    ...(job.issue === undefined ? {} : { issue: job.issue }),
  });
}
