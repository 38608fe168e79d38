// Worker thread for large builds: renders documents' pages and PDFs for workerPool.ts.

import { parentPort, workerData } from 'node:worker_threads';
import { resolveContentLink } from '../content/links.ts';
import type { SiteConfig } from '../content/model.ts';
import { createRenderContext } from '../render/html/index.ts';
import type { DocumentPageJob } from './build.ts';
import { publicLink, type RenderEnvironment, type RenderedDocument, renderDocumentJob } from './renderJob.ts';
import type { JobBatch, ReplyBatch } from './workerPool.ts';

const data = workerData as { site: SiteConfig; routes: [string, string][]; root: string; pdf: boolean; hidden: string[] };
const content = { routes: new Map(data.routes) };
const env: RenderEnvironment = {
  ctx: createRenderContext(data.site),
  root: data.root,
  pdf: data.pdf,
  resolve: (from, href) => publicLink(resolveContentLink(content, from, href), data.hidden, content.routes.get(from)),
};
const port = parentPort;
if (port === null) throw new Error('renderWorker.ts must run as a worker thread.');

// A batch's jobs run side by side (a PDF's render awaits), and their results go back in one message.
port.on('message', (batch: JobBatch<DocumentPageJob>) => {
  void Promise.all(
    batch.map(({ id, job }) =>
      renderDocumentJob(env, job).then(
        (result): ReplyBatch<RenderedDocument>[number] => ({ id, result }),
        (error: unknown): ReplyBatch<RenderedDocument>[number] => ({ id, error: serializeError(error) }),
      ),
    ),
  ).then((replies) => port.postMessage(replies));
});

function serializeError(error: unknown): { name: string; message: string; stack?: string } {
  return error instanceof Error
    ? { name: error.name, message: error.message, ...(error.stack ? { stack: error.stack } : {}) }
    : { name: 'Error', message: String(error) };
}
