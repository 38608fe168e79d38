import { describe, expect, test } from 'vitest';
import { createDynamoDbDocumentClient } from '../../src/store/clients.ts';
import { createDynamoRecordStore } from '../../src/store/dynamodb.ts';
import { type DocumentRecord, PutDocumentsError, StoreUnavailableError, VersionConflictError } from '../../src/store/ports.ts';
import { documentRecord, issueRecord } from '../helpers/records.ts';
import { createTestStores } from '../helpers/stores.ts';

describe('DynamoDB record store: documents', () => {
  test('a document reads back exactly as written, without storage keys', async () => {
    const { records } = await createTestStores();
    const record = documentRecord();
    await records.putDocument(record, 0);
    expect(await records.getDocument(record.id)).toEqual(record);
    expect(await records.getDocument('2010-07-none')).toBeUndefined();
  });

  test('optional fields left undefined are simply absent', async () => {
    const { records } = await createTestStores();
    const record = documentRecord({ docNumber: undefined, summary: undefined });
    await records.putDocument(record, 0);
    const stored = await records.getDocument(record.id);
    expect(stored).not.toHaveProperty('docNumber');
    expect(stored?.title).toBe(record.title);
  });

  test('each change is a new version; older versions stay readable', async () => {
    const { records } = await createTestStores();
    const first = documentRecord();
    const second = { ...first, version: 2, title: '淮南市人民政府办公室关于进一步推进政务公开工作的通知（修订）', updatedAt: '2010-08-01T08:00:00.000Z' };
    await records.putDocument(first, 0);
    await records.putDocument(second, 1, '更正标题');

    expect(await records.getDocument(first.id)).toEqual(second);
    expect(await records.getDocumentVersion(first.id, 1)).toEqual(first);
    expect(await records.getDocumentVersion(first.id, 2)).toEqual({ ...second, changeNote: '更正标题' });
    expect((await records.listDocumentVersions(first.id)).map((version) => version.version)).toEqual([1, 2]);
  });

  test('a stale expected version is a VersionConflictError and changes nothing', async () => {
    const { records } = await createTestStores();
    const first = documentRecord();
    await records.putDocument(first, 0);
    await records.putDocument({ ...first, version: 2, title: '第二版' }, 1);

    const stale = records.putDocument({ ...first, version: 2, title: '过时的修改' }, 1);
    await expect(stale).rejects.toBeInstanceOf(VersionConflictError);
    await expect(stale).rejects.toThrow(first.id);
    await expect(records.putDocument(first, 0)).rejects.toBeInstanceOf(VersionConflictError);
    expect((await records.getDocument(first.id))?.title).toBe('第二版');
    expect(await records.listDocumentVersions(first.id)).toHaveLength(2);
  });

  test('of two concurrent writers from the same version, exactly one wins', async () => {
    const { records } = await createTestStores();
    const first = documentRecord();
    await records.putDocument(first, 0);
    const titles = ['甲的修改', '乙的修改', '丙的修改', '丁的修改'];
    const results = await Promise.allSettled(titles.map((title) => records.putDocument({ ...first, version: 2, title }, 1)));

    const winners = titles.filter((_, i) => results[i]?.status === 'fulfilled');
    expect(winners).toHaveLength(1);
    for (const result of results) {
      if (result.status === 'rejected') expect(result.reason).toBeInstanceOf(VersionConflictError);
    }
    expect((await records.getDocument(first.id))?.title).toBe(winners[0]);
    expect((await records.getDocumentVersion(first.id, 2))?.title).toBe(winners[0]);
  });

  test('putDocuments writes every entry and reports the ones that conflict', async () => {
    const { records } = await createTestStores();
    const existing = documentRecord({ id: '2010-07-exists' });
    await records.putDocument(existing, 0);
    const fresh = Array.from({ length: 30 }, (_, i) => documentRecord({ id: `2010-07-n${String(i).padStart(2, '0')}` }));

    const written = records.putDocuments([...fresh.map((record) => ({ record, expectedVersion: 0 })), { record: existing, expectedVersion: 0 }]);
    await expect(written).rejects.toBeInstanceOf(PutDocumentsError);
    const failures = await written.then(
      () => [],
      (error: PutDocumentsError) => error.failures,
    );
    expect(failures.map((failure) => failure.id)).toEqual([existing.id]);
    expect(failures[0]?.error).toBeInstanceOf(VersionConflictError);

    const listed: string[] = [];
    for await (const record of records.listDocuments()) listed.push(record.id);
    expect(listed).toEqual([...fresh.map((record) => record.id), existing.id].sort());
  });
});

