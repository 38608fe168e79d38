// The records snapshot a local build keeps under .gazette/cache/: written whole by the first
// build, then journaled (the records a build changed, one line a build) until the journal is
// long or a build changed many records. Read back, it is always the last kept snapshot, or
// (after a torn line) an older one whose token the lease does not trust.

import { mkdtemp, readFile, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fileSnapshotKeeper, readSnapshot, SNAPSHOT_FILE } from '../../src/cli/snapshotFile.ts';
import type { StateSnapshot } from '../../src/publish/snapshot.ts';
import type { DocumentRecord, IssueRecord } from '../../src/store/ports.ts';

const record = (n: number, version = 1): DocumentRecord =>
  ({ id: `press-${n}`, title: `第${n}条新闻`, version, status: 'published', date: '2010-06-01', artifacts: [] }) as unknown as DocumentRecord;
const issue = (number: number, version = 1): IssueRecord => ({
  year: 2010,
  number,
  totalNumber: 48 + number,
  date: '2010-06-30',
  title: '公报',
  urlPath: '/',
  articleIds: [],
  digest: 'd',
  version,
  updatedAt: '',
});

async function setUp() {
  const data = await mkdtemp(join(tmpdir(), 'gazette-snapshot-'));
  const file = join(data, 'cache', SNAPSHOT_FILE);
  return { data, file, journal: `${file}.log` };
}

describe('the records snapshot file', () => {
  it('journals the records a build changed and reads back the last snapshot kept', async () => {
    const { data, file, journal } = await setUp();
    const first: StateSnapshot = { token: 't1', documents: Array.from({ length: 40 }, (_, i) => record(i)), issues: [issue(5), issue(6)] };
    await fileSnapshotKeeper(data).keep(first);
    expect(await readSnapshot(file)).toEqual(first);
    const whole = await readFile(file);

    // The next build (a process of its own): one record corrected, one gone, one new, an issue republished.
    const keeper = fileSnapshotKeeper(data);
    const read = (await keeper.read()) as StateSnapshot;
    const second: StateSnapshot = {
      token: 't2',
      documents: [...read.documents.filter((doc) => doc.id !== 'press-7').map((doc) => (doc.id === 'press-3' ? record(3, 2) : doc)), record(40)],
      issues: [read.issues[0] as IssueRecord, issue(6, 2)],
    };
    await keeper.keep(second);
    expect((await readFile(file)).equals(whole)).toBe(true);
    const lines = (await readFile(journal, 'utf8')).split('\n').filter((line) => line !== '');
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0] as string)).toMatchObject({
      from: 't1',
      token: 't2',
      removed: ['press-7'],
      documents: [{ id: 'press-3', version: 2 }, { id: 'press-40' }],
      issues: [{ number: 6, version: 2 }],
    });
    expect(await readSnapshot(file)).toEqual(second);

    // A torn last line: the snapshot before it, with its (older) token; the next keep writes the file whole.
    const third = { ...second, token: 't3', documents: second.documents.map((doc) => (doc.id === 'press-4' ? record(4, 2) : doc)) };
    const keeper3 = fileSnapshotKeeper(data);
    await keeper3.read();
    await keeper3.keep(third);
    const journaled = await readFile(journal, 'utf8');
    await writeFile(journal, journaled.slice(0, -5));
    const keeper4 = fileSnapshotKeeper(data);
    expect((await keeper4.read())?.token).toBe('t2');
    await keeper4.keep({ ...third, token: 't4' });
    await expect(stat(journal)).rejects.toThrow();
    expect(await readSnapshot(file)).toEqual({ ...third, token: 't4' });
  });

  it('ends the snapshot where a line changed another snapshot than the lines before made (two processes on one data folder)', async () => {
    const { data, file, journal } = await setUp();
    const first: StateSnapshot = { token: 't0', documents: Array.from({ length: 40 }, (_, i) => record(i)), issues: [] };
    await fileSnapshotKeeper(data).keep(first);
    // A watch process read t0 and keeps its snapshot only when the saves pause.
    const watch = fileSnapshotKeeper(data);
    await watch.read();
    // Meanwhile two one-shot builds, each from the snapshot the one before kept.
    const b = fileSnapshotKeeper(data);
    const readB = (await b.read()) as StateSnapshot;
    const tb = { ...readB, token: 'tb', documents: readB.documents.map((doc) => (doc.id === 'press-1' ? record(1, 2) : doc)) };
    await b.keep(tb);
    const d = fileSnapshotKeeper(data);
    const readD = (await d.read()) as StateSnapshot;
    expect(readD).toEqual(tb);
    const td = { ...readD, token: 'td', documents: readD.documents.map((doc) => (doc.id === 'press-2' ? record(2, 2) : doc)) };
    await d.keep(td);
    // The watch's line changes t0, not td: reading stops before it, at td with both builds' records.
    await watch.keep({ ...first, token: 'tw', documents: first.documents.map((doc) => (doc.id === 'press-3' ? record(3, 2) : doc)) });
    expect(await readSnapshot(file)).toEqual(td);
    // The next build writes the file whole.
    const next = fileSnapshotKeeper(data);
    const readNext = (await next.read()) as StateSnapshot;
    await next.keep({ ...readNext, token: 'tn' });
    await expect(stat(journal)).rejects.toThrow();
    expect(await readSnapshot(file)).toEqual({ ...td, token: 'tn' });
  });

  it('writes the file whole when a build changed a tenth of the records, and removes both when told to keep none', async () => {
    const { data, file, journal } = await setUp();
    const first: StateSnapshot = { token: 't1', documents: Array.from({ length: 20 }, (_, i) => record(i)), issues: [] };
    await fileSnapshotKeeper(data).keep(first);
    const keeper = fileSnapshotKeeper(data);
    await keeper.read();
    const many = { ...first, token: 't2', documents: first.documents.map((doc, i) => (i < 3 ? record(i, 2) : doc)) };
    await keeper.keep(many);
    await expect(stat(journal)).rejects.toThrow();
    expect(JSON.parse(await readFile(file, 'utf8'))).toEqual(many);
    const last = fileSnapshotKeeper(data);
    await last.read();
    await last.keep({ ...many, token: 't3', documents: many.documents.map((doc, i) => (i === 9 ? record(9, 2) : doc)) });
    expect((await stat(journal)).size).toBeGreaterThan(0);
    await fileSnapshotKeeper(data).keep(undefined);
    expect(await readSnapshot(file)).toBeUndefined();
    await expect(stat(journal)).rejects.toThrow();
  });
});
