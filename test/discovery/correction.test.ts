// A correction of a document's text alone (a new version with a change note, the same title,
// date and facts) rewrites the document's own pages, its API file and the search index; the
// listings, the catalogue, the sitemaps and (once the document counts as corrected) the
// statistics show nothing of it that changed, so they are not rendered again. After each build
// the bucket holds exactly what a full render of every derived output gives (catalogue-build.ts).

import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createTestStores } from '../helpers/stores.ts';
import { writeSite } from '../publish/site.ts';
import { build, digests, later } from './catalogue-build.ts';
import { catalogueFiles, loadCatalogueSite } from './catalogue-site.ts';

describe('a correction of the text alone', () => {
  it('renders no listing, catalogue, sitemap or statistics page again, and leaves the site as a full build makes it', async () => {
    const stores = await createTestStores();
    const root = await writeSite(catalogueFiles());
    await build(await loadCatalogueSite(root), stores);
    const march = 'press/2010/press-2010-03-05.md';
    const source = catalogueFiles()[march] as string;
    const correct = async (n: number) => {
      await writeFile(join(root, march), `${source.replace('---\n三', `changeNote: 第${n}次更正错字。\nchangeDate: 2010-07-11\n---\n三`)}更正${n}。\n`);
      const before = await digests(stores.objects, '');
      const summary = await build(await loadCatalogueSite(root), stores, later);
      const after = await digests(stores.objects, '');
      return {
        summary,
        calls: summary.rendered,
        changed: [...after.keys()].filter((key) => before.get(key) !== after.get(key) && !key.startsWith('feeds/')).sort(),
      };
    };

    const first = await correct(1);
    expect(first.summary).toMatchObject({ updated: 1 });
    // The first correction makes the document a corrected one: the year's report counts it.
    expect(first.changed).toContain('xxgk/tongji/2010/niandu-baogao.json');
    const second = await correct(2);
    expect(second.summary).toMatchObject({ updated: 1 });
    for (const name of [
      'listing-pages',
      'listing-archives',
      'listing-home',
      'catalogue-months',
      'catalogue-facets',
      'catalogue-index',
      'statistics-detail',
      'statistics-years',
      'statistics-index',
      'sitemap-parts',
      'sitemap-index',
    ]) {
      expect(second.calls[name], name).toBe(0);
    }
    // Its own pages (this version and the one before), its API file and the search index.
    expect(second.changed.filter((key) => !key.startsWith('search/'))).toEqual([
      'api/v1/documents/press-2010-03-05.json',
      'press/2010/press-2010-03-05/index.html',
      'press/2010/press-2010-03-05/v2/index.html',
    ]);
  }, 120_000);
});
