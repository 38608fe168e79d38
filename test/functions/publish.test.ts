// `gazette publish --target aws` as the editors' CI runs it, against the embedded S3 as the source
// bucket: validate, upload what changed with commit and author, delete what was removed.

import { PassThrough } from 'node:stream';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { HeadObjectCommand } from '@aws-sdk/client-s3';
import { beforeAll, describe, expect, it } from 'vitest';
import { runPublish } from '../../src/cli/publish.ts';
import { testClients } from '../helpers/emulators.ts';
import { sampleFiles, writeSite } from '../publish/site.ts';
import { createSourceBucket, type SourceBucket } from './sources.ts';

function io(cwd: string) {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
  stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
  return { io: { stdout, stderr, cwd, now: () => new Date('2010-06-25T08:00:00+08:00') }, out: () => out, err: () => err };
}

let source: SourceBucket;
let env: NodeJS.ProcessEnv;

beforeAll(async () => {
  source = await createSourceBucket();
  env = { AWS_ENDPOINT_URL_S3: testClients().s3Endpoint, AWS_REGION: 'us-east-1' };
});

async function keys(): Promise<string[]> {
  const found: string[] = [];
  for await (const object of source.store.listKeys('content/')) found.push(object.key);
  return found;
}

describe('gazette publish --target aws', () => {
  it('uploads changed files with commit and author, then only changes, and deletes removed files', async () => {
    const root = await writeSite(sampleFiles());
    const first = io(root);
    const args = ['--target', 'aws', '--bucket', source.bucket, '--content', '.', '--commit', '3f2a9c1d0e', '--author', '王编辑 <wang@huainan.gov.cn>'];
    expect(await runPublish(args, first.io, env)).toBe(0);
    const count = Object.keys(sampleFiles()).length;
    expect(first.out()).toContain(`Uploaded ${count} changed file(s) and deleted 0, 0 unchanged`);
    // Then the source pack: the Markdown and YAML in one ZIP, for a function's first sync.
    expect(first.out()).toContain(`Wrote the source pack (${count - 1} Markdown and YAML files`);
    expect(await keys()).toEqual([...Object.keys(sampleFiles()), '.gazette/sources.zip'].map((rel) => `content/${rel}`).sort());
    const head = await testClients().s3.send(new HeadObjectCommand({ Bucket: source.bucket, Key: 'content/site.yaml' }));
    expect(decodeURIComponent(head.Metadata?.['gazette-author'] ?? '')).toBe('王编辑 <wang@huainan.gov.cn>');
    expect(head.Metadata?.['gazette-commit']).toBe('3f2a9c1d0e');

    await rm(join(root, 'press/2010/hotline-en.md'));
    const second = io(root);
    expect(await runPublish(args, second.io, env)).toBe(0);
    expect(second.out()).toContain(`Uploaded 0 changed file(s) and deleted 1, ${count - 1} unchanged`);
    expect(await keys()).not.toContain('content/press/2010/hotline-en.md');
    // The pack is no file of the folder: it stays, written again without the removed file.
    expect(await keys()).toContain('content/.gazette/sources.zip');
    expect(second.out()).toContain(`Wrote the source pack (${count - 2} Markdown and YAML files`);

    // Nothing changed: nothing uploaded, the pack left as it is.
    const third = io(root);
    expect(await runPublish(args, third.io, env)).toBe(0);
    expect(third.out()).toContain(`Uploaded 0 changed file(s) and deleted 0, ${count - 1} unchanged`);
    expect(third.out()).not.toContain('source pack');
  });

  it('uploads nothing when the content has errors, and says where they are', async () => {
    const root = await writeSite({
      ...sampleFiles(),
      'press/2010/bad.md': '---\nid: press-bad\ntitle: 日期错误\ndate: 2010-02-30\ndepartment: 淮南市人民政府新闻办公室\ncategory: 综合政务\n---\n正文\n',
    });
    const empty = await createSourceBucket();
    const run = io(root);
    expect(await runPublish(['--target', 'aws', '--bucket', empty.bucket, '--content', '.'], run.io, env)).toBe(1);
    expect(run.err()).toMatch(/press\/2010\/bad\.md:4:7/);
    expect(run.err()).toContain('Nothing was uploaded');
    const found: string[] = [];
    for await (const object of empty.store.listKeys('content/')) found.push(object.key);
    expect(found).toEqual([]);
  });

  it('asks for a target and a bucket', async () => {
    const run = io('/');
    expect(await runPublish(['--bucket', 'b'], run.io, {})).toBe(1);
    expect(run.err()).toContain('Use --target aws');
    const again = io('/');
    expect(await runPublish(['--target', 'aws'], again.io, {})).toBe(1);
    expect(again.err()).toContain('GAZETTE_SOURCE_BUCKET');
  });
});
