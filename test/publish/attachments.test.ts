// A document's attachments across versions: bytes the bucket already holds are never sent again.
// The same file under the same name is left alone; under a new name it is copied inside the bucket.

import { createHash } from 'node:crypto';
import { readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadContent } from '../../src/content/load.ts';
import { buildSite, type BuildSummary } from '../../src/publish/build.ts';
import { createSiteRenderer } from '../../src/publish/siteRenderer.ts';
import { type ObjectStore, type RecordStore, SITE_PREFIX } from '../../src/store/ports.ts';
import { createTestStores } from '../helpers/stores.ts';
import { sampleFiles, writeSite } from './site.ts';

/** The bucket, with every put and copy it is asked for noted (the calls go through unchanged). */
function noting(objects: ObjectStore) {
  const puts: string[] = [];
  const copies: [string, string][] = [];
  const store: ObjectStore = {
    ...objects,
    put: (input) => (puts.push(input.key), objects.put(input)),
    copy: (from, to) => (copies.push([from, to]), objects.copy(from, to)),
  };
  return { store, puts, copies };
}

async function build(root: string, stores: { objects: ObjectStore; records: RecordStore }, now: Date): Promise<BuildSummary> {
  const { content, messages } = await loadContent(root, { now });
  if (content === undefined) throw new Error(messages.map((m) => `${m.file}:${m.line} ${m.message}`).join('\n'));
  const renderer = await createSiteRenderer(content, { workers: 0, pdf: false });
  try {
    return await buildSite({ content, objects: stores.objects, records: stores.records, renderer, now });
  } finally {
    await renderer.close();
  }
}

const FILE = '市政府工作报告 全文.pdf';
const RENAMED = '市政府工作报告（全文）.pdf';
const DIR = 'press/2010/hotline';

