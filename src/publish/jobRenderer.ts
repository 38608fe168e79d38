// The renderer of a process that runs document jobs without the content set (a local worker
// process, the renderJob Lambda): the same page and PDF rendering as the build's own renderer,
// built from the plain JobContext the plan stage hands on.

import { resolveContentLink } from '../content/links.ts';
import { alternateFeedLinks } from '../feeds/discovery.ts';
import { createRenderContext, renderErratumPage } from '../render/html/index.ts';
import type { JobContext } from './build.ts';
import type { DocumentRenderer } from './documentJobs.ts';
import { publicLink, type RenderEnvironment, renderDocumentJob } from './renderJob.ts';

export function createJobRenderer(context: JobContext): DocumentRenderer {
  const content = { routes: new Map(context.routes) };
  const ctx = createRenderContext(context.site);
  const env: RenderEnvironment = {
    ctx,
    root: context.root,
    pdf: context.pdf,
    resolve: (from, href) => publicLink(resolveContentLink(content, from, href), context.hidden, content.routes.get(from)),
  };
  return {
    documentArtifacts: (job) => renderDocumentJob(env, job),
    erratumPage: (erratum) => renderErratumPage({ ...ctx, feeds: alternateFeedLinks(ctx.site, { section: 'gazette' }) }, erratum),
  };
}
