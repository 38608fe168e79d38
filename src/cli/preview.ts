// `gazette preview`: serve the public part of the object store over HTTP, as CloudFront would.
// It reads through the ObjectStore port, also from the embedded store whose site/ is a plain
// folder: each request is one open, fstat and read plus one indexed SQLite lookup for the content
// type, cache policy and sha256 the build stored, which a static file server would have to guess
// from the file name.

import { type IncomingMessage, type Server, type ServerResponse, createServer } from 'node:http';
import { posix } from 'node:path';
import { permalinkUri } from '../discovery/permalinkRules.js';
import { contentSecurityPolicy } from '../outputs.ts';
import { pageKey, siteKey } from '../content/keys.ts';
import { type ObjectStore, SITE_PREFIX } from '../store/ports.ts';
import { type ContentWatch, watchAndPublish } from './watch.ts';
import { type BuildArgs, type LoadedSite, loadAndReport, parseBuildArgs, publishLocally } from './localBuild.ts';
import type { CliIo } from './io.ts';
import { type LocalStores, startLocalStores, STORES_USAGE } from './localStores.ts';

const help = `Usage: gazette preview [options]

Serve the published site from the local object store at http://localhost:4000/.

Options:
  --port N        port to listen on (default: 4000; 0 picks a free one)
  --build         build content/ first (what \`npm start\` does)
  --watch         with --build: publish again whenever content/ changes
  --content DIR   content folder for --build (default: content)
  --data DIR      local data folder (default: .gazette)
${STORES_USAGE}
  --now ISO       the clock for --build
  -h, --help      show this help
`;

export async function runPreview(argv: string[], io: CliIo): Promise<number> {
  const parsed = parseBuildArgs(argv, io, {
    name: 'gazette preview',
    help,
    extra: { port: { type: 'string' }, build: { type: 'boolean' }, watch: { type: 'boolean' } },
  });
  if (typeof parsed === 'number') return parsed;
  const port = Number(parsed.values['port'] ?? 4000);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    io.stderr.write(`gazette preview: --port "${String(parsed.values['port'])}" is not a port number (0–65535).\n`);
    return 1;
  }
  const watching = parsed.values['watch'] === true;
  if (watching && parsed.values['build'] !== true) {
    io.stderr.write('gazette preview: --watch publishes content/ again on each change, so it needs --build too: gazette preview --build --watch\n');
    return 1;
  }
  const content = parsed.values['build'] === true && !watching ? await loadAndReport(parsed.args, io) : undefined;
  if (parsed.values['build'] === true && !watching && content === undefined) return 1;

  const stores = await startLocalStores(parsed.args.data, { stores: parsed.args.stores });
  let watch: ContentWatch | undefined;
  const stop = async () => {
    await watch?.close();
    await stores.stop();
  };
  try {
    if (watching) {
      const fixed = typeof parsed.values['now'] === 'string' ? parsed.args.now : undefined;
      // Content errors do not stop watch mode: the editor fixes the file and the next save builds.
      watch = await watchAndPublish({ args: parsed.args, stores, io, now: () => fixed ?? io.now(), releases: fixed === undefined });
    }
    // The partners are told once the site is served: their deliveries are in the outbox already.
    let notify: (() => Promise<void>) | undefined;
    if (content !== undefined && (await publishLocally(content, stores, parsed.args, io, undefined, { notifyLater: (send) => (notify = send) })) !== 0) {
      await stop();
      return 1;
    }
    const server = await listen(createSiteServer(stores.objects), port);
    const releases = content === undefined ? undefined : scheduleReleases(content, stores, parsed.args, io);
    const address = server.address();
    const actualPort = typeof address === 'object' && address !== null ? address.port : port;
    io.stdout.write(`Serving the site at http://localhost:${actualPort}/  (Ctrl+C to stop)\n`);
    const notified = notify?.().catch((error: unknown) => {
      io.stderr.write(
        `gazette preview: the partners could not be notified: ${(error as Error).message}. Their deliveries stay in the outbox: run \`gazette deliveries send\`.\n`,
      );
    });
    await new Promise<void>((resolveStop) => {
      const shutdown = () => {
        releases?.cancel();
        server.close(() => void Promise.resolve(notified).then(() => resolveStop()));
      };
      process.once('SIGINT', shutdown);
      process.once('SIGTERM', shutdown);
    });
  } catch (error) {
    io.stderr.write(`gazette preview: ${(error as Error).message}\n`);
    await stop();
    return 1;
  }
  await stop();
  return 0;
}

function listen(server: Server, port: number): Promise<Server> {
  return new Promise((resolveListen, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) => {
      reject(error.code === 'EADDRINUSE' ? new Error(`Port ${port} is already in use. Stop the other server or choose another port with --port.`) : error);
    });
    server.listen(port, '127.0.0.1', () => resolveListen(server));
  });
}

