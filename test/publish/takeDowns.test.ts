// Withdrawals take a document's files down from what the records say, so a take-down that failed
// is finished by the next build even when nothing in the content changed; then the CDN is asked
// to forget exactly the paths that were taken down.

import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadContent } from '../../src/content/load.ts';
import { buildSite, type BuildSummary } from '../../src/publish/build.ts';
import { createSiteRenderer } from '../../src/publish/siteRenderer.ts';
import { type CdnInvalidator, cdnPath } from '../../src/publish/takeDowns.ts';
import { type ObjectStore, type RecordStore, SITE_PREFIX, StoreError } from '../../src/store/ports.ts';
import { createTestStores } from '../helpers/stores.ts';
import { sampleFiles, writeSite } from './site.ts';

const published = new Date('2010-06-25T08:00:00+08:00');
const later = new Date('2010-06-30T10:00:00+08:00');

async function build(root: string, stores: { objects: ObjectStore; records: RecordStore }, now: Date, cdn?: CdnInvalidator): Promise<BuildSummary> {
  const { content, messages } = await loadContent(root, { now });
  if (content === undefined) throw new Error(messages.map((m) => `${m.file}:${m.line} ${m.message}`).join('\n'));
  const renderer = await createSiteRenderer(content, { workers: 0, pdf: false });
  try {
    return await buildSite({ content, objects: stores.objects, records: stores.records, renderer, now, ...(cdn === undefined ? {} : { cdn }) });
  } finally {
    await renderer.close();
  }
}

async function publicKeys(objects: ObjectStore, prefix: string): Promise<string[]> {
  const keys: string[] = [];
  for await (const head of objects.listKeys(SITE_PREFIX + prefix)) keys.push(head.key.slice(SITE_PREFIX.length));
  return keys;
}

/** The sample site, with a Chinese-named attachment on the press conference. */
function files(): Record<string, string | Buffer> {
  const sample = sampleFiles();
  return {
    ...sample,
    'press/2010/briefing/index.md': String(sample['press/2010/briefing/index.md']).replace(
      'category: 政务公开\n',
      'category: 政务公开\nattachments:\n  - { file: 发布会材料 一.pdf, title: 发布会材料 }\n',
    ),
    'press/2010/briefing/发布会材料 一.pdf': Buffer.from('%PDF-1.4\n% 发布会材料\n'),
  };
}

const withdraw = async (root: string) => {
  const file = join(root, 'press/2010/briefing/index.md');
  await writeFile(
    file,
    (await readFile(file, 'utf8')).replace(
      'category: 政务公开\n',
      'category: 政务公开\nstatus: withdrawn\nwithdrawnReason: 发布会材料有误。\nwithdrawnDate: 2010-06-27\n',
    ),
  );
};

const correct = async (root: string) => {
  const file = join(root, 'press/2010/briefing/index.md');
  await writeFile(
    file,
    (await readFile(file, 'utf8'))
      .replace('category: 政务公开\n', 'category: 政务公开\nchangeNote: 更正开场白。\nchangeDate: 2010-06-26\n')
      .replace('上午好', '大家好'),
  );
};

function recordingCdn(): CdnInvalidator & { requests: { paths: string[]; reference: string }[] } {
  const requests: { paths: string[]; reference: string }[] = [];
  return { requests, invalidate: async (paths, reference) => void requests.push({ paths: [...paths], reference }) };
}

