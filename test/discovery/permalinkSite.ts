// A small site for the permalink and sitemap tests, built into the embedded servers and served by
// the preview server: the sample site plus 文号 that look alike (淮府 and 淮府办 with the same
// serial), an embargoed and a draft article with 文号, and one that a later build withdraws.

import type { AddressInfo } from 'node:net';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { expect } from 'vitest';
import { createSiteServer } from '../../src/cli/preview.ts';
import { loadContent } from '../../src/content/load.ts';
import type { ContentSet } from '../../src/content/model.ts';
import { buildSite } from '../../src/publish/build.ts';
import { createSiteRenderer } from '../../src/publish/siteRenderer.ts';
import { createTestStores, type TestStores } from '../helpers/stores.ts';
import { sampleFiles, writeSite } from '../publish/site.ts';

export const before = new Date('2010-06-25T08:00:00+08:00');
export const after = new Date('2010-07-01T08:00:00+08:00');

const article = (fields: string, body = '本文件正文。') => `---
section: 市政府文件
department: 淮南市人民政府
signedDate: 2010-05-10
date: 2010-05-31
category: 政务公开
${fields}---
${body}
`;

export function permalinkFiles(): Record<string, string | Buffer> {
  return {
    ...sampleFiles(),
    // Same year and serial as 淮府办〔2010〕12号 (sample), another issuer.
    'gazette/2010/05/huaifu-2010-12.md': article('id: huaifu-2010-12\ntitle: 淮南市人民政府关于公布第十二号事项的决定\ndocNumber: 淮府〔2010〕12号\n'),
    'gazette/2010/05/huaifu-2010-50.md': article(
      'id: huaifu-2010-50\ntitle: 淮南市人民政府关于调整办事时间的通知\ndocNumber: 淮府〔2010〕50号\n',
      '办事时间调整为八时至十七时。',
    ),
    'gazette/2010/05/huaifu-2010-77.md': article(
      'id: huaifu-2010-77\ntitle: EMBARGOED-TITLE 淮南市人民政府关于禁发期文件的通知\ndocNumber: 淮府〔2010〕77号\npublishAt: 2010-06-30T10:00:00+08:00\n',
      'EMBARGOED-BODY 禁发期内正文。',
    ),
    'gazette/2010/05/huaifu-2010-78.md': article('id: huaifu-2010-78\ntitle: DRAFT-TITLE 草稿文件\ndocNumber: 淮府〔2010〕78号\ndraft: true\n'),
  };
}

export interface PermalinkSite {
  stores: TestStores;
  root: string;
  /** Base URL of the preview server, without a trailing slash. */
  origin: string;
  build(at: Date): Promise<void>;
  /** Withdraw 淮府〔2010〕50号 in the content folder (the next build publishes it). */
  withdraw(): Promise<void>;
  close(): Promise<void>;
}

async function load(root: string): Promise<ContentSet> {
  const { content, messages } = await loadContent(root);
  expect(messages.filter((m) => m.severity === 'error')).toEqual([]);
  return content as ContentSet;
}

export async function permalinkSite(): Promise<PermalinkSite> {
  const stores = await createTestStores();
  const root = await writeSite(permalinkFiles());
  const server = createSiteServer(stores.objects);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    stores,
    root,
    origin: `http://127.0.0.1:${port}`,
    async build(at) {
      const content = await load(root);
      const renderer = await createSiteRenderer(content, { workers: 0 });
      try {
        await buildSite({ content, objects: stores.objects, records: stores.records, renderer, now: at });
      } finally {
        await renderer.close();
      }
    },
    async withdraw() {
      const file = join(root, 'gazette/2010/05/huaifu-2010-50.md');
      const text = await readFile(file, 'utf8');
      await writeFile(
        file,
        text.replace(
          'category: 政务公开\n',
          'category: 政务公开\nstatus: withdrawn\nwithdrawnReason: 该通知内容已调整，另行发布。\nwithdrawnDate: 2010-06-28\n',
        ),
      );
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** GET through the preview server without following redirects. */
export async function get(origin: string, path: string): Promise<{ status: number; type: string; body: string; location?: string }> {
  const response = await fetch(`${origin}${path}`, { redirect: 'manual' });
  const body = await response.text();
  return {
    status: response.status,
    type: response.headers.get('content-type') ?? '',
    body,
    ...(response.headers.has('location') ? { location: response.headers.get('location') as string } : {}),
  };
}
