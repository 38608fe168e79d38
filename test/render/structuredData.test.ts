// Page metadata as crawlers see it: schema.org JSON-LD, Open Graph, hreflang and the disclosure
// <meta> tags, on templates rendered alone and on the example site built into the embedded S3
// and served with the site's Content-Security-Policy to headless Chromium.

import type { Root } from 'hast';
import { fromHtml } from 'hast-util-from-html';
import { select, selectAll } from 'hast-util-select';
import { toHtml } from 'hast-util-to-html';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadContent } from '../../src/content/load.ts';
import type { ContentSet, GazetteDocument } from '../../src/content/model.ts';
import { documentPage } from '../../templates/document.tsx';
import { markdownToHast } from '../../src/render/markdown.ts';
import type { DocumentRecord } from '../../src/store/ports.ts';
import { launchBrowser, serveBuiltSite, type ServedSite } from '../helpers/browser.ts';
import { article, ctx, release, textOf } from './fixtures.ts';

// The browser's globals, for the function run in the page (tsconfig has no DOM lib).
declare const document: { querySelectorAll(selector: string): Iterable<{ textContent: string | null }> };

type Json = Record<string, unknown>;

function jsonLd(tree: Root): Json[] {
  return selectAll('script[type="application/ld+json"]', tree).map((script) => JSON.parse(textOf(script)) as Json);
}

function metaContent(tree: Root, selector: string): string | undefined {
  const content = select(selector, tree)?.properties.content;
  return typeof content === 'string' ? content : undefined;
}

function render(doc: GazetteDocument, options: Partial<Parameters<typeof documentPage>[2]> = {}): Root {
  const html = toHtml(
    documentPage(ctx, doc, {
      indexNumber: '003210001/2010-00069',
      renderBody: (markdown, resolveLink) => markdownToHast(markdown, { resolveLink }),
      resolveLink: () => undefined,
      ...options,
    }),
  );
  return fromHtml(html);
}

describe('JSON-LD of a document page', () => {
  it('cannot be broken out of by a title, and parses back to the same title', () => {
    const hostile = '关于</script><script>alert(1)</script><!--的通知 & "引号"';
    const html = toHtml(
      documentPage(ctx, article({ title: hostile, summary: '</SCRIPT >摘要' }), {
        indexNumber: '003210001/2010-00069',
        renderBody: (markdown, resolveLink) => markdownToHast(markdown, { resolveLink }),
        resolveLink: () => undefined,
      }),
    );
    const tree = fromHtml(html);
    // The HTML parser sees the two data blocks and nothing else that could run.
    const scripts = selectAll('script', tree);
    expect(scripts.map((script) => script.properties.type)).toEqual(['application/ld+json', 'application/ld+json']);
    const [data] = jsonLd(tree);
    expect(data).toMatchObject({ headline: hostile, name: hostile, description: '</SCRIPT >摘要' });
    // Inside the blocks, no `<` at all: nothing the tokenizer could take for an end tag or comment.
    for (const script of scripts) expect(textOf(script)).not.toContain('<');
  });

  it('describes a normative article as Legislation, its legal force from 有效性', () => {
    const cases: [Partial<Parameters<typeof article>[0]>, string][] = [
      [{ validity: '有效' }, 'https://schema.org/InForce'],
      [{ validity: '失效' }, 'https://schema.org/NotInForce'],
      [{ validity: '废止' }, 'https://schema.org/NotInForce'],
      [{ validity: '有效', status: 'withdrawn', withdrawnReason: '文号有误', withdrawnDate: '2010-06-02' }, 'https://schema.org/NotInForce'],
    ];
    for (const [overrides, force] of cases) {
      const [data] = jsonLd(render(article(overrides)));
      expect(data).toMatchObject({
        '@context': 'https://schema.org',
        '@type': 'Legislation',
        legislationIdentifier: '淮府〔2010〕69号',
        legislationLegalForce: force,
        legislationDate: '2010-04-20',
        datePublished: '2010-05-31',
        inLanguage: 'zh-CN',
        legislationPassedBy: { '@type': 'GovernmentOrganization', name: '淮南市人民政府' },
        author: { '@type': 'GovernmentOrganization', name: '淮南市人民政府' },
        url: 'https://www.huainan.gov.cn/gazette/2010/05/huaifu-2010-69/',
      });
    }
  });

  it('makes an article without 文号 an Article, and a release a NewsArticle; a withdrawn one has no description', () => {
    const [speech] = jsonLd(render(article({ docNumber: undefined })));
    expect(speech?.['@type']).toBe('Article');
    expect(speech).not.toHaveProperty('legislationIdentifier');
    const [news, crumbs] = jsonLd(render(release({ summary: '摘要文字' })));
    expect(news).toMatchObject({ '@type': 'NewsArticle', description: '摘要文字', publisher: { '@type': 'GovernmentOrganization', name: '淮南市人民政府' } });
    expect(crumbs).toMatchObject({ '@type': 'BreadcrumbList' });
    const [withdrawn] = jsonLd(render(release({ summary: '摘要文字', status: 'withdrawn', withdrawnReason: '数据有误', withdrawnDate: '2010-12-10' })));
    expect(withdrawn).not.toHaveProperty('description');
  });
});

