// The bundled feeds function on the stream record of a staged embargo: partners trusted with
// embargoes get `document.embargoed` early, as a local build gives it them; nobody else hears of
// it, and no public feed shows it.

import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDynamoDeliveryStore } from '../../src/delivery/dynamodb.ts';
import { SITE_PREFIX } from '../../src/store/ports.ts';
import { bundled, type FakeSqs, invokeBundle, startFakeSqs } from './harness.ts';
import { type PublishedSite, publishedSite } from './published.ts';

const partnersYaml = `partners:
  - id: early
    name: 新华社安徽分社
    takes: { kinds: [release], fullText: true }
    embargoAccess: true
    webhook: { url: https://early.example/hooks/gazette, secret: { awsSecret: "arn:aws:secretsmanager:ap-east-1:123456789012:secret:gazette/partners/early-AbCdEf" } }
  - id: hnnews
    name: 淮南新闻网
    takes: { kinds: [release], fullText: true }
    webhook: { url: https://news.huainan.gov.cn/hooks/gazette, secret: { awsSecret: "arn:aws:secretsmanager:ap-east-1:123456789012:secret:gazette/partners/hnnews-AbCdEf" } }
  - id: otherdept
    name: 只收市政府文件的伙伴
    takes: { kinds: [release], departments: [淮南市人民政府办公室], fullText: false }
    embargoAccess: true
    webhook: { url: https://other.example/hooks/gazette, secret: { awsSecret: "arn:aws:secretsmanager:ap-east-1:123456789012:secret:gazette/partners/other-AbCdEf" } }
`;

let work: string;
let entry: string;
let site: PublishedSite;
let sqs: FakeSqs;

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'gazette-embargo-'));
  [entry, site, sqs] = await Promise.all([bundled('feeds'), publishedSite(partnersYaml), startFakeSqs()]);
}, 60_000);

afterAll(async () => {
  await sqs.close();
  await rm(work, { recursive: true, force: true });
});

let sequence = 500;
/** The stream record of an item as the table holds it, as Lambda delivers it. */
function streamRecord(item: Record<string, unknown>, eventName: 'INSERT' | 'MODIFY', oldItem?: Record<string, unknown>) {
  const seq = String(++sequence).padStart(21, '0');
  return {
    eventID: `event-${seq}`,
    eventName,
    eventVersion: '1.1',
    eventSource: 'aws:dynamodb',
    awsRegion: 'us-east-1',
    dynamodb: {
      ApproximateCreationDateTime: 1277424000,
      Keys: marshall({ pk: item['pk'], sk: item['sk'] }),
      NewImage: marshall(item, { removeUndefinedValues: true }),
      ...(oldItem === undefined ? {} : { OldImage: marshall(oldItem, { removeUndefinedValues: true }) }),
      SequenceNumber: seq,
      SizeBytes: 512,
      StreamViewType: 'NEW_AND_OLD_IMAGES',
    },
    eventSourceARN: 'arn:aws:dynamodb:us-east-1:123456789012:table/Gazette/stream/2010-06-25T00:00:00.000',
  };
}

const text = async (key: string) => Buffer.from((await site.stores.objects.get(key))?.body ?? []).toString('utf8');

describe('feeds bundle, staged embargo', () => {
  it('tells partners with embargo access early, with the embargo time, and no one else', async () => {
    const { stores } = site;
    const staged = (await stores.dynamodb.send(new GetCommand({ TableName: stores.table, Key: { pk: 'DOC#press-2010-embargoed', sk: 'SCHEDULED' } }))).Item;
    expect(staged).toMatchObject({ id: 'press-2010-embargoed', publishAt: '2010-06-30T10:00:00+08:00' });
    const env = {
      AWS_ENDPOINT_URL_S3: stores.s3Endpoint,
      AWS_ENDPOINT_URL_DYNAMODB: stores.dynamodbEndpoint,
      AWS_ENDPOINT_URL_SQS: sqs.url,
      SITE_BUCKET: stores.bucket,
      TABLE_NAME: stores.table,
      NOTIFY_QUEUE_URL: `${sqs.url}/123456789012/Gazette-NotifyQueue`,
    };
    const feedsBefore = await text(`${SITE_PREFIX}feeds/press/atom.xml`);
    const record = streamRecord(staged as Record<string, unknown>, 'INSERT');
    // Staged again with the same render (a rebuild): already announced.
    const again = streamRecord(staged as Record<string, unknown>, 'MODIFY', staged as Record<string, unknown>);
    const result = await invokeBundle(entry, [{ Records: [record] }, { Records: [again] }], env);
    expect(result.logs.filter((log) => log['level'] === 'error' || log['level'] === 'warn')).toEqual([]);
    expect(result.results).toEqual([{ batchItemFailures: [] }, { batchItemFailures: [] }]);

    const store = createDynamoDeliveryStore({ client: stores.dynamodb, table: stores.table });
    const early = await store.listJobs('early');
    expect(early.map((job) => [job.documentId, job.event, job.status, job.embargoUntil])).toEqual([
      ['press-2010-embargoed', 'document.embargoed', 'pending', '2010-06-30T10:00:00+08:00'],
    ]);
    expect(JSON.parse(early[0]?.payload ?? '{}')).toMatchObject({
      type: 'document.embargoed',
      timestamp: staged?.['scheduledAt'],
      data: { id: 'press-2010-embargoed', url: 'https://www.huainan.gov.cn/press/2010/embargoed/', embargoUntil: '2010-06-30T10:00:00+08:00' },
    });
    expect(await store.listJobs('hnnews')).toEqual([]);
    // Embargo access, but a profile that does not take the document's department.
    expect(await store.listJobs('otherdept')).toEqual([]);
    expect(sqs.messages.map((body) => JSON.parse(body))).toEqual([{ partnerId: 'early' }]);
    expect(await text(`${SITE_PREFIX}feeds/press/atom.xml`)).toBe(feedsBefore);
    expect(feedsBefore).not.toContain('禁发期内的新闻稿');
  }, 60_000);
});
