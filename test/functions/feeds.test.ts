// The bundled feeds function, in a fresh Node process, on DynamoDB stream records of the table.

import { createHash } from 'node:crypto';
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { marshall } from '@aws-sdk/util-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEPLOY_REBUILD_EVENT } from '../../src/aws/deployRebuild.ts';
import { entryKey, FEED_STATE_KEY } from '../../src/content/keys.ts';
import { createDynamoDeliveryStore } from '../../src/delivery/dynamodb.ts';
import type { FeedEntrySource } from '../../src/feeds/entries.ts';
import { RENDER_CODE_FILE, type RenderCodeParts } from '../../src/publish/renderCode.ts';
import type { DocumentRecord } from '../../src/store/ports.ts';
import { createEmulatorStores } from '../helpers/emulators.ts';
import { bundled, type FakeSqs, invokeBundle, startFakeSqs } from './harness.ts';
import { type PublishedSite, publishedSite } from './published.ts';

const partnersYaml = `partners:
  - id: hnnews
    name: 淮南新闻网
    takes: { kinds: [release], languages: [zh-CN], fullText: true }
    webhook: { url: https://news.huainan.gov.cn/hooks/gazette, secret: { awsSecret: "arn:aws:secretsmanager:ap-east-1:123456789012:secret:gazette/partners/hnnews-AbCdEf" } }
`;

let work: string;
let entry: string;
let site: PublishedSite;
let sqs: FakeSqs;

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'gazette-feeds-'));
  [entry, site, sqs] = await Promise.all([bundled('feeds'), publishedSite(partnersYaml), startFakeSqs()]);
}, 60_000);

afterAll(async () => {
  await sqs.close();
  await rm(work, { recursive: true, force: true });
});

let sequence = 100;
/** A stream record as Lambda delivers it: keys and images in DynamoDB JSON. */
function streamRecord(keys: { pk: string; sk: string }, newImage: object, eventName: 'INSERT' | 'MODIFY' = 'INSERT', oldImage?: object) {
  const seq = String(++sequence).padStart(21, '0');
  return {
    eventID: `event-${seq}`,
    eventName,
    eventVersion: '1.1',
    eventSource: 'aws:dynamodb',
    awsRegion: 'us-east-1',
    dynamodb: {
      ApproximateCreationDateTime: 1277424000,
      Keys: marshall(keys),
      NewImage: marshall({ ...keys, ...newImage }, { removeUndefinedValues: true }),
      ...(oldImage === undefined ? {} : { OldImage: marshall({ ...keys, ...oldImage }, { removeUndefinedValues: true }) }),
      SequenceNumber: seq,
      SizeBytes: 512,
      StreamViewType: 'NEW_AND_OLD_IMAGES',
    },
    eventSourceARN: 'arn:aws:dynamodb:us-east-1:123456789012:table/Gazette/stream/2010-06-25T00:00:00.000',
  };
}

const env = (bucket: string, table: string) => ({
  AWS_ENDPOINT_URL_S3: site.stores.s3Endpoint,
  AWS_ENDPOINT_URL_DYNAMODB: site.stores.dynamodbEndpoint,
  AWS_ENDPOINT_URL_SQS: sqs.url,
  SITE_BUCKET: bucket,
  TABLE_NAME: table,
  NOTIFY_QUEUE_URL: `${sqs.url}/123456789012/Gazette-NotifyQueue`,
});

