// Planning a rebuild reads the page histories of the documents it renders in batches
// (BatchGetItem of the version items the records name), never one query per document.

import { describe, expect, it } from 'vitest';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { loadContent } from '../../src/content/load.ts';
import type { ContentSet } from '../../src/content/model.ts';
import { buildSite } from '../../src/publish/build.ts';
import { createSiteRenderer } from '../../src/publish/siteRenderer.ts';
import { createDynamoRecordStore } from '../../src/store/dynamodb.ts';
import { type ObjectStore, SITE_PREFIX } from '../../src/store/ports.ts';
import { createEmulatorStores } from '../helpers/emulators.ts';
import { sampleFiles, siteYaml, writeSite } from './site.ts';

const now = new Date('2010-06-25T08:00:00+08:00');

/** The document client, counting the commands sent through it by name. */
function counting(client: DynamoDBDocumentClient): { client: DynamoDBDocumentClient; counts: Map<string, number>; queries: string[] } {
  const counts = new Map<string, number>();
  const queries: string[] = [];
  const send = (command: { constructor: { name: string }; input: { KeyConditionExpression?: string } }) => {
    counts.set(command.constructor.name, (counts.get(command.constructor.name) ?? 0) + 1);
    if (command.constructor.name === 'QueryCommand') queries.push(command.input.KeyConditionExpression ?? '');
    return (client.send as (command: unknown) => Promise<unknown>)(command);
  };
  return { client: new Proxy(client, { get: (target, key) => (key === 'send' ? send : Reflect.get(target, key)) }), counts, queries };
}

async function build(files: Record<string, string | Buffer>, records: ReturnType<typeof createDynamoRecordStore>, objects: ObjectStore) {
  const { content } = await loadContent(await writeSite(files));
  const renderer = await createSiteRenderer(content as ContentSet, { workers: 0, pdf: false });
  try {
    return await buildSite({ content: content as ContentSet, objects, records, renderer, now });
  } finally {
    await renderer.close();
  }
}

describe('planning a rebuild', () => {
  it('reads the histories of 39 re-rendered documents in one batch, not 39 queries', async () => {
    // The DynamoDB adapter's batching is what is counted: its requests, on DynamoDB Local.
    const stores = await createEmulatorStores();
    const files: Record<string, string | Buffer> = { ...sampleFiles() };
    for (let i = 0; i < 34; i++) {
      files[`press/2010/extra-${i}.md`] =
        `---\nid: press-2010-extra-${i}\ntitle: 第${i + 1}号工作简报\ndate: 2010-06-${String(1 + (i % 20)).padStart(2, '0')}\ndepartment: 淮南市人民政府新闻办公室\ncategory: 综合政务\n---\n简报正文${i}。\n`;
    }
    await build(files, stores.records, stores.objects);
    // A new site name changes every page: every document is rendered again, and lists its versions.
    const counted = counting(stores.dynamodb);
    const records = createDynamoRecordStore({ client: counted.client, table: stores.table });
    const summary = await build(
      { ...files, 'site.yaml': siteYaml.replace('name: 淮南市人民政府\n', 'name: 淮南市人民政府（新版）\n') },
      records,
      stores.objects,
    );
    expect(summary.refreshed).toBe(39);
    expect(counted.counts.get('BatchGetCommand')).toBe(1);
    // No per-document query of its versions (or audit trail); the build's one look at the pending marks is no document's.
    expect(counted.queries.filter((condition) => condition.includes('begins_with(sk') && !condition.includes(':pending'))).toEqual([]);
    const page = Buffer.from((await stores.objects.get(`${SITE_PREFIX}press/2010/extra-3/index.html`))?.body ?? []).toString('utf8');
    expect(page).toContain('第4号工作简报');
  }, 120_000);
});
