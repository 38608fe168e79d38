// Real-browser tests: headless Chromium (Debian's `chromium`, driven by playwright-core) against a
// site built into fresh embedded stores (files and SQLite, test/helpers/stores.ts) and served by the
// preview server (`createSiteServer`), exactly the bytes and headers a reader would get.
//
//   const browser = await launchBrowser();
//   const site = await serveBuiltSite({ now: new Date('2011-01-10T09:00:00+08:00') });
//   const page = await browser.newPage();
//   await page.goto(site.url + 'gazette/');
//   …
//   await site.close();
//   await browser.close();

import { cp, mkdtemp, readFile, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { accessSync, constants } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join, resolve } from 'node:path';
import { type Browser, chromium, type Page } from 'playwright-core';
import { createSiteServer } from '../../src/cli/preview.ts';
import type { BuildSummary } from '../../src/publish/build.ts';
import type { ObjectStore } from '../../src/store/ports.ts';
import { createTestStores, type TestStores } from './stores.ts';
import { buildInto, writeSite } from '../publish/site.ts';

// The browser's globals, for the functions these helpers run in the page (tsconfig has no DOM lib).
declare const document: unknown;

/** The repository's example content. */
export const exampleContent = resolve(import.meta.dirname, '../../content');

/**
 * The Chromium executable: `GAZETTE_CHROMIUM` when set, else `chromium` (or `chromium-browser`)
 * on PATH. Throws a message saying how to install it otherwise.
 */
export function chromiumPath(): string {
  const fromEnv = process.env['GAZETTE_CHROMIUM'];
  if (fromEnv !== undefined && fromEnv !== '') {
    if (!isExecutable(fromEnv)) throw new Error(`GAZETTE_CHROMIUM is set to "${fromEnv}", which is not an executable file.`);
    return fromEnv;
  }
  for (const dir of (process.env['PATH'] ?? '').split(delimiter)) {
    for (const name of ['chromium', 'chromium-browser']) {
      const candidate = join(dir, name);
      if (dir !== '' && isExecutable(candidate)) return candidate;
    }
  }
  throw new Error(
    'The browser tests need Chromium, and none was found (no `chromium` on PATH, GAZETTE_CHROMIUM not set). ' +
      '`npm test` installs it through scripts/ensure-system.sh when run as root with apt-get; otherwise run ' +
      '`apt-get install chromium` (Debian/Ubuntu) or point GAZETTE_CHROMIUM at a Chromium or Chrome executable.',
  );
}

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** Headless Chromium. Close it when done (`browser.close()`), e.g. in `afterAll`. */
export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: chromiumPath(),
    headless: true,
    // Root in a container has no user namespaces for the sandbox; these are local test pages.
    chromiumSandbox: false,
    args: ['--disable-gpu', '--disable-dev-shm-usage', '--font-render-hinting=none'],
  });
}

export interface ServeSiteOptions {
  /** A content folder to copy (default: the example content); the copy is what gets built and edited. */
  content?: string;
  /** Files to write instead (path → text or bytes), like test/publish/site.ts `sampleFiles()`. */
  files?: Record<string, string | Buffer>;
  /** The build clock. */
  now: Date;
  /** Render PDFs (default true: pages link to them). */
  pdf?: boolean;
}

export interface ServedSite {
  /** The site's root URL, ending in `/` (http://127.0.0.1:<port>/). */
  url: string;
  /** The content folder that was built: a temporary copy, free to edit before `rebuild`. */
  root: string;
  stores: TestStores;
  /** The summary of the last build. */
  summary: BuildSummary;
  /** Build `root` again at another time (after editing files in it), into the same stores. */
  rebuild(now: Date): Promise<BuildSummary>;
  /** Stop the server (the stores belong to the test run and go with it). */
  close(): Promise<void>;
}