describe('feeds bundle', () => {
  it('rebuilds the feeds, records the outbox and queues the partner when a document is committed', async () => {
    const release = site.documents.find((doc) => doc.id === 'press-2010-hotline') as DocumentRecord;
    const event = {
      Records: [
        streamRecord({ pk: 'ISSUE#2010-05', sk: 'META' }, { title: '2010年第5期' }),
        streamRecord({ pk: `DOC#${release.id}`, sk: 'V#000001' }, release),
        streamRecord({ pk: `DOC#${release.id}`, sk: 'META' }, release),
      ],
    };
    const result = await invokeBundle(entry, [event], env(site.stores.bucket, site.stores.table));
    expect(result.stderr).not.toMatch(/Error/);
    expect(result.results).toEqual([{ batchItemFailures: [] }]);
    const atom = await site.stores.objects.get('site/feeds/press/atom.xml');
    expect(Buffer.from(atom?.body ?? []).toString('utf8')).toContain(release.title);
    const jobs = await createDynamoDeliveryStore({ client: site.stores.dynamodb, table: site.stores.table }).listJobs('hnnews');
    expect(jobs.map((job) => [job.documentId, job.event, job.status])).toEqual([[release.id, 'document.published', 'pending']]);
    expect(sqs.messages.map((body) => JSON.parse(body))).toEqual([{ partnerId: 'hnnews' }]);
  }, 60_000);

  /** A render job renders the release again: its fragment rewritten with its page's new SHA-256, then its record committed with a new render digest. */
  async function renderAgain(release: DocumentRecord, newPage: string, digest: string): Promise<DocumentRecord> {
    const key = entryKey(release.id, release.version);
    const fragment = JSON.parse(Buffer.from((await site.stores.objects.get(key))?.body ?? []).toString('utf8')) as FeedEntrySource;
    const page = fragment.hashes?.find((file) => file.path.endsWith('index.html'));
    if (page === undefined) throw new Error('the fragment lists no page');
    page.sha256 = newPage;
    await site.stores.objects.put({ key, body: Buffer.from(JSON.stringify(fragment)), contentType: 'application/json' });
    const after = { ...release, digest };
    await site.stores.records.putDocument(after, release.version);
    return after;
  }
  const pressAtom = async () => Buffer.from((await site.stores.objects.get('site/feeds/press/atom.xml'))?.body ?? []).toString('utf8');

  it('shows a version rendered again in place (same version, new render digest) from its new entry fragment, and catches up with one whose batch was lost', async () => {
    const release = site.documents.find((doc) => doc.id === 'press-2010-hotline') as DocumentRecord;
    const meta = { pk: `DOC#${release.id}`, sk: 'META' };
    const run = async (records: ReturnType<typeof streamRecord>[]) => {
      const result = await invokeBundle(entry, [{ Records: records }], env(site.stores.bucket, site.stores.table));
      expect(result.results).toEqual([{ batchItemFailures: [] }]);
    };
    await run([streamRecord(meta, release)]);
    // A new template: the stream carries the commit of the render.
    const newPage = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';
    const again = await renderAgain(release, newPage, 'a1'.repeat(32));
    await run([streamRecord(meta, again, 'MODIFY', release)]);
    expect(await pressAtom()).toContain(`sha256="${newPage}"`);

    // Another render, whose stream batch went to the dead-letter queue: the next change of any document catches it up.
    const laterPage = '2c26b46b68ffc68ff99b453c1d30413413422d706483bfa0f98a5e886266e7ae';
    await renderAgain(again, laterPage, 'b2'.repeat(32));
    const other = site.documents.find((doc) => doc.id !== release.id) as DocumentRecord;
    await run([streamRecord({ pk: `DOC#${other.id}`, sk: 'META' }, other, 'MODIFY', other)]);
    expect(await pressAtom()).toContain(`sha256="${laterPage}"`);
  }, 60_000);

  it('after a deploy, writes again the feeds other feed code wrote, and nothing with the same code', async () => {
    const deploy = async (bundleEntry: string) => {
      const result = await invokeBundle(bundleEntry, [DEPLOY_REBUILD_EVENT], env(site.stores.bucket, site.stores.table));
      expect(result.logs.filter((log) => log['level'] === 'error')).toEqual([]);
      expect(result.logs.map((log) => log['message'])).toContain('Feeds after a deploy.');
    };
    await deploy(entry);
    const current = await pressAtom();
    // What older feed code would have left: other bytes, noted in the feeds' state as written.
    const key = 'site/feeds/press/atom.xml';
    const older = Buffer.from(current.replace('</feed>', '<!-- older feed code -->\n</feed>'), 'utf8');
    await site.stores.objects.put({ key, body: older, contentType: 'application/atom+xml' });
    const stateObject = await site.stores.objects.get(FEED_STATE_KEY);
    const state = JSON.parse(Buffer.from(stateObject?.body ?? []).toString('utf8')) as { heads: Record<string, string> };
    expect(state.heads[key]).toBeDefined();
    state.heads[key] = createHash('sha256').update(older).digest('hex');
    await site.stores.objects.put({ key: FEED_STATE_KEY, body: Buffer.from(JSON.stringify(state)), contentType: 'application/json' });
    // The same code: the feeds stay as they are.
    await deploy(entry);
    expect(await pressAtom()).toContain('older feed code');
    // A bundle of new feed code carries its new parts (infra/bundle.ts): the feeds are written again.
    const newCode = join(work, 'feeds-new-code');
    await cp(dirname(entry), newCode, { recursive: true });
    const parts = JSON.parse(await readFile(join(newCode, RENDER_CODE_FILE), 'utf8')) as RenderCodeParts;
    expect(parts.feeds.some((part) => part.startsWith('src/feeds/atom.ts\0'))).toBe(true);
    const feeds = parts.feeds.map((part) => (part.startsWith('src/feeds/atom.ts\0') ? 'src/feeds/atom.ts\0a new release\0' : part));
    await writeFile(join(newCode, RENDER_CODE_FILE), JSON.stringify({ ...parts, feeds }));
    await deploy(join(newCode, basename(entry)));
    expect(await pressAtom()).toBe(current);
  }, 60_000);

  it('retries from the first record when no publish has saved the site configuration yet', async () => {
    const empty = await createEmulatorStores();
    const record = streamRecord({ pk: 'DOC#press-2010-hotline', sk: 'META' }, site.documents[0] as DocumentRecord);
    const result = await invokeBundle(entry, [{ Records: [record] }], env(empty.bucket, empty.table));
    expect(result.results).toEqual([{ batchItemFailures: [{ itemIdentifier: record.dynamodb.SequenceNumber }] }]);
    expect(JSON.stringify(result.logs)).toContain('no publish has succeeded yet');
  }, 60_000);
});
