// File names that are not URL-safe as written: `50%折扣.pdf` (a `%` before Chinese, on which
// decodeURI throws), `报告%20全文.pdf` (a literal `%20`, not a space) and `封面 #1.png` (a space and
// a `#`). The site builds, each file is stored under its own name, and every link to it the site
// gives out (page, PDF, feed entry, API) reaches those bytes through the preview server, which
// decodes a request path as S3 does.

import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { objectKeyForPath, createSiteServer } from '../../src/cli/preview.ts';
import { loadContent } from '../../src/content/load.ts';
import { encodePathSegment, keyOfUrlPath, urlPathOfKey } from '../../src/content/sitePath.ts';
import { documentJsonPath } from '../../src/discovery/api.ts';
import { entryKey } from '../../src/content/keys.ts';
import { buildSite } from '../../src/publish/build.ts';
import { createSiteRenderer } from '../../src/publish/siteRenderer.ts';
import { SITE_PREFIX } from '../../src/store/ports.ts';
import { createTestStores } from '../helpers/stores.ts';
import { sampleFiles, writeSite } from './site.ts';

const now = new Date('2010-06-25T08:00:00+08:00');
const base = 'https://www.huainan.gov.cn/';
const page = 'press/2010/discount/';
const png = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==', 'base64');
const files = {
  '50%折扣.pdf': Buffer.from('%PDF-1.4 discount\n'),
  '报告%20全文.pdf': Buffer.from('%PDF-1.4 report\n'),
  '封面 #1.png': png,
};

describe('site paths', () => {
  it('round-trips any name, and never throws on a stray %', () => {
    for (const name of [...Object.keys(files), '100%', '%E6%8A%98.pdf', 'a?b.pdf', 'plain.pdf', '公报.pdf']) {
      const key = `press/2010/x/${name}`;
      expect(keyOfUrlPath(urlPathOfKey(key))).toBe(key);
      // The same path after a URL parser encoded it (a PDF's absolute links, a browser's request).
      expect(keyOfUrlPath(new URL(urlPathOfKey(key), base).pathname)).toBe(key);
    }
    expect(encodePathSegment('公报.pdf')).toBe('公报.pdf');
    expect(keyOfUrlPath('/a/50%折扣.pdf')).toBe('a/50%折扣.pdf');
  });
});

describe('attachments with names that are not URL-safe as written', () => {
  it('build, are stored under their names, and every link to them works', async () => {
    const stores = await createTestStores();
    const root = await writeSite({
      ...sampleFiles(),
      [`${page}index.md`]: `---
id: press-2010-discount
title: 政务服务费用五折优惠公告
date: 2010-06-10
department: 淮南市人民政府新闻办公室
category: 综合政务
attachments:
  - { file: 50%折扣.pdf, title: 优惠办法 }
  - { file: 报告%20全文.pdf, title: 报告全文 }
---
详见[优惠办法](50%折扣.pdf)。

![封面](封面%20%231.png)
`,
      ...Object.fromEntries(Object.entries(files).map(([name, body]) => [`${page}${name}`, body])),
    });
    const { content, messages } = await loadContent(root);
    expect(messages.filter((message) => message.severity === 'error')).toEqual([]);
    const renderer = await createSiteRenderer(content!, { workers: 0 });
    try {
      await buildSite({ content: content!, objects: stores.objects, records: stores.records, renderer, now });
    } finally {
      await renderer.close();
    }

    for (const [name, body] of Object.entries(files)) {
      const stored = await stores.objects.get(`${SITE_PREFIX}${page}${name}`);
      expect(Buffer.from(stored?.body ?? [])).toEqual(body);
    }
    const record = await stores.records.getDocument('press-2010-discount');
    expect(record?.artifacts.map((ref) => ref.key)).toEqual(expect.arrayContaining(Object.keys(files).map((name) => `${page}${name}`)));

    const server = createSiteServer(stores.objects).listen(0, '127.0.0.1');
    await once(server, 'listening');
    const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    // What a browser or feed reader does with a link: resolve it, then request its path.
    const fetched = async (href: string, from = `${base}${page}`) => {
      const url = new URL(href, from);
      expect(url.origin).toBe(new URL(base).origin);
      const response = await fetch(`${origin}${url.pathname}`);
      expect(response.status, `${href} → ${url.pathname} → ${objectKeyForPath(url.pathname)}`).toBe(200);
      return Buffer.from(await response.arrayBuffer());
    };
    try {
      const html = Buffer.from((await stores.objects.get(`${SITE_PREFIX}${page}index.html`))?.body ?? []).toString('utf8');
      const hrefs = [...html.matchAll(/(?:href|src)="([^"]*)"/g)].map((match) => match[1]!.replaceAll('&amp;', '&'));
      for (const [name, body] of Object.entries(files)) {
        const links = hrefs.filter((href) => keyOfUrlPath(new URL(href, `${base}${page}`).pathname) === `${page}${name}`);
        expect(links.length, `links to ${name} in ${hrefs.join(' ')}`).toBeGreaterThan(0);
        for (const href of links) expect(await fetched(href)).toEqual(body);
      }

      // The feed entry's enclosures, as the feeds function turns them into absolute URLs.
      const entry = JSON.parse(Buffer.from((await stores.objects.get(entryKey('press-2010-discount', 1)))?.body ?? []).toString('utf8')) as {
        files: { urlPath: string; title?: string }[];
      };
      const enclosures = entry.files.filter((file) => file.title !== undefined);
      expect(enclosures.map((file) => file.title).sort()).toEqual(['优惠办法', '报告全文']);
      for (const file of enclosures)
        expect(await fetched(new URL(file.urlPath, base).href)).toEqual(file.title === '优惠办法' ? files['50%折扣.pdf'] : files['报告%20全文.pdf']);

      // The API lists the attachments with their URLs.
      const api = JSON.parse((await fetched(new URL(documentJsonPath('press-2010-discount'), base).href)).toString('utf8')) as {
        attachments: { title: string; url: string }[];
      };
      expect(api.attachments.map((attachment) => attachment.title).sort()).toEqual(['优惠办法', '报告全文']);
      for (const attachment of api.attachments)
        expect(await fetched(attachment.url)).toEqual(attachment.title === '优惠办法' ? files['50%折扣.pdf'] : files['报告%20全文.pdf']);

      // The image is embedded in the document's PDF (looked up by the link the print body carries).
      const pdf = await stores.objects.get(`${SITE_PREFIX}${page}discount.pdf`);
      expect(Buffer.from(pdf?.body ?? []).toString('latin1')).toContain('/Subtype /Image');
    } finally {
      server.closeAllConnections();
      server.close();
    }
  }, 120_000);
});
