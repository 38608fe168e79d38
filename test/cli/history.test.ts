// `gazette history` and `gazette status`, against in-memory records (no embedded servers).
// The status tests live here too because this is the CLI test file of the lifecycle work.

import { PassThrough } from 'node:stream';
import { dirname } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runHistory, type AuditEntry, type HistoryRecords } from '../../src/cli/history.ts';
import type { CliIo } from '../../src/cli/io.ts';
import { runStatus } from '../../src/cli/status.ts';
import type { DocumentRecord } from '../../src/store/ports.ts';
import { release, validSite, writeContent } from '../content/fixtures.ts';
import { record } from '../render/fixtures.ts';

function capture(cwd = process.cwd()): { io: CliIo; out: () => string; err: () => string } {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const chunks = { out: [] as Buffer[], err: [] as Buffer[] };
  stdout.on('data', (chunk: Buffer) => chunks.out.push(chunk));
  stderr.on('data', (chunk: Buffer) => chunks.err.push(chunk));
  return {
    io: { stdout, stderr, cwd, now: () => new Date('2010-12-09T09:00:00+08:00') },
    out: () => Buffer.concat(chunks.out).toString('utf8'),
    err: () => Buffer.concat(chunks.err).toString('utf8'),
  };
}

function memoryRecords(documents: DocumentRecord[], audit: AuditEntry[] = []): HistoryRecords & { listDocuments(): AsyncIterable<DocumentRecord> } {
  return {
    listAudit: async (id) => audit.filter((entry) => entry.id === id),
    getDocument: async (id) => documents.find((doc) => doc.id === id),
    listDocuments: async function* () {
      yield* documents;
    },
  };
}

describe('gazette history', () => {
  const id = 'press-2010-hotline-12345';
  const digests = ['1'.repeat(64), '2'.repeat(64), '3'.repeat(64)];
  const audit: AuditEntry[] = [
    // Out of order on purpose: the table is in time order.
    { id, at: '2010-12-10T08:00:00.000Z', event: 'withdrawn', version: 3, digest: digests[2] as string, author: '王晓明' },
    {
      id,
      at: '2010-12-07T09:00:00.000Z',
      event: 'scheduled',
      version: 1,
      digest: digests[0] as string,
      commit: 'a1b2c3d4e5f60718293a4b5c6d7e8f9012345678',
      author: '李静',
    },
    { id, at: '2010-12-08T02:00:00.000Z', event: 'released', version: 1, digest: digests[0] as string },
    { id, at: '2010-12-09T01:00:00.000Z', event: 'updated', version: 2, digest: digests[1] as string, commit: 'b2c3d4e5f60718293a4b5c6d7e8f901234567890' },
    { id: 'press-2010-other', at: '2010-12-09T01:00:00.000Z', event: 'published', version: 1, digest: digests[1] as string },
  ];
  const records = memoryRecords([record({ id, status: 'withdrawn', version: 3, title: '12345市长公开电话办理回复率达95%' })], audit);

  it('prints the audit trail of one document as a table in time order', async () => {
    const { io, out } = capture();
    expect(await runHistory([id], io, { records })).toBe(0);
    const lines = out().split('\n');
    expect(lines[0]).toBe(`${id}  12345市长公开电话办理回复率达95%`);
    expect(lines[1]).toContain('withdrawn, version 3');
    const table = lines.slice(3).filter((line) => line !== '');
    expect(table[0]?.split(/\s{2,}/)).toEqual(['time', 'event', 'version', 'digest', 'commit', 'author']);
    expect(table.slice(1).map((line) => line.split(/\s{2,}/))).toEqual([
      ['2010-12-07T09:00:00.000Z', 'scheduled', '1', '111111111111', 'a1b2c3d4e5f6', '李静'],
      ['2010-12-08T02:00:00.000Z', 'released', '1', '111111111111', '-', '-'],
      ['2010-12-09T01:00:00.000Z', 'updated', '2', '222222222222', 'b2c3d4e5f607', '-'],
      ['2010-12-10T08:00:00.000Z', 'withdrawn', '3', '333333333333', '-', '王晓明'],
    ]);
  });

  it('says so when the id is unknown, and exits with 1', async () => {
    const { io, err } = capture();
    expect(await runHistory(['press-2010-hotline'], io, { records })).toBe(1);
    expect(err()).toContain('no document with the id "press-2010-hotline"');
  });

  it('needs exactly one id and suggests misspelt options', async () => {
    const none = capture();
    expect(await runHistory([], none.io, { records })).toBe(1);
    expect(none.err()).toContain('give the id of one document');
    const typo = capture();
    expect(await runHistory([id, '--dat', 'x'], typo.io, { records })).toBe(1);
    expect(typo.err()).toContain('`--data`');
  });
});