/** Build content into fresh stores and serve it on a free port of 127.0.0.1. */
export async function serveBuiltSite(options: ServeSiteOptions): Promise<ServedSite> {
  let root: string;
  if (options.files !== undefined) {
    root = await writeSite(options.files);
  } else {
    root = join(await mkdtemp(join(tmpdir(), 'gazette-browser-')), 'content');
    await cp(options.content ?? exampleContent, root, { recursive: true });
  }
  const stores = await createTestStores();
  const build = (now: Date): Promise<BuildSummary> => buildInto(root, stores, now, { pdf: options.pdf ?? true });
  let summary = await build(options.now);
  const served = await serveObjects(stores.objects);
  return {
    url: served.url,
    root,
    stores,
    get summary() {
      return summary;
    },
    async rebuild(now: Date) {
      summary = await build(now);
      return summary;
    },
    async close() {
      await served.close();
      await rm(dirname(root), { recursive: true, force: true });
    },
  };
}

/** Serve what a bucket holds, as the preview server does, on a free port of 127.0.0.1. */
export async function serveObjects(objects: ObjectStore): Promise<{ url: string; close(): Promise<void> }> {
  const server = createSiteServer(objects);
  await new Promise<void>((listening, failed) => {
    server.once('error', failed);
    server.listen(0, '127.0.0.1', () => listening());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    close: () =>
      new Promise<void>((closed) => {
        server.closeAllConnections();
        server.close(() => closed());
      }),
  };
}

export interface CrawledPage {
  /** Path and query, e.g. `/gazette/2010/05/`. */
  path: string;
  status: number;
  /** The path with its variable segments replaced: pages of one template share it. */
  template: string;
  /** Where the page sends the browser on at once (`<meta http-equiv="refresh">`), if it does. */
  refresh?: string;
}

/**
 * Every HTML page reachable from `start` by same-origin `<a href>` links, breadth first (over
 * HTTP, without a browser: fast). Files (PDF, feeds, JSON, images) are not followed.
 */
export async function crawlSite(siteUrl: string, start = '/', limit = 2000): Promise<CrawledPage[]> {
  const origin = new URL(siteUrl).origin;
  const seen = new Set([start]);
  const queue = [start];
  const pages: CrawledPage[] = [];
  while (queue.length > 0 && pages.length < limit) {
    const batch = queue.splice(0, 8);
    await Promise.all(
      batch.map(async (path) => {
        const response = await fetch(origin + path, { redirect: 'manual' });
        const type = response.headers.get('content-type') ?? '';
        const location = response.headers.get('location');
        if (location !== null) {
          enqueue(new URL(location, origin + path));
          return;
        }
        if (!type.startsWith('text/html')) return;
        const html = await response.text();
        pages.push({ path, status: response.status, template: templateOf(path, html) });
        for (const match of html.matchAll(/<a\b[^>]*?\shref="([^"]*)"/g)) {
          enqueue(new URL(decodeEntities(match[1] ?? ''), origin + path));
        }
      }),
    );
  }
  return pages.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));

  function enqueue(url: URL): void {
    if (url.origin !== origin) return;
    const path = url.pathname + url.search;
    const last = url.pathname.split('/').at(-1) ?? '';
    if (last.includes('.') && !last.endsWith('.html')) return;
    if (seen.has(path)) return;
    seen.add(path);
    queue.push(path);
  }
}