describe('attachments across versions', () => {
  it('never uploads a 50 MB attachment again: kept when unchanged, copied when renamed', async () => {
    const stores = await createTestStores();
    const sample = sampleFiles();
    const source = String(sample['press/2010/hotline.md']).replace(
      'category: 综合政务\n',
      `category: 综合政务\nattachments:\n  - { file: ${FILE}, title: 工作报告 }\n`,
    );
    const big = Buffer.alloc(50 * 1024 * 1024);
    for (let i = 0; i < big.length; i += 4096) big.writeUInt32BE((i * 2654435761) >>> 0, i);
    const digest = createHash('sha256').update(big).digest('hex');
    const { [`press/2010/hotline.md`]: _single, ...rest } = sample;
    const root = await writeSite({ ...rest, [`${DIR}/index.md`]: source, [`${DIR}/${FILE}`]: big });

    const first = noting(stores.objects);
    await build(root, { ...stores, objects: first.store }, new Date('2010-06-25T08:00:00+08:00'));
    expect(first.puts.filter((key) => key.endsWith('.pdf') && key.includes('工作报告'))).toEqual([`${SITE_PREFIX}${DIR}/${FILE}`]);

    // A correction of the text: a new version whose attachment is the same bytes at the same key.
    const index = join(root, DIR, 'index.md');
    await writeFile(
      index,
      (await readFile(index, 'utf8'))
        .replace('category: 综合政务\n', 'category: 综合政务\nchangeNote: 更正受理量。\nchangeDate: 2010-06-26\n')
        .replace('一万余件', '一万二千余件'),
    );
    const second = noting(stores.objects);
    expect(await build(root, { ...stores, objects: second.store }, new Date('2010-06-26T08:00:00+08:00'))).toMatchObject({ updated: 1 });
    expect(second.puts.filter((key) => key.includes('工作报告'))).toEqual([]);
    expect(second.copies).toEqual([]);
    const corrected = await stores.records.getDocument('press-2010-hotline');
    expect(corrected?.version).toBe(2);
    expect(corrected?.artifacts.find((ref) => ref.key === `${DIR}/${FILE}`)).toEqual({
      key: `${DIR}/${FILE}`,
      size: big.length,
      sha256: digest,
      contentType: 'application/pdf',
      // The title at this version: what the API shows while a later correction waits for its embargo.
      title: '工作报告',
    });

    // The file renamed, bytes unchanged: the bucket copies it; nothing is uploaded.
    await rename(join(root, DIR, FILE), join(root, DIR, RENAMED));
    await writeFile(
      index,
      (await readFile(index, 'utf8'))
        .replace(`file: ${FILE}`, `file: ${RENAMED}`)
        .replace('changeNote: 更正受理量。\nchangeDate: 2010-06-26\n', 'changeNote: 附件更名。\nchangeDate: 2010-06-27\n'),
    );
    const third = noting(stores.objects);
    expect(await build(root, { ...stores, objects: third.store }, new Date('2010-06-27T08:00:00+08:00'))).toMatchObject({ updated: 1 });
    expect(third.puts.filter((key) => key.includes('工作报告'))).toEqual([]);
    expect(third.copies).toEqual([[`${SITE_PREFIX}${DIR}/${FILE}`, `${SITE_PREFIX}${DIR}/${RENAMED}`]]);
    const copied = await stores.objects.get(`${SITE_PREFIX}${DIR}/${RENAMED}`);
    expect(copied?.sha256).toBe(digest);
    expect(copied?.contentType).toBe('application/pdf');
    expect(Buffer.from(copied?.body ?? []).equals(big)).toBe(true);
    expect((await stores.records.getDocument('press-2010-hotline'))?.artifacts.find((ref) => ref.key === `${DIR}/${RENAMED}`)?.sha256).toBe(digest);
  }, 120_000);

  it('stages an embargoed document again without its unchanged files, and releases it by copying them', async () => {
    const stores = await createTestStores();
    const sample = sampleFiles();
    const embargoed = String(sample['press/2010/embargoed.md']).replace(
      'category: 综合政务\n',
      `category: 综合政务\nattachments:\n  - { file: ${FILE}, title: 工作报告 }\n`,
    );
    const bytes = Buffer.from(`%PDF-1.4\n${'禁发材料'.repeat(10_000)}\n`);
    const { ['press/2010/embargoed.md']: _single, ...rest } = sample;
    const folder = 'press/2010/embargoed';
    const root = await writeSite({ ...rest, [`${folder}/index.md`]: embargoed, [`${folder}/${FILE}`]: bytes });
    await build(root, stores, new Date('2010-06-25T08:00:00+08:00'));
    expect(await stores.objects.head(`${SITE_PREFIX}${folder}/${FILE}`)).toBeUndefined();

    // Its text edited before the embargo ends: staged again, its file is not sent again.
    const index = join(root, folder, 'index.md');
    await writeFile(index, `${await readFile(index, 'utf8')}\n补充说明。\n`);
    const restaged = noting(stores.objects);
    expect(await build(root, { ...stores, objects: restaged.store }, new Date('2010-06-26T08:00:00+08:00'))).toMatchObject({ scheduled: 1 });
    expect(restaged.puts.some((key) => key.startsWith('private/scheduled/press-2010-embargoed/'))).toBe(true);
    expect(restaged.puts.filter((key) => key.includes('工作报告'))).toEqual([]);
    expect((await stores.records.listScheduled()).find((item) => item.id === 'press-2010-embargoed')?.artifactKeys).toContain(
      `private/scheduled/press-2010-embargoed/${folder}/${FILE}`,
    );

    const release = noting(stores.objects);
    expect(await build(root, { ...stores, objects: release.store }, new Date('2010-06-30T10:00:00+08:00'))).toMatchObject({ released: 1 });
    expect(release.puts.filter((key) => key.includes('工作报告'))).toEqual([]);
    expect(release.copies).toEqual([[`private/scheduled/press-2010-embargoed/${folder}/${FILE}`, `${SITE_PREFIX}${folder}/${FILE}`]]);
    const published = await stores.objects.get(`${SITE_PREFIX}${folder}/${FILE}`);
    expect(Buffer.from(published?.body ?? []).equals(bytes)).toBe(true);
    expect(published?.sha256).toBe(createHash('sha256').update(bytes).digest('hex'));
  }, 60_000);
});