describe('take-downs of withdrawn documents', () => {
  it('finishes a take-down whose delete failed in the next build, with no content change', async () => {
    const stores = await createTestStores();
    const root = await writeSite(files());
    await build(root, stores, published);
    await correct(root);
    await build(root, stores, new Date('2010-06-26T10:00:00+08:00'));
    const before = await publicKeys(stores.objects, 'press/2010/briefing/');
    expect(before).toEqual(
      expect.arrayContaining(['press/2010/briefing/photo.png', 'press/2010/briefing/发布会材料 一.pdf', 'press/2010/briefing/v1/index.html']),
    );

    // As on AWS before DeleteObject was granted on site/*: the delete is refused once.
    let refused = 0;
    const refusing: ObjectStore = {
      ...stores.objects,
      delete: async (keys) => {
        if (refused++ === 0) throw new StoreError(`S3 refused DELETE ${keys.length} keys: AccessDenied`);
        return stores.objects.delete(keys);
      },
    };
    await withdraw(root);
    await expect(build(root, { ...stores, objects: refusing }, later)).rejects.toThrow(/AccessDenied/);
    expect(await stores.records.getDocument('press-2010-briefing')).toMatchObject({ status: 'withdrawn', version: 3 });
    expect(await publicKeys(stores.objects, 'press/2010/briefing/')).toEqual(before);

    // The retry sees the document unchanged, and still takes its files down.
    const cdn = recordingCdn();
    const retry = await build(root, stores, later, cdn);
    expect(retry.withdrawn).toBe(0);
    expect(await publicKeys(stores.objects, 'press/2010/briefing/')).toEqual(['press/2010/briefing/index.html']);
    for (const key of before.filter((key) => key !== 'press/2010/briefing/index.html')) {
      expect(await stores.objects.get(SITE_PREFIX + key)).toBeUndefined();
    }
    expect(cdn.requests).toHaveLength(1);
    expect(cdn.requests[0]?.paths).toEqual(
      before
        .filter((key) => key !== 'press/2010/briefing/index.html')
        .map((key) => cdnPath(key))
        .sort(),
    );
    expect(cdn.requests[0]?.paths).toContain('/press/2010/briefing/%E5%8F%91%E5%B8%83%E4%BC%9A%E6%9D%90%E6%96%99%20%E4%B8%80.pdf');

    // Done is done: the next build neither deletes nor invalidates again.
    const again = recordingCdn();
    expect(await build(root, stores, later, again)).toMatchObject({ objectsWritten: 0 });
    expect(again.requests).toEqual([]);
  });

  it('asks the CDN again, under the same reference, when the invalidation failed after the delete', async () => {
    const stores = await createTestStores();
    const root = await writeSite(files());
    await build(root, stores, published);
    await withdraw(root);
    const refused: string[] = [];
    const failing: CdnInvalidator = {
      invalidate: async (_paths, reference) => {
        refused.push(reference);
        throw new Error('CloudFront is throttling CreateInvalidation');
      },
    };
    await expect(build(root, stores, later, failing)).rejects.toThrow(/throttling/);
    expect(await publicKeys(stores.objects, 'press/2010/briefing/')).toEqual(['press/2010/briefing/index.html']);
    const first = recordingCdn();
    await build(root, stores, later, first);
    const second = recordingCdn();
    await build(root, stores, later, second);
    expect(first.requests.map((request) => request.paths)).toEqual([
      ['/press/2010/briefing/%E5%8F%91%E5%B8%83%E4%BC%9A%E6%9D%90%E6%96%99%20%E4%B8%80.pdf', '/press/2010/briefing/photo.png'].sort(),
    ]);
    expect(first.requests.map((request) => request.reference)).toEqual(refused);
    expect(second.requests).toEqual([]);
  });

  it('keeps a withdrawn article’s errata, which the next issue’s contents link, and takes down its text', async () => {
    const stores = await createTestStores();
    const article = String(sampleFiles()['gazette/2010/05/huaifu-2010-69.md']);
    const root = await writeSite({
      ...sampleFiles(),
      'gazette/2010/06/index.md': '---\nyear: 2010\nnumber: 6\ntotalNumber: 54\ndate: 2010-06-30\n---\n',
      'gazette/2010/06/huaifu-2010-88.md': article
        .replace('id: huaifu-2010-69', 'id: huaifu-2010-88')
        .replace('淮府〔2010〕69号', '淮府〔2010〕88号')
        .replace('date: 2010-05-31', 'date: 2010-06-30'),
    });
    await build(root, stores, published);
    const file = join(root, 'gazette/2010/05/huaifu-2010-69.md');
    await writeFile(
      file,
      (await readFile(file, 'utf8'))
        .replace('category: 政务公开\n', 'category: 政务公开\nchangeNote: 第一条文字更正。\nchangeDate: 2010-06-10\n')
        .replace('重要议事日程', '重要工作日程'),
    );
    await build(root, stores, new Date('2010-06-26T10:00:00+08:00'));
    await writeFile(
      file,
      (await readFile(file, 'utf8')).replace(
        'category: 政务公开\n',
        'category: 政务公开\nstatus: withdrawn\nwithdrawnReason: 文件已废止重发。\nwithdrawnDate: 2010-06-28\n',
      ),
    );
    const cdn = recordingCdn();
    await build(root, stores, later, cdn);

    const left = await publicKeys(stores.objects, 'gazette/2010/05/huaifu-2010-69/');
    expect(left).toEqual(['gazette/2010/05/huaifu-2010-69/index.html', 'gazette/2010/05/huaifu-2010-69/kanwu-v2/index.html']);
    expect(cdn.requests.flatMap((request) => request.paths)).toContain('/gazette/2010/05/huaifu-2010-69/v1/index.html');
    expect(cdn.requests.flatMap((request) => request.paths)).not.toContain('/gazette/2010/05/huaifu-2010-69/kanwu-v2/index.html');
    const next = Buffer.from((await stores.objects.get(`${SITE_PREFIX}gazette/2010/06/index.html`))?.body ?? []).toString('utf8');
    expect(next).toContain('href="/gazette/2010/05/huaifu-2010-69/kanwu-v2/"');
  });

  it('encodes paths as CloudFront matches them: non-ASCII and unsafe characters only', () => {
    expect(cdnPath('press/2010/a/50%折扣.pdf')).toBe('/press/2010/a/50%25%E6%8A%98%E6%89%A3.pdf');
    expect(cdnPath('press/2010/a/b c#d?.pdf')).toBe('/press/2010/a/b%20c%23d%3F.pdf');
    expect(cdnPath("press/2010/a/x-y_z.(1)!'@=.pdf")).toBe("/press/2010/a/x-y_z.(1)!'@=.pdf");
  });
});