function decodeEntities(text: string): string {
  return text.replace(/&amp;/g, '&').replace(/&#x([0-9a-f]+);/gi, (_, hex: string) => String.fromCodePoint(parseInt(hex, 16)));
}

/** Variants of one URL pattern that render differently, told by a mark in the HTML. */
const variants: [name: string, mark: RegExp][] = [
  ['en', /<h1[^>]*\slang="en"/],
  ['conference', /class="qa"/],
  ['withdrawn', /class="withdrawal-notice"/],
  ['version', /class="version-notice"/],
  ['superseded', /class="superseded-notice"/],
  ['corrected', /class="change-note"/],
];

/**
 * The template a path is rendered with, as a pattern: years, months, numbers and slugs become
 * placeholders, so `/gazette/2010/05/huaifu-2010-69/` and `/gazette/2010/04/huaimin-2010-31/`
 * are both `/gazette/{year}/{nn}/{slug}/`. Section names (the first segment) stay. With the
 * page's HTML, variants that look different are told apart: `/press/{year}/{slug}/ [conference]`.
 */
export function templateOf(path: string, html?: string): string {
  const marks = html === undefined ? [] : variants.filter(([, mark]) => mark.test(html)).map(([name]) => `[${name}]`);
  return [templateOfPath(path), ...marks].join(' ');
}

function templateOfPath(path: string): string {
  const [pathname = '', query] = path.split('?');
  const segments = pathname.split('/').map((segment, index) => {
    if (index <= 1 || segment === '') return segment;
    const decoded = safeDecode(segment);
    if (/^(19|20)\d\d$/.test(decoded)) return '{year}';
    if (/^(19|20)\d\d-\d\d$/.test(decoded)) return '{year-month}';
    if (/^\d{1,2}$/.test(decoded)) return '{nn}';
    if (/^\d+$/.test(decoded)) return '{n}';
    if (/^v\d+$/.test(decoded)) return 'v{n}';
    if (/^kanwu-v\d+$/.test(decoded)) return 'kanwu-v{n}';
    if (/^page-?\d+$|^p\d+$/.test(decoded)) return '{page}';
    return '{slug}';
  });
  return segments.join('/') + (query === undefined ? '' : '?…');
}

function safeDecode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

/** One page per template, the first in path order (paths of a group sort alike). */
export function onePerTemplate(pages: CrawledPage[]): CrawledPage[] {
  const chosen = new Map<string, CrawledPage>();
  for (const page of pages) if (!chosen.has(page.template)) chosen.set(page.template, page);
  return [...chosen.values()];
}

export interface AxeViolation {
  id: string;
  impact?: string | null;
  help: string;
  helpUrl: string;
  nodes: { target: unknown[]; html: string; failureSummary?: string }[];
}

let axeSource: string | undefined;

/**
 * Run axe-core on the page, by default for WCAG 2.1 A and AA (or only the given tags or rules);
 * the violations found. The page's context needs `bypassCSP: true`: the site's
 * Content-Security-Policy rightly refuses the injected script.
 */
export async function axeViolations(
  page: Page,
  only: { tags: string[] } | { rules: string[] } = { tags: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] },
): Promise<AxeViolation[]> {
  axeSource ??= await readFile(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
  const injected = await page.evaluate(() => 'axe' in globalThis);
  if (!injected) await page.addScriptTag({ content: axeSource });
  const runOnly = 'tags' in only ? { type: 'tag', values: only.tags } : { type: 'rule', values: only.rules };
  return page.evaluate(async (runOnly) => {
    const axe = (globalThis as unknown as { axe: { run(context: unknown, options: unknown): Promise<{ violations: AxeViolation[] }> } }).axe;
    const result = await axe.run(document, { runOnly, resultTypes: ['violations'] });
    return result.violations.map(({ id, impact, help, helpUrl, nodes }) => ({
      id,
      impact,
      help,
      helpUrl,
      nodes: nodes.map(({ target, html, failureSummary }) => ({ target, html, failureSummary })),
    }));
  }, runOnly);
}

/** Violations as text a person can act on: rule, help, and each offending node. */
export function formatViolations(where: string, violations: AxeViolation[]): string {
  return violations
    .map(
      (violation) =>
        `${where}: ${violation.id} (${violation.impact ?? 'n/a'}) ${violation.help}\n  ${violation.helpUrl}\n` +
        violation.nodes
          .map((node) => `  - ${JSON.stringify(node.target)} ${node.html.slice(0, 160)}\n    ${(node.failureSummary ?? '').replace(/\n/g, '\n    ')}`)
          .join('\n'),
    )
    .join('\n');
}
