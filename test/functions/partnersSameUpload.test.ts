// A partner added in the same upload as an embargoed document hears of the embargo early. On AWS
// the staging (the document's SCHEDULED item) reaches the feeds function through the table's
// stream, which may run at once: the site configuration it reads must already name the partner.

import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { publishFromSource } from '../../src/aws/publishFromSource.ts';
import { createDynamoDeliveryStore } from '../../src/delivery/dynamodb.ts';
import type { RecordStore } from '../../src/store/ports.ts';
import { sampleFiles } from '../publish/site.ts';
import { bundled, type FakeSqs, invokeBundle, type Invocation, startFakeSqs } from './harness.ts';
import { type PublishedSite, publishedSite } from './published.ts';
import { createSourceBucket } from './sources.ts';

const hnnews = `  - id: hnnews
    name: 淮南新闻网
    takes: { kinds: [release], fullText: true }
    webhook: { url: https://news.huainan.gov.cn/hooks/gazette, secret: { awsSecret: "arn:aws:secretsmanager:ap-east-1:123456789012:secret:gazette/partners/hnnews-AbCdEf" } }
`;
const early = `  - id: early
    name: 新华社安徽分社
    takes: { kinds: [release], fullText: true }
    embargoAccess: true
    webhook: { url: https://early.example/hooks/gazette, secret: { awsSecret: "arn:aws:secretsmanager:ap-east-1:123456789012:secret:gazette/partners/early-AbCdEf" } }
`;
const embargoed = `---
id: press-2010-embargoed-2
title: 第二篇禁发期内的新闻稿
date: 2010-06-29
department: 淮南市人民政府新闻办公室
category: 综合政务
publishAt: 2010-06-29T10:00:00+08:00
---
第二篇禁发期内正文。
`;

let work: string;
let entry: string;
let site: PublishedSite;
let sqs: FakeSqs;

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'gazette-partners-'));
  [entry, site, sqs] = await Promise.all([bundled('feeds'), publishedSite(`partners:\n${hnnews}`), startFakeSqs()]);
}, 60_000);

afterAll(async () => {
  await sqs.close();
  await rm(work, { recursive: true, force: true });
});

describe('an upload that adds an embargo partner and an embargoed document', () => {
  it('has the stream tell the new partner early, however soon the staging reaches the feeds function', async () => {
    const { stores } = site;
    const env = {
      AWS_ENDPOINT_URL_S3: stores.s3Endpoint,
      AWS_ENDPOINT_URL_DYNAMODB: stores.dynamodbEndpoint,
      AWS_ENDPOINT_URL_SQS: sqs.url,
      SITE_BUCKET: stores.bucket,
      TABLE_NAME: stores.table,
      NOTIFY_QUEUE_URL: `${sqs.url}/123456789012/Gazette-NotifyQueue`,
    };
    // The stream at its fastest: the feeds function runs on the staging as soon as it is written.
    const invocations: Invocation[] = [];
    const records: RecordStore = {
      ...stores.records,
      async putScheduled(record) {
        await stores.records.putScheduled(record);
        const item = (await stores.dynamodb.send(new GetCommand({ TableName: stores.table, Key: { pk: `DOC#${record.id}`, sk: 'SCHEDULED' } }))).Item as Record<
          string,
          unknown
        >;
        const streamRecord = {
          eventID: `event-${record.id}`,
          eventName: 'INSERT',
          eventVersion: '1.1',
          eventSource: 'aws:dynamodb',
          awsRegion: 'us-east-1',
          dynamodb: {
            Keys: marshall({ pk: item['pk'], sk: item['sk'] }),
            NewImage: marshall(item, { removeUndefinedValues: true }),
            SequenceNumber: '000000000000000000901',
            SizeBytes: 512,
            StreamViewType: 'NEW_AND_OLD_IMAGES',
          },
          eventSourceARN: 'arn:aws:dynamodb:us-east-1:123456789012:table/Gazette/stream/2010-06-25T00:00:00.000',
        };
        invocations.push(await invokeBundle(entry, [{ Records: [streamRecord] }], env));
      },
    };
    const source = await createSourceBucket();
    await source.upload({ ...sampleFiles(), 'partners.yaml': `partners:\n${hnnews}${early}`, 'press/2010/embargoed-2.md': embargoed });
    const result = await publishFromSource({
      source: source.store,
      objects: stores.objects,
      records,
      contentDir: join(work, 'content'),
      now: new Date('2010-06-26T08:00:00+08:00'),
    });
    expect(result.status).toBe('published');

    expect(invocations.map((invocation) => invocation.results)).toEqual([[{ batchItemFailures: [] }]]);
    const jobs = await createDynamoDeliveryStore({ client: stores.dynamodb, table: stores.table }).listJobs('early');
    expect(jobs.map((job) => [job.documentId, job.event, job.embargoUntil])).toEqual([
      ['press-2010-embargoed-2', 'document.embargoed', '2010-06-29T10:00:00+08:00'],
    ]);
    expect(sqs.messages.map((body) => JSON.parse(body))).toContainEqual({ partnerId: 'early' });
  }, 120_000);
});
