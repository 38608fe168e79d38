// The source pack (src/aws/sourcePack.ts) as the functions meet it on the embedded S3: a mirror
// into an empty folder takes the Markdown and YAML from the one ZIP `gazette publish` wrote, and
// never trusts it over the bucket: a file changed since, a pack that cannot be read, or an entry
// the listing does not name changes nothing of what the mirror holds.

import { mkdtemp, readFile, readdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { packSources } from '../../src/aws/sourcePack.ts';
import { PACK_FROM_FILES, syncSource } from '../../src/aws/syncSource.ts';
import { sampleFiles, writeSite } from '../publish/site.ts';
import { createSourceBucket, type SourceBucket } from './sources.ts';

/** Every file of a folder, by content-relative path. */
async function tree(root: string): Promise<Map<string, string>> {
  const files = (await readdir(root, { recursive: true, withFileTypes: true })).filter((entry) => entry.isFile());
  const found = new Map<string, string>();
  for (const file of files) {
    const path = join(file.parentPath, file.name);
    found.set(path.slice(root.length + 1), (await readFile(path)).toString('base64'));
  }
  return found;
}

const expected = (files: Record<string, string | Buffer>) =>
  new Map(Object.entries(files).map(([rel, body]) => [rel, (typeof body === 'string' ? Buffer.from(body, 'utf8') : body).toString('base64')]));

async function published(files: Record<string, string | Buffer>): Promise<SourceBucket> {
  const source = await createSourceBucket();
  await source.publish(await writeSite(files), 'c0ffee1234', '李编辑 <li@huainan.gov.cn>');
  return source;
}

const mirror = async (source: SourceBucket) => {
  const dir = join(await mkdtemp(join(tmpdir(), 'gazette-mirror-')), 'content');
  return { dir, summary: await syncSource({ source: source.store, prefix: 'content/', dir }) };
};

describe('the source pack', () => {
  it('gives an empty mirror every Markdown and YAML file in one GET, the photo by itself, and is not mirrored', async () => {
    const files = sampleFiles();
    const source = await published(files);
    const { dir, summary } = await mirror(source);
    expect(summary).toEqual({ downloaded: Object.keys(files).length, fromPack: Object.keys(files).length - 1, deleted: 0, unchanged: 0 });
    expect(await tree(dir)).toEqual(expected(files));
  });

  it('is not trusted for a file changed since it was written: that file is fetched, with its new bytes', async () => {
    const files = sampleFiles();
    const source = await published(files);
    const changed = String(files['press/2010/hotline.md']).replace('稳步上升', '再创新高');
    // Uploaded by other means than `gazette publish`: the pack still holds the old text.
    await source.upload({ 'press/2010/hotline.md': changed });
    const { dir, summary } = await mirror(source);
    expect(summary.fromPack).toBe(Object.keys(files).length - 2);
    expect(summary.downloaded).toBe(Object.keys(files).length);
    expect(await readFile(join(dir, 'press/2010/hotline.md'), 'utf8')).toBe(changed);
    expect(await tree(dir)).toEqual(expected({ ...files, 'press/2010/hotline.md': changed }));
  });

  it('places nothing the listing does not name, and a pack that cannot be read costs only the GETs', async () => {
    const files = sampleFiles();
    const source = await published(files);
    // A pack with an entry escaping the folder, one for a file the bucket no longer has, and a
    // listed file with other bytes than the bucket's.
    await source.upload({
      '.gazette/sources.zip': Buffer.from(
        packSources([
          { rel: '../escaped.md', body: Buffer.from('逃逸', 'utf8') },
          { rel: 'press/2010/gone.md', body: Buffer.from('已删除', 'utf8') },
          { rel: 'press/2010/hotline.md', body: Buffer.from('伪造的正文', 'utf8') },
        ]),
      ),
    });
    let { dir, summary } = await mirror(source);
    expect(summary).toMatchObject({ downloaded: Object.keys(files).length, fromPack: 0 });
    expect(await tree(join(dir, '..'))).toEqual(
      new Map([...expected(files)].map(([rel, body]) => [`content/${rel}`, body])).set('content.etags.json', expect.any(String)),
    );

    await source.upload({ '.gazette/sources.zip': Buffer.from('not a zip', 'utf8') });
    ({ dir, summary } = await mirror(source));
    expect(summary).toMatchObject({ downloaded: Object.keys(files).length, fromPack: 0, packError: expect.stringContaining('not a readable ZIP') });
    expect(await tree(dir)).toEqual(expected(files));
  });

  it('is read by a warm mirror only for many files: a few changed are fetched by themselves', async () => {
    // Besides the site, enough Markdown files for a change of every one to pass the threshold.
    const notes = Object.fromEntries(Array.from({ length: PACK_FROM_FILES }, (_, i) => [`notes/note-${i}.md`, `第${i}条说明。\n`]));
    const files = { ...sampleFiles(), ...notes };
    const source = await published(files);
    const root = await writeSite(files);
    const { dir } = await mirror(source);
    const again = () => syncSource({ source: source.store, prefix: 'content/', dir });
    await writeFile(join(root, 'notes/note-0.md'), '第0条说明（修订）。\n');
    await source.publish(root, 'c0ffee1237', '李编辑 <li@huainan.gov.cn>');
    expect(await again()).toMatchObject({ downloaded: 1, fromPack: 0 });
    for (const rel of Object.keys(notes)) await writeFile(join(root, rel), `${notes[rel]}（再次修订）\n`);
    await source.publish(root, 'c0ffee1238', '李编辑 <li@huainan.gov.cn>');
    expect(await again()).toMatchObject({ downloaded: PACK_FROM_FILES, fromPack: PACK_FROM_FILES });
    expect(await readFile(join(dir, 'notes/note-1.md'), 'utf8')).toBe('第1条说明。\n（再次修订）\n');
  });

  // (A pack that is what the files make is left as it is: test/functions/publish.test.ts.)
  it('is written again by the next `gazette publish` when it is not what the files make, even with no file changed', async () => {
    const files = sampleFiles();
    const source = await published(files);
    const root = await writeSite(files);
    // A pack left stale (a file uploaded by other means since, or a pack write that failed), and a
    // dot-file put into the bucket by hand: neither is content.
    await source.upload({ '.gazette/sources.zip': Buffer.from(packSources([{ rel: 'site.yaml', body: Buffer.from('旧的', 'utf8') }])), '.DS_Store': 'x' });
    await source.publish(root, 'c0ffee1235', '李编辑 <li@huainan.gov.cn>');
    const keys: string[] = [];
    for await (const object of source.store.listKeys('content/')) keys.push(object.key);
    expect(keys).not.toContain('content/.DS_Store');
    const { summary } = await mirror(source);
    expect(summary.fromPack).toBe(Object.keys(files).length - 1);
  });
});