describe('metadata of the built example site', () => {
  const now = new Date('2010-12-31T09:00:00+08:00');
  const baseUrl = 'https://www.huainan.gov.cn/';
  let site: ServedSite;
  let content: ContentSet;
  let records: Map<string, DocumentRecord>;
  const pages = new Map<string, Root>();

  async function page(urlPath: string): Promise<Root> {
    let tree = pages.get(urlPath);
    if (tree === undefined) {
      const response = await fetch(new URL(urlPath.slice(1), site.url));
      expect(response.status, urlPath).toBe(200);
      tree = fromHtml(await response.text());
      pages.set(urlPath, tree);
    }
    return tree;
  }

  beforeAll(async () => {
    site = await serveBuiltSite({ now, pdf: false });
    content = (await loadContent(site.root, { now })).content as ContentSet;
    records = new Map();
    for await (const record of site.stores.records.listDocuments()) records.set(record.id, record);
  }, 240_000);
  afterAll(async () => {
    await site?.close();
  });

  it('gives every gazette article with a 文号 Legislation data matching its front matter', async () => {
    const articles = content.documents.filter((doc) => doc.kind === 'article' && !doc.draft);
    expect(articles.some((doc) => doc.kind === 'article' && doc.validity !== '有效')).toBe(true);
    for (const doc of articles) {
      if (doc.kind !== 'article') continue;
      const [data] = jsonLd(await page(doc.urlPath));
      if (doc.docNumber === undefined) {
        expect(data?.['@type'], doc.id).toBe('Article');
        continue;
      }
      expect(data, doc.id).toMatchObject({
        '@type': 'Legislation',
        legislationIdentifier: doc.docNumber,
        legislationLegalForce: doc.validity === '有效' && doc.status !== 'withdrawn' ? 'https://schema.org/InForce' : 'https://schema.org/NotInForce',
        legislationDate: doc.signedDate,
        author: { name: doc.department.name },
        isPartOf: {
          '@type': 'PublicationIssue',
          issueNumber: String(doc.issue.number),
          url: `${baseUrl}gazette/${doc.issue.year}/${String(doc.issue.number).padStart(2, '0')}/`,
        },
      });
    }
  });

  it('gives releases and conferences NewsArticle data, Open Graph and the disclosure meta tags', async () => {
    for (const doc of content.documents.filter((candidate) => !candidate.draft && candidate.publishAt === undefined)) {
      const tree = await page(doc.urlPath);
      const record = records.get(doc.id) as DocumentRecord;
      const url = baseUrl + doc.urlPath.slice(1);
      const [data] = jsonLd(tree);
      if (doc.kind !== 'article')
        expect(data, doc.id).toMatchObject({ '@type': 'NewsArticle', headline: doc.title, inLanguage: doc.lang, datePublished: doc.date });
      expect(data?.url).toBe(url);
      expect(select('link[rel=canonical]', tree)?.properties.href).toBe(url);
      expect(metaContent(tree, 'meta[property="og:url"]')).toBe(url);
      expect(metaContent(tree, 'meta[property="og:type"]')).toBe('article');
      expect(metaContent(tree, 'meta[property="og:title"]')).toBe(doc.title);
      expect(metaContent(tree, 'meta[property="og:site_name"]')).toBe(content.site.name);
      expect(metaContent(tree, 'meta[property="og:locale"]')).toBe(doc.lang === 'en' ? 'en_US' : 'zh_CN');
      expect(metaContent(tree, 'meta[property="article:published_time"]')).toBe(doc.date);
      expect(metaContent(tree, 'meta[name=IndexNumber]')).toBe(record.indexNumber);
      expect(metaContent(tree, 'meta[name=Department]')).toBe(doc.department.name);
      expect(metaContent(tree, 'meta[name=Category]')).toBe(doc.category.name);
      expect(metaContent(tree, 'meta[name=Url]')).toBe(url);
      expect(metaContent(tree, 'meta[name=Keywords]')).toBe(doc.tags !== undefined && doc.tags.length > 0 ? doc.tags.join(',') : undefined);
      if (doc.kind === 'article') {
        expect(metaContent(tree, 'meta[name=SignedDate]')).toBe(doc.signedDate);
        expect(metaContent(tree, 'meta[name=DocNumber]')).toBe(doc.docNumber);
        expect(metaContent(tree, 'meta[name=Validity]')).toBe(doc.validity);
      }
    }
    const home = await page('/');
    expect(metaContent(home, 'meta[property="og:type"]')).toBe('website');
    expect(metaContent(home, 'meta[property="og:url"]')).toBe(baseUrl);
  });

  it('pairs the English translation and its original with hreflang both ways, x-default the Chinese', async () => {
    const original = content.documents.find((doc) => doc.id === 'press-2010-menhu-gaiban') as GazetteDocument;
    const english = content.documents.find((doc) => doc.translationOf === original.id) as GazetteDocument;
    const expected = {
      'zh-CN': baseUrl + original.urlPath.slice(1),
      en: baseUrl + english.urlPath.slice(1),
      'x-default': baseUrl + original.urlPath.slice(1),
    };
    for (const doc of [original, english]) {
      const tree = await page(doc.urlPath);
      const links = selectAll('link[rel=alternate][hreflang]', tree).filter((link) => link.properties.type === undefined);
      expect(Object.fromEntries(links.map((link) => [link.properties.hrefLang, link.properties.href])), doc.id).toEqual(expected);
      expect(metaContent(tree, 'meta[property="og:locale:alternate"]')).toBe(doc.lang === 'en' ? 'zh_CN' : 'en_US');
    }
    const [data] = jsonLd(await page(english.urlPath));
    expect(data).toMatchObject({ inLanguage: 'en', translationOfWork: { '@id': `${expected['zh-CN']}#document` } });
  });

  describe('in Chromium, under the site CSP', () => {
    let browser: Browser;
    beforeAll(async () => {
      browser = await launchBrowser();
    }, 60_000);
    afterAll(async () => {
      await browser?.close();
    });

    it('reads the JSON-LD blocks without any policy violation', async () => {
      const original = content.documents.find((doc) => doc.id === 'huaifu-2010-69') as GazetteDocument;
      const tab = await browser.newPage();
      const complaints: string[] = [];
      tab.on('console', (message) => {
        if (/Content.Security.Policy|Refused to/i.test(message.text())) complaints.push(message.text());
      });
      tab.on('pageerror', (error) => complaints.push(error.message));
      await tab.addInitScript(
        "window.violations = []; document.addEventListener('securitypolicyviolation', (e) => window.violations.push(e.violatedDirective + ' ' + e.blockedURI));",
      );
      const response = await tab.goto(new URL(original.urlPath.slice(1), site.url).href);
      expect(response?.headers()['content-security-policy']).toContain("script-src 'self'");
      const blocks = await tab.evaluate(() => [...document.querySelectorAll('script[type="application/ld+json"]')].map((script) => script.textContent ?? ''));
      complaints.push(...(await tab.evaluate<string[]>('window.violations')));
      await tab.close();
      expect(blocks.map((text) => (JSON.parse(text) as Json)['@type'])).toEqual(['Legislation', 'BreadcrumbList']);
      expect(complaints).toEqual([]);
    }, 60_000);
  });
});
