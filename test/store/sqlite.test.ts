// What only the SQLite adapters have: one database file shared by several processes (a build's
// workers), readers that a writer does not block, and a lock held too long reported as such. The
// RecordStore and DeliveryStore ports' cases run against them in the conformance suites.

import { execFile } from 'node:child_process';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, test } from 'vitest';
import { StoreUnavailableError } from '../../src/store/ports.ts';
import { createSqliteRecordStore } from '../../src/store/sqlite.ts';
import { openSqliteDatabase } from '../../src/store/sqliteDatabase.ts';
import { documentRecord } from '../helpers/records.ts';

const databaseFile = async () => join(await mkdtemp(join(tmpdir(), 'gazette-sqlite-')), 'gazette.sqlite');

describe('SQLite record store', () => {
  test('worker processes taking serial numbers at once from one file never share one', async () => {
    const file = await databaseFile();
    const records = createSqliteRecordStore({ database: openSqliteDatabase(file) });
    const worker = () => promisify(execFile)(process.execPath, ['--import', 'tsx', 'test/store/storeWorker.ts', 'allocate', file, '40']);
    const [mine, ...outputs] = await Promise.all([
      (async () => {
        const numbers: number[] = [];
        for (let i = 0; i < 40; i++) numbers.push(await records.allocateSerials('003210045', 2010, 1));
        return numbers;
      })(),
      worker(),
      worker(),
      worker(),
    ]);
    const all = [...mine, ...outputs.flatMap(({ stdout }) => JSON.parse(stdout) as number[])].sort((a, b) => a - b);
    expect(all).toEqual(Array.from({ length: 160 }, (_, i) => i + 1));
  });

  test('a writer does not block readers of another connection: they see the last commit', async () => {
    const file = await databaseFile();
    const records = createSqliteRecordStore({ database: openSqliteDatabase(file) });
    const record = documentRecord();
    await records.putDocument(record, 0);
    const writer = openSqliteDatabase(file);
    writer.prepare('BEGIN IMMEDIATE').run();
    writer.prepare("UPDATE documents SET record = json_set(record, '$.title', '未提交') WHERE id = ?").run(record.id);
    expect((await records.getDocument(record.id))?.title).toBe(record.title);
    writer.prepare('COMMIT').run();
    expect((await records.getDocument(record.id))?.title).toBe('未提交');
  });

  test('a database another process keeps locked past the busy timeout is a StoreUnavailableError naming the file', async () => {
    const file = await databaseFile();
    const records = createSqliteRecordStore({ database: openSqliteDatabase(file, { busyTimeoutMs: 150 }) });
    const holder = openSqliteDatabase(file);
    holder.prepare('BEGIN IMMEDIATE').run();
    const blocked = records.putDocument(documentRecord(), 0);
    await expect(blocked).rejects.toBeInstanceOf(StoreUnavailableError);
    await expect(blocked).rejects.toThrow(`${file} stayed locked by another process`);
    holder.prepare('ROLLBACK').run();
    await records.putDocument(documentRecord(), 0);
    expect((await records.getDocument(documentRecord().id))?.version).toBe(1);
  });
});
