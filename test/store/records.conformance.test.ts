// The RecordStore port, the same cases for every adapter (test/store/adapters.ts): SQLite and
// DynamoDB (DynamoDB Local). What only one adapter has (DynamoDB's endpoint, SQLite's locking
// across processes) is tested beside it, in dynamodb.test.ts and sqlite.test.ts.

import { describe, expect, test } from 'vitest';
import type { AuditEntry, BuildLease, DocumentRecord, PendingBuild, ScheduledRecord } from '../../src/store/ports.ts';
import { PutDocumentsError, VersionConflictError } from '../../src/store/ports.ts';
import { documentRecord, issueRecord } from '../helpers/records.ts';
import { recordStoreAdapters } from './adapters.ts';

function scheduled(id: string, publishAt: string): ScheduledRecord {
  return {
    id,
    kind: 'release',
    title: `${id} 新闻发布`,
    file: `content/press/2010/${id}.md`,
    urlPath: `/press/2010/${id}/`,
    publishAt,
    digest: 'd'.repeat(64),
    indexNumber: '003210003/2010-00007',
    artifactKeys: [`private/scheduled/${id}/index.html`],
    scheduledAt: '2010-12-01T02:00:00.000Z',
  };
}

function audit(id: string, version: number, event: AuditEntry['event'], at: string): AuditEntry {
  return { id, version, event, at, digest: 'e'.repeat(64), commit: '3f2a9c1', author: '张三' };
}

const lease = (fence: string, overrides: Partial<BuildLease> = {}): BuildLease => ({
  token: fence,
  fence,
  active: true,
  since: '2010-12-08T02:00:00.000Z',
  holder: 'process-a',
  host: 'gazette-build',
  pid: 4242,
  ...overrides,
});

