// Sitemaps and robots.txt as a crawler reads them: robots.txt names the sitemap index, the index
// names the part sitemaps, and every URL in them is a page the site serves (preview server over
// the bucket). Nothing embargoed, draft or withdrawn is listed; translations name each other.

import { parse, validate } from 'fast-xml-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DerivedInput } from '../../src/discovery/outputs.ts';
import { SITEMAP_LIMITS, type SitemapEntry, sitemapFileHeads, sitemapFiles, sitemapIndex, sitemapOutputs } from '../../src/discovery/sitemaps.ts';
import type { DocumentRecord } from '../../src/store/ports.ts';
import { SITE_PREFIX } from '../../src/store/ports.ts';
import { after, before, get, permalinkSite, type PermalinkSite } from './permalinkSite.ts';

const baseUrl = 'https://www.huainan.gov.cn/';

interface UrlItem {
  loc: string;
  lastmod?: string;
  'xhtml:link'?: { '@_rel': string; '@_hreflang': string; '@_href': string }[];
}

const entities: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };
const unescape = (text: string) => text.replace(/&(amp|lt|gt|quot|apos);/g, (_, name: string) => entities[name] as string);

/** Parse as XML, strictly: a malformed file fails here. */
function readXml(xml: string): Record<string, unknown> {
  expect(validate(xml)).toBe(true);
  return parse(xml, {
    ignoreAttributes: false,
    attributeNamePrefix: '@_',
    parseNodeValue: false,
    parseAttributeValue: false,
    tagValueProcessor: unescape,
    attrValueProcessor: unescape,
    arrayMode: (name: string) => ['url', 'sitemap', 'xhtml:link'].includes(name),
  }) as Record<string, unknown>;
}

function urlsOf(xml: string): UrlItem[] {
  const set = readXml(xml)['urlset'] as { '@_xmlns': string; url?: UrlItem[] };
  expect(set['@_xmlns']).toBe('http://www.sitemaps.org/schemas/sitemap/0.9');
  return set.url ?? [];
}

/** Everything a crawler finds from robots.txt, fetched through the preview server. */
async function crawl(origin: string): Promise<{ robots: string; sitemaps: string[]; urls: UrlItem[] }> {
  const robots = await get(origin, '/robots.txt');
  expect(robots.status).toBe(200);
  expect(robots.type).toBe('text/plain; charset=utf-8');
  const indexUrl = /^Sitemap: (\S+)$/m.exec(robots.body)?.[1];
  expect(indexUrl).toBe(`${baseUrl}sitemap.xml`);
  const index = await get(origin, `/${(indexUrl as string).slice(baseUrl.length)}`);
  expect(index.type).toBe('application/xml; charset=utf-8');
  const entries = (readXml(index.body)['sitemapindex'] as { sitemap: { loc: string; lastmod?: string }[] }).sitemap;
  const urls: UrlItem[] = [];
  for (const entry of entries) {
    expect(entry.loc.startsWith(baseUrl)).toBe(true);
    const part = await get(origin, `/${entry.loc.slice(baseUrl.length)}`);
    expect(part.status, entry.loc).toBe(200);
    urls.push(...urlsOf(part.body));
  }
  return { robots: robots.body, sitemaps: entries.map((entry) => entry.loc), urls };
}