/** Map a request path to the object key it names; undefined for paths that try to leave the site. */
export function objectKeyForPath(pathname: string): string | undefined {
  let decoded: string;
  try {
    decoded = decodeURIComponent(pathname);
  } catch {
    return undefined;
  }
  if (decoded.includes('\0') || decoded.includes('\\')) return undefined;
  const normal = posix.normalize(decoded);
  if (!normal.startsWith('/') || normal.split('/').includes('..')) return undefined;
  return siteKey(pageKey(normal));
}

/** A query parameter as sent (still percent-encoded), as CloudFront Functions see it. */
function rawQueryValue(search: string, name: string): string | undefined {
  const pair = search
    .replace(/^\?/, '')
    .split('&')
    .find((part) => part.split('=')[0] === name);
  return pair === undefined ? undefined : pair.slice(name.length + 1);
}

/** The request handler: objects as stored, with their type, cache policy and ETag. */
export function createSiteServer(objects: ObjectStore): Server {
  return createServer((request, response) => {
    serve(objects, request, response).catch((error: unknown) => {
      response.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' });
      response.end(`Internal error: ${(error as Error).message}\n`);
    });
  });
}

async function serve(objects: ObjectStore, request: IncomingMessage, response: ServerResponse): Promise<void> {
  if (request.method !== 'GET' && request.method !== 'HEAD') {
    response.writeHead(405, { allow: 'GET, HEAD' });
    response.end();
    return;
  }
  // Concatenate rather than resolve, so a path starting with // is not read as a host.
  const url = new URL(`http://localhost${request.url ?? '/'}`);
  // Permalinks (/wh/<文号>, /qk/<期号>) map onto their pages as the CloudFront Function maps them.
  const key = objectKeyForPath(permalinkUri(url.pathname, rawQueryValue(url.search, 'q')));
  const stored = key === undefined ? undefined : await objects.get(key);
  if (stored === undefined) {
    // A folder asked for without its slash: send the reader to the canonical URL.
    if (key !== undefined && !key.endsWith('.html') && posix.extname(key) === '' && (await objects.head(`${key}/index.html`))) {
      response.writeHead(301, { location: `${url.pathname}/` });
      response.end();
      return;
    }
    const notFound = await objects.get(`${SITE_PREFIX}404.html`);
    response.writeHead(404, { 'content-type': notFound?.contentType ?? 'text/plain; charset=utf-8' });
    response.end(request.method === 'HEAD' ? undefined : (notFound?.body ?? 'Not found\n'));
    return;
  }
  const etag = `"${stored.sha256 ?? stored.etag ?? ''}"`;
  const headers: Record<string, string> = {
    'content-type': stored.contentType,
    'cache-control': stored.cacheControl ?? 'no-cache',
    etag,
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'strict-origin-when-cross-origin',
    'content-security-policy': contentSecurityPolicy,
  };
  if (request.headers['if-none-match'] === etag) {
    response.writeHead(304, headers);
    response.end();
    return;
  }
  response.writeHead(200, { ...headers, 'content-length': String(stored.body.byteLength) });
  response.end(request.method === 'HEAD' ? undefined : stored.body);
}

/** While previewing, publish each embargoed document when its publishAt comes (a rebuild at that time). */
function scheduleReleases(site: LoadedSite, stores: LocalStores, args: BuildArgs, io: CliIo): { cancel(): void } {
  const { content } = site;
  let timer: NodeJS.Timeout | undefined;
  const next = () => {
    const now = io.now().getTime();
    const due = content.documents
      .map((doc) => (doc.publishAt === undefined || doc.draft ? Number.NaN : Date.parse(doc.publishAt)))
      .filter((time) => time > now)
      .sort((a, b) => a - b)[0];
    if (due === undefined) return;
    // Timers cannot wait longer than ~24.8 days; wake up daily and look again.
    const release = async () => {
      if (io.now().getTime() < due) return;
      io.stdout.write(`Releasing what is due at ${new Date(due).toISOString()}…\n`);
      await publishLocally(site, stores, { ...args, now: io.now() }, io);
    };
    timer = setTimeout(
      () => {
        // A failed release must not end the preview (an unhandled rejection would): say so, keep serving.
        release().then(next, (error: unknown) => {
          const reason = error instanceof Error ? error.message : String(error);
          io.stderr.write(
            `Releasing what was due at ${new Date(due).toISOString()} failed: ${reason}\nThe preview keeps serving the last build; fix the cause and run \`gazette build\` to release it.\n`,
          );
          next();
        });
      },
      Math.min(due - now + 50, 86_400_000),
    );
  };
  next();
  return { cancel: () => clearTimeout(timer) };
}
