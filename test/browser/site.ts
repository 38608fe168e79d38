// The site the browser tests look at: the example content built at a fixed time, then changed
// the way editors change a live site (an article corrected after its issue is out, a release
// withdrawn) and built again, so the version copy, the erratum and the withdrawn page exist too.
// Pages are found by crawling from the home page; one page per template is tested.

import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type CrawledPage, crawlSite, onePerTemplate, type ServedSite, serveBuiltSite } from '../helpers/browser.ts';

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
export async function exampleSite(): Promise<ServedSite> {
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
  if (summary.updated !== 1 || summary.withdrawn !== 1) throw new Error(`the fixture's second build: ${JSON.stringify({ updated: summary.updated, withdrawn: summary.withdrawn })}`);
  return site;
}

/** A path nothing links to, for the not-found page. */
export const missingPath = '/no-such-page/';

/**
 * The pages to test: one per template found by crawling (templates of pages added later — the
 * catalogue, columns, search — are covered as soon as a link leads to them), plus the 404 page.
 * Fails when the pages the fixture made are not among them.
 */
export async function pagesToTest(site: ServedSite): Promise<{ crawled: CrawledPage[]; chosen: CrawledPage[] }> {
  const crawled = await crawlSite(site.url);
  const broken = crawled.filter((page) => page.status !== 200);
  if (broken.length > 0) throw new Error(`links lead to pages that are not there: ${broken.map((page) => `${page.path} (${page.status})`).join(', ')}`);
  const chosen = onePerTemplate(crawled);
  for (const expected of ['v{n}', 'kanwu-v{n}', '[withdrawn]', '[en]', '[conference]']) {
    if (!chosen.some((page) => page.template.includes(expected))) throw new Error(`no page of kind ${expected} reached by crawling ${site.url}`);
  }
  chosen.push({ path: missingPath, status: 404, template: '404' });
  return { crawled, chosen };
}
