// Worker thread for large builds: renders document pages for the pool in workerPool.ts.

import { parentPort, workerData } from 'node:worker_threads';
import { resolveContentLink } from '../content/links.ts';
import type { SiteConfig } from '../content/model.ts';
import { createRenderContext } from '../render/html/index.ts';
import type { DocumentPageJob } from './build.ts';
import { renderDocumentJob } from './renderJob.ts';

const { site, routes } = workerData as { site: SiteConfig; routes: [string, string][] };
const ctx = createRenderContext(site);
const content = { routes: new Map(routes) };
const port = parentPort;
if (port === null) throw new Error('renderWorker.ts must run as a worker thread.');

port.on('message', (message: { id: number; job: DocumentPageJob }) => {
  try {
    const artifact = renderDocumentJob(ctx, (from, href) => resolveContentLink(content, from, href), message.job);
    port.postMessage({ id: message.id, result: artifact });
  } catch (error) {
    port.postMessage({ id: message.id, error: error instanceof Error ? (error.stack ?? error.message) : String(error) });
  }
});