describe('sitemaps of a built site, through the preview server', () => {
  let site: PermalinkSite;
  beforeAll(async () => {
    site = await permalinkSite();
    await site.build(before);
  }, 120_000);
  afterAll(async () => site?.close());

  it('robots.txt allows everything and names the index; the index names one sitemap per part and year', async () => {
    const { robots, sitemaps } = await crawl(site.origin);
    expect(robots).toMatch(/^User-agent: \*$/m);
    expect(robots).not.toMatch(/^Disallow: \S/m);
    expect(sitemaps).toEqual([`${baseUrl}sitemaps/gazette-2010.xml`, `${baseUrl}sitemaps/press-2010.xml`, `${baseUrl}sitemaps/pages.xml`]);
  });

  it('lists only pages the site serves, with absolute URLs, each once', async () => {
    const { urls } = await crawl(site.origin);
    const locs = urls.map((url) => url.loc);
    expect(new Set(locs).size).toBe(locs.length);
    for (const loc of locs) {
      expect(loc.startsWith(baseUrl), loc).toBe(true);
      const page = await get(site.origin, `/${loc.slice(baseUrl.length)}`);
      expect(page.status, loc).toBe(200);
      expect(page.type, loc).toBe('text/html; charset=utf-8');
    }
    // What must be there: issue, articles, press, listings, the 文号 index.
    for (const path of [
      'gazette/2010/05/',
      'gazette/2010/05/huaifu-2010-69/',
      'press/2010/hotline/',
      'press/2010/briefing/',
      '',
      'gazette/',
      'gazette/2010/',
      'press/',
      'press/archive/2010-06/',
      'wh/',
    ]) {
      expect(locs, path).toContain(`${baseUrl}${path}`);
    }
  });

  it('dates each document and issue from its content, not from the build clock', async () => {
    const { urls } = await crawl(site.origin);
    const record = await site.stores.records.getDocument('huaifu-2010-69');
    const entry = urls.find((url) => url.loc === `${baseUrl}gazette/2010/05/huaifu-2010-69/`);
    expect(entry?.lastmod).toBe(record?.changeDate ?? record?.date);
    expect(entry?.lastmod).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    const issue = await site.stores.records.getIssue(2010, 5);
    expect(urls.find((url) => url.loc === `${baseUrl}gazette/2010/05/`)?.lastmod).toBe(issue?.date);
  });

  it('names the translations of a page with hreflang, both ways', async () => {
    const { urls } = await crawl(site.origin);
    const expected = [
      { '@_rel': 'alternate', '@_hreflang': 'en', '@_href': `${baseUrl}press/2010/hotline-en/` },
      { '@_rel': 'alternate', '@_hreflang': 'zh-CN', '@_href': `${baseUrl}press/2010/hotline/` },
    ];
    for (const path of ['press/2010/hotline/', 'press/2010/hotline-en/']) {
      expect(urls.find((url) => url.loc === `${baseUrl}${path}`)?.['xhtml:link'], path).toEqual(expected);
    }
    expect(urls.find((url) => url.loc === `${baseUrl}press/2010/briefing/`)?.['xhtml:link']).toBeUndefined();
  });

  it('lists no embargoed or draft document until released, and drops a withdrawn one', async () => {
    const listed = async () => (await crawl(site.origin)).urls.map((url) => url.loc);
    const embargoed = [`${baseUrl}press/2010/embargoed/`, `${baseUrl}gazette/2010/05/huaifu-2010-77/`];
    const draft = [`${baseUrl}press/2010/draft/`, `${baseUrl}gazette/2010/05/huaifu-2010-78/`];
    const withdrawn = `${baseUrl}gazette/2010/05/huaifu-2010-50/`;
    let locs = await listed();
    for (const loc of [...embargoed, ...draft]) expect(locs).not.toContain(loc);
    expect(locs).toContain(withdrawn);

    await site.withdraw();
    await site.build(after);
    locs = await listed();
    for (const loc of embargoed) expect(locs).toContain(loc);
    for (const loc of draft) expect(locs).not.toContain(loc);
    expect(locs).not.toContain(withdrawn);
    for (const loc of locs) expect((await get(site.origin, `/${loc.slice(baseUrl.length)}`)).status, loc).toBe(200);
  }, 120_000);

  it('writes the same bytes for the same records', async () => {
    const again = await permalinkSite();
    try {
      const stores = [site.stores, again.stores];
      // The same content and clock as `site` went through: the same records.
      await again.build(before);
      await again.withdraw();
      await again.build(after);
      const keys = ['robots.txt', 'sitemap.xml', 'sitemaps/gazette-2010.xml', 'sitemaps/press-2010.xml', 'sitemaps/pages.xml'];
      for (const key of keys) {
        const [first, second] = await Promise.all(
          stores.map(async (store) => Buffer.from((await store.objects.get(SITE_PREFIX + key))?.body ?? []).toString('utf8')),
        );
        expect(first, key).not.toBe('');
        expect(second, key).toBe(first);
      }
    } finally {
      await again.close();
    }
  }, 120_000);
});