describe.each(recordStoreAdapters)('$name record store', ({ create }) => {
  describe('documents', () => {
    test('a document reads back exactly as written, without storage keys', async () => {
      const { store: records } = await create();
      const record = documentRecord();
      await records.putDocument(record, 0);
      expect(await records.getDocument(record.id)).toEqual(record);
      expect(await records.getDocument('2010-07-none')).toBeUndefined();
    });

    test('optional fields left undefined are simply absent', async () => {
      const { store: records } = await create();
      const record = documentRecord({ docNumber: undefined, summary: undefined });
      await records.putDocument(record, 0);
      const stored = await records.getDocument(record.id);
      expect(stored).not.toHaveProperty('docNumber');
      expect(stored).not.toHaveProperty('summary');
      expect(stored?.title).toBe(record.title);
    });

    test('each change is a new version; older versions stay readable', async () => {
      const { store: records } = await create();
      const first = documentRecord();
      const second = { ...first, version: 2, title: '淮南市人民政府办公室关于进一步推进政务公开工作的通知（修订）', updatedAt: '2010-08-01T08:00:00.000Z' };
      await records.putDocument(first, 0);
      await records.putDocument(second, 1, '更正标题');

      expect(await records.getDocument(first.id)).toEqual(second);
      expect(await records.getDocumentVersion(first.id, 1)).toEqual(first);
      expect(await records.getDocumentVersion(first.id, 2)).toEqual({ ...second, changeNote: '更正标题' });
      expect(await records.getDocumentVersion(first.id, 3)).toBeUndefined();
      expect((await records.listDocumentVersions(first.id)).map((version) => version.version)).toEqual([1, 2]);
    });

    test('writing the same version again refreshes the record in place, without a new version item', async () => {
      const { store: records } = await create();
      const first = documentRecord();
      await records.putDocument(first, 0);
      const rerendered = { ...first, digest: 'f'.repeat(64), updatedAt: '2010-07-20T08:00:00.000Z' };
      await records.putDocument(rerendered, 1);
      expect(await records.getDocument(first.id)).toEqual(rerendered);
      expect(await records.listDocumentVersions(first.id)).toEqual([first]);
    });

    test('a record version that is neither the expected one nor the next is a programming error, and writes nothing', async () => {
      const { store: records } = await create();
      const first = documentRecord();
      await records.putDocument(first, 0);
      await expect(records.putDocument({ ...first, version: 3 }, 1)).rejects.toThrow(/version 3 must be expectedVersion \(1\) or one more/);
      await expect(records.putDocuments([{ record: { ...first, id: 'other', version: 2 }, expectedVersion: 0 }])).rejects.toThrow(/other: record version 2/);
      expect(await records.getDocument('other')).toBeUndefined();
      expect((await records.getDocument(first.id))?.version).toBe(1);
    });

    test('a stale expected version is a VersionConflictError and changes nothing', async () => {
      const { store: records } = await create();
      const first = documentRecord();
      await records.putDocument(first, 0);
      await records.putDocument({ ...first, version: 2, title: '第二版' }, 1);

      const stale = records.putDocument({ ...first, version: 2, title: '过时的修改' }, 1);
      await expect(stale).rejects.toBeInstanceOf(VersionConflictError);
      await expect(stale).rejects.toThrow(first.id);
      await expect(records.putDocument(first, 0)).rejects.toBeInstanceOf(VersionConflictError);
      await expect(records.putDocument({ ...first, id: 'never-written', version: 2 }, 1)).rejects.toBeInstanceOf(VersionConflictError);
      expect((await records.getDocument(first.id))?.title).toBe('第二版');
      expect(await records.listDocumentVersions(first.id)).toHaveLength(2);
      expect(await records.getDocument('never-written')).toBeUndefined();
    });

    test('of concurrent writers from the same version, exactly one wins, in this process or another', async () => {
      const { store: records, another } = await create();
      const first = documentRecord();
      await records.putDocument(first, 0);
      const writes = [
        { writer: records, title: '甲的修改' },
        { writer: another(), title: '乙的修改' },
        { writer: records, title: '丙的修改' },
        { writer: another(), title: '丁的修改' },
      ];
      const results = await Promise.allSettled(writes.map(({ writer, title }) => writer.putDocument({ ...first, version: 2, title }, 1)));

      const winners = writes.filter((_, i) => results[i]?.status === 'fulfilled').map(({ title }) => title);
      expect(winners).toHaveLength(1);
      for (const result of results) {
        if (result.status === 'rejected') expect(result.reason).toBeInstanceOf(VersionConflictError);
      }
      expect((await records.getDocument(first.id))?.title).toBe(winners[0]);
      expect((await records.getDocumentVersion(first.id, 2))?.title).toBe(winners[0]);
    });

    test('putDocuments writes every entry and reports the ones that conflict', async () => {
      const { store: records } = await create();
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
      expect(await records.listDocumentVersions(existing.id)).toEqual([existing]);
    });

    test('getDocumentVersions reads many versions at once (more than one batch), leaving out the missing ones', async () => {
      const { store: records } = await create();
      const ids = Array.from({ length: 60 }, (_, i) => `2010-v${String(i).padStart(2, '0')}`);
      await records.putDocuments(ids.map((id) => ({ record: documentRecord({ id }), expectedVersion: 0 })));
      await records.putDocuments(ids.map((id) => ({ record: documentRecord({ id, version: 2, title: `${id} 修订` }), expectedVersion: 1 })));
      const wanted = [
        ...ids.flatMap((id) => [
          { id, version: 1 },
          { id, version: 2 },
        ]),
        { id: ids[0] as string, version: 1 },
        { id: 'none', version: 1 },
        { id: ids[1] as string, version: 9 },
      ];

      const found = await records.getDocumentVersions(wanted);
      expect(found.map((record) => `${record.id}@${record.version}`).sort()).toEqual(ids.flatMap((id) => [`${id}@1`, `${id}@2`]).sort());
      expect(found.find((record) => record.id === ids[5] && record.version === 2)?.title).toBe(`${ids[5]} 修订`);
      expect(await records.getDocumentVersions([])).toEqual([]);
    });
  });

  describe('listings', () => {
    test('listDocuments orders by date then id, across kinds or within one', async () => {
      const { store: records } = await create();
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

    test('listDocuments returns everything when the records exceed one page (1 MB on DynamoDB)', async () => {
      const { store: records } = await create();
      const summary = '淮南本着灵活多样、简便实效的原则，从提高行政效率、改善服务质量、方便群众办事入手。'.repeat(60);
      const written = Array.from({ length: 600 }, (_, i) =>
        documentRecord({ id: `2011-${String(i).padStart(4, '0')}`, date: `2011-${String((i % 12) + 1).padStart(2, '0')}-01`, ...(i < 260 && { summary }) }),
      );
      expect(written.reduce((size, record) => size + Buffer.byteLength(JSON.stringify(record)), 0)).toBeGreaterThan(1_100_000);
      await records.putDocuments(written.map((record) => ({ record, expectedVersion: 0 })));

      const listed: string[] = [];
      for await (const record of records.listDocuments('article')) listed.push(`${record.date}#${record.id}`);
      expect(listed).toEqual(written.map((record) => `${record.date}#${record.id}`).sort());
    });

    test('a listing in progress goes on while the store is written', async () => {
      const { store: records } = await create();
      const written = Array.from({ length: 600 }, (_, i) => documentRecord({ id: `2010-${String(i).padStart(4, '0')}` }));
      await records.putDocuments(written.map((record) => ({ record, expectedVersion: 0 })));
      let seen = 0;
      for await (const record of records.listDocuments()) {
        if (seen++ % 100 === 0) await records.putDocument({ ...record, version: 2, title: '修订' }, 1);
      }
      expect(seen).toBe(600);
      expect((await records.getDocument('2010-0100'))?.version).toBe(2);
    });
  });

  describe('issues and serials', () => {
    test('issues are versioned like documents and listed by year and number', async () => {
      const { store: records } = await create();
      await records.putIssue(issueRecord({ year: 2011, number: 1 }), 0);
      await records.putIssue(issueRecord({ year: 2010, number: 12 }), 0);
      await records.putIssue(issueRecord({ year: 2010, number: 7 }), 0);
      await records.putIssue(issueRecord({ year: 2010, number: 7, version: 2, articleIds: ['a', 'b'] }), 1);

      await expect(records.putIssue(issueRecord({ year: 2010, number: 7, version: 2 }), 1)).rejects.toBeInstanceOf(VersionConflictError);
      await expect(records.putIssue(issueRecord({ year: 2011, number: 1 }), 0)).rejects.toBeInstanceOf(VersionConflictError);
      await expect(records.putIssue(issueRecord({ year: 2012, number: 1, version: 2 }), 1)).rejects.toThrow('2012-01');
      expect(await records.getIssue(2010, 7)).toEqual(issueRecord({ year: 2010, number: 7, version: 2, articleIds: ['a', 'b'] }));
      expect(await records.getIssue(2010, 8)).toBeUndefined();
      expect(await records.getIssue(2012, 1)).toBeUndefined();
      expect((await records.listIssues()).map((issue) => `${issue.year}-${issue.number}`)).toEqual(['2010-7', '2010-12', '2011-1']);
    });

    test('concurrent serial allocations never overlap, in this process or another', async () => {
      const { store: records, another } = await create();
      const elsewhere = another();
      const firsts = await Promise.all(Array.from({ length: 20 }, (_, i) => (i % 2 === 0 ? records : elsewhere).allocateSerials('003210045', 2010, 3)));
      const numbers = firsts.flatMap((first) => [first, first + 1, first + 2]).sort((a, b) => a - b);
      expect(numbers).toEqual(Array.from({ length: 60 }, (_, i) => i + 1));
      // Counters are per department and year.
      expect(await records.allocateSerials('003210045', 2011, 5)).toBe(1);
      expect(await records.allocateSerials('003210046', 2010, 1)).toBe(1);
      expect(await records.allocateSerials('003210045', 2010, 1)).toBe(61);
      await expect(records.allocateSerials('003210045', 2010, 0)).rejects.toThrow(/positive integer/);
      expect(await records.allocateSerials('003210045', 2010, 1)).toBe(62);
    });
  });

  describe('scheduled documents', () => {
    test('stagings are listed by publish time then id, replaced by a new staging of the same id, and deleted', async () => {
      const { store: records } = await create();
      await records.putScheduled(scheduled('press-b', '2010-12-09T01:00:00.000Z'));
      await records.putScheduled(scheduled('press-a', '2010-12-09T01:00:00.000Z'));
      await records.putScheduled(scheduled('press-c', '2010-12-08T09:30:00.000Z'));
      await records.putScheduled({
        ...scheduled('press-d', '2010-12-10T00:00:00.000Z'),
        lang: 'zh-CN',
        department: '淮南市人民政府新闻办公室',
        category: '新闻发布',
        summary: '提前通知',
      });
      await records.putScheduled({ ...scheduled('press-b', '2010-12-07T00:00:00.000Z'), title: '改期' });

      const listed = await records.listScheduled();
      expect(listed.map((record) => record.id)).toEqual(['press-b', 'press-c', 'press-a', 'press-d']);
      expect(listed[0]).toEqual({ ...scheduled('press-b', '2010-12-07T00:00:00.000Z'), title: '改期' });
      expect(listed[3]).toMatchObject({ department: '淮南市人民政府新闻办公室', summary: '提前通知' });

      await records.deleteScheduled('press-c');
      await records.deleteScheduled('press-none');
      expect((await records.listScheduled()).map((record) => record.id)).toEqual(['press-b', 'press-a', 'press-d']);
    });
  });

  describe('audit trail', () => {
    test('a state change is recorded once: writing it again keeps the first', async () => {
      const { store: records } = await create();
      await records.putAudit(audit('2010-07-zwgk', 1, 'published', '2010-07-15T08:00:00.000Z'));
      await records.putAudit({ ...audit('2010-07-zwgk', 1, 'published', '2010-07-16T08:00:00.000Z'), author: '李四' });
      expect(await records.listAudit('2010-07-zwgk')).toEqual([audit('2010-07-zwgk', 1, 'published', '2010-07-15T08:00:00.000Z')]);
      expect(await records.listAudit('2010-07-none')).toEqual([]);
    });

    test('the trail is oldest first, by time then version', async () => {
      const { store: records } = await create();
      const entries = [
        audit('2010-07-zwgk', 3, 'withdrawn', '2010-09-01T08:00:00.000Z'),
        audit('2010-07-zwgk', 2, 'updated', '2010-08-01T08:00:00.000Z'),
        audit('2010-07-zwgk', 1, 'released', '2010-07-15T08:00:00.000Z'),
        audit('2010-07-zwgk', 1, 'scheduled', '2010-07-10T08:00:00.000Z'),
        audit('2010-07-other', 1, 'published', '2010-07-01T08:00:00.000Z'),
      ];
      for (const entry of entries) await records.putAudit(entry);
      expect((await records.listAudit('2010-07-zwgk')).map((entry) => `${entry.version}:${entry.event}`)).toEqual([
        '1:scheduled',
        '1:released',
        '2:updated',
        '3:withdrawn',
      ]);
    });

    test('a document and its audit entry are written in one transaction: an entry already there makes the write a conflict', async () => {
      const { store: records } = await create();
      const first = documentRecord();
      const published = audit(first.id, 1, 'published', first.updatedAt);
      await records.putDocuments([{ record: first, expectedVersion: 0, audit: published }]);
      expect(await records.listAudit(first.id)).toEqual([published]);

      // A retried step whose audit entry exists already: nothing of it is written.
      const second = { ...first, version: 2, title: '第二版' };
      await records.putAudit(audit(first.id, 2, 'updated', '2010-08-01T08:00:00.000Z'));
      const retried = records.putDocuments([
        { record: second, expectedVersion: 1, changeNote: '改正', audit: audit(first.id, 2, 'updated', '2010-08-02T08:00:00.000Z') },
      ]);
      await expect(retried).rejects.toBeInstanceOf(PutDocumentsError);
      expect((await records.getDocument(first.id))?.version).toBe(1);
      expect(await records.getDocumentVersion(first.id, 2)).toBeUndefined();
      expect((await records.listAudit(first.id)).map((entry) => entry.at)).toEqual([first.updatedAt, '2010-08-01T08:00:00.000Z']);
    });
  });

  describe('build lease', () => {
    test('one build takes a free lease; a claim from a stale reading fails', async () => {
      const { store: records, another } = await create();
      expect(await records.getBuildLease()).toBeUndefined();
      const elsewhere = another();
      const claims = await Promise.all([records.claimBuildLease(undefined, lease('fence-a')), elsewhere.claimBuildLease(undefined, lease('fence-b'))]);
      expect(claims.filter(Boolean)).toHaveLength(1);
      const holder = claims[0] ? 'fence-a' : 'fence-b';
      expect(await records.getBuildLease()).toEqual(lease(holder));
      expect(await records.claimBuildLease(undefined, lease('fence-c'))).toBe(false);
      expect(await records.claimBuildLease(lease('fence-x'), lease('fence-c'))).toBe(false);
      expect(await records.claimBuildLease(lease(holder, { active: false }), lease('fence-c'))).toBe(false);
      expect((await records.getBuildLease())?.fence).toBe(holder);
    });

    test('a claim compares only the token and the active flag of the lease it read', async () => {
      const { store: records } = await create();
      await records.claimBuildLease(undefined, lease('fence-a'));
      expect(await records.finishBuildLease('fence-a')).toBe('kept');
      // A build that trusts its snapshot claims from the token alone, not knowing when the lease was given up.
      expect(await records.claimBuildLease({ token: 'fence-a', active: false, since: '' }, lease('fence-b', { since: '2010-12-09T00:00:00.000Z' }))).toBe(true);
      expect(await records.getBuildLease()).toEqual(lease('fence-b', { since: '2010-12-09T00:00:00.000Z' }));
    });

    test('the holder renews and gives up its lease; after a takeover the old holder finds it lost', async () => {
      const { store: records } = await create();
      await records.claimBuildLease(undefined, lease('fence-a'));
      expect(await records.renewBuildLease('fence-a', '2010-12-08T02:00:20.000Z')).toBe(true);
      expect(await records.getBuildLease()).toEqual(lease('fence-a', { since: '2010-12-08T02:00:20.000Z' }));
      expect(await records.renewBuildLease('fence-other', '2010-12-08T02:00:40.000Z')).toBe(false);

      // Another build takes the lease over (it expired): the old holder can neither renew nor finish it.
      const expired = await records.getBuildLease();
      expect(await records.claimBuildLease(expired, lease('fence-b', { holder: 'process-b' }))).toBe(true);
      expect(await records.renewBuildLease('fence-a', '2010-12-08T02:03:00.000Z')).toBe(false);
      expect(await records.finishBuildLease('fence-a')).toBe('lost');
      expect(await records.getBuildLease()).toEqual(lease('fence-b', { holder: 'process-b' }));

      expect(await records.finishBuildLease('fence-b')).toBe('kept');
      expect(await records.getBuildLease()).toEqual(lease('fence-b', { holder: 'process-b', active: false }));
      expect(await records.finishBuildLease('fence-b')).toBe('lost');
      expect(await records.renewBuildLease('fence-b', '2010-12-08T02:04:00.000Z')).toBe(false);
    });

    test('a build that ran beside the holder spoils its token: giving the lease up says so', async () => {
      const { store: records } = await create();
      await records.claimBuildLease(undefined, lease('fence-a'));
      const current = await records.getBuildLease();
      expect(await records.claimBuildLease(current, { ...(current as BuildLease), token: 'spoiled-fence-z' })).toBe(true);
      expect(await records.renewBuildLease('fence-a', '2010-12-08T02:00:20.000Z')).toBe(true);
      expect(await records.finishBuildLease('fence-a')).toBe('spoiled');
      expect(await records.getBuildLease()).toMatchObject({ token: 'spoiled-fence-z', fence: 'fence-a', active: false });
    });
  });

  describe('pending builds', () => {
    const mark = (buildId: string, until: string, overrides: Partial<PendingBuild> = {}): PendingBuild => ({
      buildId,
      until,
      since: '2010-12-08T02:00:00.000Z',
      holder: 'process-a',
      host: 'builder',
      pid: 4242,
      ...overrides,
    });

    test('a mark is kept per build; its time only moves later, and its first time stays', async () => {
      const { store: records, another } = await create();
      expect(await records.listPendingBuilds()).toEqual([]);
      await records.markPendingBuild(mark('build-a', '2010-12-08T02:02:00.000Z'));
      await another().markPendingBuild(mark('build-b', '2010-12-08T02:05:00.000Z', { holder: 'process-b' }));
      // A later job of build a extends it; an earlier reading (another job's clock) does not shorten it.
      await records.markPendingBuild(mark('build-a', '2010-12-08T02:04:00.000Z', { since: '2010-12-08T02:03:00.000Z', holder: 'job-2', pid: 7 }));
      await records.markPendingBuild(mark('build-a', '2010-12-08T02:03:00.000Z', { holder: 'job-3' }));
      expect((await records.listPendingBuilds()).sort((x, y) => (x.buildId < y.buildId ? -1 : 1))).toEqual([
        mark('build-a', '2010-12-08T02:04:00.000Z', { holder: 'job-2', pid: 7 }),
        mark('build-b', '2010-12-08T02:05:00.000Z', { holder: 'process-b' }),
      ]);
    });

    test('a mark is cleared at the time it was read, not once extended since; without a time, as it is', async () => {
      const { store: records } = await create();
      await records.markPendingBuild(mark('build-a', '2010-12-08T02:02:00.000Z'));
      await records.markPendingBuild(mark('build-b', '2010-12-08T02:02:00.000Z', { holder: undefined, host: undefined, pid: undefined }));
      await records.markPendingBuild(mark('build-a', '2010-12-08T02:06:00.000Z'));
      expect(await records.clearPendingBuild('build-a', '2010-12-08T02:02:00.000Z')).toBe(false);
      expect(await records.clearPendingBuild('build-b', '2010-12-08T02:02:00.000Z')).toBe(true);
      expect((await records.listPendingBuilds()).map((pending) => pending.buildId)).toEqual(['build-a']);
      expect(await records.clearPendingBuild('build-a')).toBe(true);
      expect(await records.clearPendingBuild('build-a')).toBe(false);
      expect(await records.listPendingBuilds()).toEqual([]);
    });
  });
});