describe('DynamoDB record store: listings', () => {
  test('listDocuments orders by date then id, across kinds or within one', async () => {
    const { records } = await createTestStores();
    const written = [
      documentRecord({ id: 'b', kind: 'article', date: '2010-07-15' }),
      documentRecord({ id: 'a', kind: 'release', date: '2010-07-15' }),
      documentRecord({ id: 'c', kind: 'conference', date: '2010-03-02' }),
      documentRecord({ id: 'd', kind: 'article', date: '2011-01-20' }),
      documentRecord({ id: 'e', kind: 'release', date: '2009-12-31' }),
    ];
    await records.putDocuments(written.map((record) => ({ record, expectedVersion: 0 })));

    const ids = async (kind?: DocumentRecord['kind']): Promise<string[]> => {
      const found: string[] = [];
      for await (const record of records.listDocuments(kind)) found.push(record.id);
      return found;
    };
    expect(await ids()).toEqual(['e', 'c', 'a', 'b', 'd']);
    expect(await ids('article')).toEqual(['b', 'd']);
    expect(await ids('release')).toEqual(['e', 'a']);
    for await (const record of records.listDocuments('conference')) expect(record).toEqual(written[2]);
  });

  test('listDocuments returns everything when the records exceed one 1 MB query page', async () => {
    const { records } = await createTestStores();
    const summary = '淮南本着灵活多样、简便实效的原则，从提高行政效率、改善服务质量、方便群众办事入手。'.repeat(60);
    const written = Array.from({ length: 260 }, (_, i) =>
      documentRecord({ id: `2011-${String(i).padStart(3, '0')}`, date: `2011-${String((i % 12) + 1).padStart(2, '0')}-01`, summary }),
    );
    expect(written.reduce((size, record) => size + Buffer.byteLength(JSON.stringify(record)), 0)).toBeGreaterThan(1_100_000);
    await records.putDocuments(written.map((record) => ({ record, expectedVersion: 0 })));

    const listed: string[] = [];
    for await (const record of records.listDocuments('article')) listed.push(`${record.date}#${record.id}`);
    expect(listed).toEqual(written.map((record) => `${record.date}#${record.id}`).sort());
  });
});

describe('DynamoDB record store: issues and serials', () => {
  test('issues are versioned like documents and listed by year and number', async () => {
    const { records } = await createTestStores();
    await records.putIssue(issueRecord({ year: 2011, number: 1 }), 0);
    await records.putIssue(issueRecord({ year: 2010, number: 12 }), 0);
    await records.putIssue(issueRecord({ year: 2010, number: 7 }), 0);
    await records.putIssue(issueRecord({ year: 2010, number: 7, version: 2, articleIds: ['a', 'b'] }), 1);

    await expect(records.putIssue(issueRecord({ year: 2010, number: 7, version: 2 }), 1)).rejects.toBeInstanceOf(VersionConflictError);
    await expect(records.putIssue(issueRecord({ year: 2011, number: 1 }), 0)).rejects.toBeInstanceOf(VersionConflictError);
    expect(await records.getIssue(2010, 7)).toEqual(issueRecord({ year: 2010, number: 7, version: 2, articleIds: ['a', 'b'] }));
    expect(await records.getIssue(2010, 8)).toBeUndefined();
    expect((await records.listIssues()).map((issue) => `${issue.year}-${issue.number}`)).toEqual(['2010-7', '2010-12', '2011-1']);
  });

  test('concurrent serial allocations never overlap', async () => {
    const { records } = await createTestStores();
    const firsts = await Promise.all(Array.from({ length: 20 }, () => records.allocateSerials('003210045', 2010, 3)));
    const numbers = firsts.flatMap((first) => [first, first + 1, first + 2]).sort((a, b) => a - b);
    expect(numbers).toEqual(Array.from({ length: 60 }, (_, i) => i + 1));
    // Counters are per department and year.
    expect(await records.allocateSerials('003210045', 2011, 5)).toBe(1);
    expect(await records.allocateSerials('003210046', 2010, 1)).toBe(1);
    expect(await records.allocateSerials('003210045', 2010, 1)).toBe(61);
  });
});

test('an unreachable endpoint is a StoreUnavailableError naming it', async () => {
  const endpoint = 'http://127.0.0.1:9';
  const client = createDynamoDbDocumentClient({ region: 'us-east-1', dynamodbEndpoint: endpoint, maxAttempts: 1 });
  const records = createDynamoRecordStore({ client, table: 'gazette' });
  const failure = records.getDocument('x');
  await expect(failure).rejects.toBeInstanceOf(StoreUnavailableError);
  await expect(failure).rejects.toThrow(endpoint);
  client.destroy();
});