describe('sitemap files', () => {
  const entries: SitemapEntry[] = Array.from({ length: 5 }, (_, n) => ({ urlPath: `/press/2010/item-${n}/`, lastmod: `2010-06-0${n + 1}` }));

  it('splits a part over the URL limit and names every file in the index', () => {
    const files = sitemapFiles(baseUrl, 'press', entries, { ...SITEMAP_LIMITS, urls: 2 });
    expect(files.map((file) => file.key)).toEqual(['sitemaps/press.xml', 'sitemaps/press-2.xml', 'sitemaps/press-3.xml']);
    expect(files.flatMap((file) => urlsOf(file.body).map((url) => url.loc))).toEqual(entries.map((entry) => `${baseUrl}${entry.urlPath.slice(1)}`));
    const index = (readXml(sitemapIndex(baseUrl, files))['sitemapindex'] as { sitemap: { loc: string; lastmod: string }[] }).sitemap;
    expect(index.map((entry) => entry.loc)).toEqual(files.map((file) => `${baseUrl}${file.key}`));
    expect(index.map((entry) => entry.lastmod)).toEqual(['2010-06-02', '2010-06-04', '2010-06-05']);
  });

  it('splits a part over the byte limit, every file within it', () => {
    const limit = 700;
    const files = sitemapFiles(baseUrl, 'press', entries, { ...SITEMAP_LIMITS, bytes: limit });
    expect(files.length).toBeGreaterThan(1);
    for (const file of files) expect(Buffer.byteLength(file.body)).toBeLessThanOrEqual(limit);
    expect(files.flatMap((file) => urlsOf(file.body).map((url) => url.loc))).toHaveLength(entries.length);
  });

  it('resolves every path as a URL would, under a base URL with a path or without a closing slash', () => {
    const paths = ['/press/2010/item-1/', '/zhuanlan/市民心声/', '/a b/', '/x/../y/', '/gazette/2010/05/huaifu-2010-69/huaifu-2010-69.pdf', '/'];
    for (const base of ['https://www.huainan.gov.cn/', 'https://www.huainan.gov.cn/gb/', 'https://www.huainan.gov.cn/gb']) {
      const [file] = sitemapFiles(
        base,
        'pages',
        paths.map((urlPath) => ({ urlPath })),
      );
      expect(urlsOf(file?.body ?? '').map((url) => url.loc)).toEqual(paths.map((path) => new URL(path.slice(1), base).href));
    }
  });

  it('escapes what XML needs escaped', () => {
    const [file] = sitemapFiles('https://example.org/a&b/', 'pages', [{ urlPath: '/x\'y"z/', alternates: [{ hreflang: 'en', urlPath: '/<en>/' }] }]);
    const [url] = urlsOf(file?.body ?? '');
    expect(url?.loc).toBe(new URL('x\'y"z/', 'https://example.org/a&b/').href);
    expect(url?.['xhtml:link']?.[0]?.['@_href']).toBe(new URL('<en>/', 'https://example.org/a&b/').href);
  });
});

