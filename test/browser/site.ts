// The site the browser tests look at: the example content built at a fixed time, then changed
// the way editors change a live site (an article corrected after its issue is out, a release
// withdrawn) and built again, so the version copy, the erratum and the withdrawn page exist too.
// Pages are found by crawling from the home page; one page per template is tested. Built once
// per test run, shared by the browser test files.

import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Page } from 'playwright-core';
import { type ObjectStore, SITE_PREFIX } from '../../src/store/ports.ts';
import { createFileObjectStore } from '../../src/store/fileObjects.ts';
import { type CrawledPage, crawlSite, onePerTemplate, type ServedSite, serveBuiltSite, serveObjects, templateOf } from '../helpers/browser.ts';

export const firstBuild = new Date('2011-01-10T09:00:00+08:00');
export const secondBuild = new Date('2011-01-15T09:00:00+08:00');

async function edit(root: string, file: string, change: (text: string) => string): Promise<void> {
  const path = join(root, file);
  const before = await readFile(path, 'utf8');
  const after = change(before);
  if (after === before) throw new Error(`the fixture edit of ${file} changed nothing: the example content moved, update test/browser/site.ts`);
  await writeFile(path, after);
}

/** The example site, with a correction (version copy `v1/`, erratum) and a withdrawal. */
async function buildExampleSite(): Promise<ServedSite> {
  const site = await serveBuiltSite({ now: firstBuild });
  await edit(site.root, 'gazette/2010/05/huaifu-2010-69.md', (text) =>
    text
      .replace('category: 政务公开\n', 'category: 政务公开\nchangeNote: 更正第一条中的工作机制表述。\nchangeDate: 2010-06-10\n')
      .replace('“四有”工作机制', '“四有”工作制度'),
  );
  await edit(site.root, 'press/2010/zaixian-fangtan-2010.md', (text) =>
    text.replace('category: 政务公开\n', 'category: 政务公开\nstatus: withdrawn\nwithdrawnReason: 访谈安排调整，另行发布。\nwithdrawnDate: 2011-01-12\n'),
  );
  const summary = await site.rebuild(secondBuild);
  if (summary.updated !== 1 || summary.withdrawn !== 1)
    throw new Error(`the fixture's second build: ${JSON.stringify({ updated: summary.updated, withdrawn: summary.withdrawn })}`);
  return site;
}

export interface SiteUnderTest {
  url: string;
  /** The stores the site is served from. */
  objects: ObjectStore;
  close(): Promise<void>;
}

/**
 * The example site, built once per test run and shared by the browser test files (each runs in
 * its own process): the first to come builds it into embedded stores and says where in a file of
 * the run's own temporary folder; the others wait for that file and serve the same folder.
 */
/** The run's folder of the shared site (test/globalSetup.ts gives each run its own temporary folder). */
const siteDir = () => join(tmpdir(), 'gazette-browser-site-1');