describe('gazette status', () => {
  async function site(): Promise<string> {
    const root = await writeContent({
      ...validSite(),
      'press/2010/later.md': release({ id: 'press-2010-later', title: '元旦假期安排', date: '2010-12-20', publishAt: '2010-12-20T10:00:00+08:00' }),
      'press/2010/due.md': release({ id: 'press-2010-due', title: '12345热线年度报告', date: '2010-12-08', publishAt: '2010-12-08T10:00:00+08:00' }),
      'press/2010/due-draft.md': release({ id: 'press-2010-due-draft', date: '2010-12-08', publishAt: '2010-12-08T10:00:00+08:00', draft: 'true' }),
    });
    return dirname(root);
  }
  const published = ['huaifu-2010-69', 'huaifuban-2010-72', 'speech-2010-daiqiyuan', 'press-2010-zwgk-fabuhui'].map((id) => record({ id }));

  it('lists scheduled documents and flags a due one that was not released, exiting with 1', async () => {
    const { io, out } = capture(await site());
    const records = memoryRecords([
      ...published,
      record({ id: 'press-2010-hotline-12345', status: 'withdrawn' }),
      record({ id: 'press-2010-due', status: 'scheduled' }),
    ]);
    expect(await runStatus([], io, { records })).toBe(1);
    const text = out();
    const scheduled = text.slice(text.indexOf('Scheduled'), text.indexOf('Overdue'));
    expect(scheduled).toContain('2010-12-20T10:00:00+08:00  press-2010-later');
    expect(scheduled).not.toContain('press-2010-due');
    const overdue = text.slice(text.indexOf('Overdue'));
    expect(overdue).toMatch(/2010-12-08T10:00:00\+08:00 +press-2010-due +scheduled +12345热线年度报告/);
    expect(overdue).not.toContain('press-2010-due-draft');
    expect(text).toContain('Published: 4, withdrawn: 1, scheduled: 1, overdue: 1.');
    expect(text).toContain('gazette release');
  });

  it('counts a due document without any record as overdue', async () => {
    const { io, out } = capture(await site());
    expect(await runStatus([], io, { records: memoryRecords(published) })).toBe(1);
    expect(out()).toMatch(/press-2010-due +no record/);
  });

  it('exits with 0 once the due document is released, or before it is due', async () => {
    const cwd = await site();
    const released = capture(cwd);
    expect(await runStatus([], released.io, { records: memoryRecords([...published, record({ id: 'press-2010-due' })]) })).toBe(0);
    expect(released.out()).not.toContain('Overdue');
    const early = capture(cwd);
    expect(await runStatus(['--now', '2010-12-08T09:59:00+08:00'], early.io, { records: memoryRecords(published) })).toBe(0);
    expect(early.out()).toContain('Scheduled (2)');
  });

  it('refuses a --now that is not a date-time', async () => {
    const { io, err } = capture(await site());
    expect(await runStatus(['--now', 'tomorrow'], io, { records: memoryRecords([]) })).toBe(1);
    expect(err()).toContain('--now "tomorrow" is not an ISO 8601 date-time');
  });
});