describe('the index of a part by year', () => {
  // Records of two years, with paths that resolving and escaping make longer (Chinese, `&`, `'`).
  const release = (n: number, year: number, extra: Partial<DocumentRecord> = {}) =>
    ({
      id: `r-${year}-${n}`,
      kind: 'release',
      lang: 'zh-CN',
      status: 'published',
      urlPath: `/press/${year}/发布-${n}&'/`,
      date: `${year}-0${1 + (n % 9)}-1${n % 10}`,
      ...extra,
    }) as DocumentRecord;
  const documents = [...Array.from({ length: 7 }, (_, n) => release(n, 2009)), ...Array.from({ length: 5 }, (_, n) => release(n, 2010))];
  const input = { content: { site: { baseUrl }, columns: [] }, documents, issues: [] } as unknown as DerivedInput;
  const [parts] = sitemapOutputs(() => []);

  /** What rendering the year's group gives, with the limits given. */
  const rendered = (year: number, limits = SITEMAP_LIMITS) => {
    const entries = documents
      .filter((record) => record.date.startsWith(`${year}`))
      .map((record) => ({ urlPath: record.urlPath, lastmod: record.date }))
      .sort((a, b) => (a.urlPath < b.urlPath ? -1 : 1));
    return sitemapFiles(baseUrl, `press-${year}`, entries, limits);
  };

  it('names each year once with its newest date, as the files rendered for that year', async () => {
    const heads = sitemapFileHeads(input, []);
    expect(heads.map((head) => head.key)).toEqual(['sitemaps/press-2009.xml', 'sitemaps/press-2010.xml', 'sitemaps/pages.xml']);
    for (const year of [2009, 2010]) {
      const files = (await parts?.render(input, { kind: 'group', part: 'press', year })) ?? [];
      expect(files.map((file) => file.key)).toEqual([`sitemaps/press-${year}.xml`]);
      expect(Buffer.from(files[0]?.body ?? []).toString('utf8')).toBe(rendered(year)[0]?.body);
      expect(heads.find((head) => head.key === `sitemaps/press-${year}.xml`)?.lastmod).toBe(rendered(year)[0]?.lastmod);
    }
  });

  it('names the continuation files of a year over a limit, exactly as rendered, at the byte limit and one byte under it', () => {
    const exact = Buffer.byteLength(rendered(2009)[0]?.body ?? '');
    for (const limits of [
      { ...SITEMAP_LIMITS, urls: 3 },
      { ...SITEMAP_LIMITS, bytes: exact },
      { ...SITEMAP_LIMITS, bytes: exact - 1 },
      { ...SITEMAP_LIMITS, bytes: 900 },
    ]) {
      const expected = rendered(2009, limits).map(({ key, lastmod }) => ({ key, lastmod }));
      expect(
        sitemapFileHeads(input, [], limits).filter((head) => head.key.startsWith('sitemaps/press-2009')),
        JSON.stringify(limits),
      ).toEqual(expected);
    }
    expect(rendered(2009, { ...SITEMAP_LIMITS, bytes: exact - 1 }).length).toBe(2);
  });

  it('renders again, for a change, the years of the record before and after and of its language versions', async () => {
    const moved = { before: release(1, 2009), after: release(1, 2010) };
    const original = release(9, 2008);
    const translation = release(9, 2011, { lang: 'en', translationOf: original.id });
    const withVersions = { ...input, documents: [...documents, original, translation] };
    // The original changed: its translation, in another year, names it among its alternates.
    const touched = await parts?.affected(withVersions, [moved, { before: original, after: { ...original, title: '改' } }], []);
    expect(touched?.map((page) => (page.kind === 'group' ? `${page.part}-${page.year}` : page.kind)).sort()).toEqual([
      'pages',
      'press-2008',
      'press-2009',
      'press-2010',
      'press-2011',
    ]);
    // A translation whose status changes heads the group of those translating it, in another year.
    const second = release(8, 2012, { lang: 'en', translationOf: translation.id });
    const chained = { ...input, documents: [...documents, original, translation, second] };
    const released = await parts?.affected(chained, [{ after: translation }], []);
    expect(released?.map((page) => (page.kind === 'group' ? `${page.part}-${page.year}` : page.kind)).sort()).toEqual([
      'pages',
      'press-2008',
      'press-2011',
      'press-2012',
    ]);
    // A year left empty is rendered as an empty file, not left listing what went.
    const empty = (await parts?.render(input, { kind: 'group', part: 'press', year: 1999 })) ?? [];
    expect(urlsOf(Buffer.from(empty[0]?.body ?? []).toString('utf8'))).toEqual([]);
  });
});