export async function exampleSite(): Promise<SiteUnderTest> {
  const dir = siteDir();
  const ready = join(dir, 'stores.json');
  const failed = join(dir, 'failed.txt');
  let builder = true;
  try {
    await mkdir(dir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    builder = false;
  }
  if (builder) {
    try {
      const site = await buildExampleSite();
      await writeFile(ready, JSON.stringify({ objectsRoot: site.stores.objectsRoot }));
      return { url: site.url, objects: site.stores.objects, close: () => site.close() };
    } catch (error) {
      await writeFile(failed, String((error as Error).stack ?? error));
      throw error;
    }
  }
  for (const started = performance.now(); performance.now() - started < 240_000; await sleep(250)) {
    const [written, failure] = await Promise.all([readFile(ready, 'utf8').catch(() => undefined), readFile(failed, 'utf8').catch(() => undefined)]);
    if (failure !== undefined) throw new Error(`building the example site failed in another test file:\n${failure}`);
    if (written !== undefined) {
      const { objectsRoot } = JSON.parse(written) as { objectsRoot: string };
      const objects = createFileObjectStore({ root: objectsRoot });
      return { ...(await serveObjects(objects)), objects };
    }
  }
  throw new Error(`the example site was not built within 4 minutes (${dir})`);
}

/** A path nothing links to, for the not-found page. */
export const missingPath = '/no-such-page/';

/**
 * The pages to test: one per template found by crawling (templates of pages added later — the
 * catalogue, columns, search — are covered as soon as a link leads to them), one per template of
 * the HTML pages in the bucket that no link leads to (the 文号 and 期号 resolver pages), and the
 * 404 page. Fails when the pages the fixture made are not among them, or a link is broken.
 */
export async function pagesToTest(site: SiteUnderTest): Promise<{ crawled: CrawledPage[]; chosen: CrawledPage[] }> {
  // The site is the same for every browser test file of the run: the first to crawl it saves what it found.
  const saved = join(siteDir(), 'pages.json');
  const found = await readFile(saved, 'utf8').catch(() => undefined);
  if (found !== undefined) return JSON.parse(found) as { crawled: CrawledPage[]; chosen: CrawledPage[] };
  const pages = await crawlPagesToTest(site);
  const partial = `${saved}.${process.pid}`;
  await writeFile(partial, JSON.stringify(pages));
  await rename(partial, saved);
  return pages;
}

async function crawlPagesToTest(site: SiteUnderTest): Promise<{ crawled: CrawledPage[]; chosen: CrawledPage[] }> {
  const crawled = await crawlSite(site.url);
  const broken = crawled.filter((page) => page.status !== 200);
  if (broken.length > 0) throw new Error(`links lead to pages that are not there: ${broken.map((page) => `${page.path} (${page.status})`).join(', ')}`);
  const reached = new Set(crawled.map((page) => decodeURI(page.path)));
  const unlinked: CrawledPage[] = [];
  for await (const head of site.objects.list(SITE_PREFIX)) {
    const key = head.key.slice(SITE_PREFIX.length);
    if (!key.endsWith('index.html')) continue;
    const path = `/${key.slice(0, -'index.html'.length)}`;
    if (reached.has(path)) continue;
    const html = Buffer.from((await site.objects.get(head.key))?.body ?? new Uint8Array()).toString('utf8');
    const refresh = /<meta http-equiv="refresh" content="\d+; url=([^"]*)"/.exec(html)?.[1];
    unlinked.push({ path: encodeURI(path), status: 200, template: `${templateOf(path, html)} (no link)`, ...(refresh === undefined ? {} : { refresh }) });
  }
  const chosen = [...onePerTemplate(crawled), ...onePerTemplate(unlinked.sort((a, b) => (a.path < b.path ? -1 : 1)))];
  for (const expected of ['v{n}', 'kanwu-v{n}', '[withdrawn]', '[en]', '[conference]']) {
    if (!chosen.some((page) => page.template.includes(expected))) throw new Error(`no page of kind ${expected} reached by crawling ${site.url}`);
  }
  chosen.push({ path: missingPath, status: 404, template: '404' });
  return { crawled, chosen };
}

/**
 * Open a chosen page. A resolver page sends the browser on at once (meta refresh): it is opened
 * with the refresh renamed on the way, so the checks see the page itself (where it leads is
 * checked apart: `refresh` is a page that exists).
 */
export async function openPage(page: Page, site: SiteUnderTest, chosen: CrawledPage): Promise<number | undefined> {
  const url = site.url + chosen.path.slice(1);
  if (chosen.refresh !== undefined) {
    await page.route(url, async (route) => {
      const response = await route.fetch();
      const body = (await response.text()).replace('http-equiv="refresh"', 'http-equiv="x-refresh-held-by-test"');
      await route.fulfill({ response, body });
    });
  }
  const response = await page.goto(url);
  return response?.status();
}
