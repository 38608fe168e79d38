// The SQLite outbox keeps each job's payload in a table of its own, so claiming a job and saving an
// attempt do not rewrite the full text it carries; a database made before then is moved on open.
// A save waits for the store's next write and goes in its transaction, and is written by itself
// on the next turn of the event loop when no write follows.

import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createSqliteDeliveryStore } from '../../src/delivery/sqlite.ts';
import type { DeliveryJob } from '../../src/delivery/store.ts';
import { openSqliteDatabase } from '../../src/store/sqliteDatabase.ts';

const payload = JSON.stringify({ title: '淮南市召开2010年政府信息公开工作新闻发布会', body: '发布词全文……'.repeat(200) });

const oldJob: DeliveryJob = {
  partnerId: 'news',
  messageId: 'msg_press-1_v1',
  event: 'document.published',
  documentId: 'press-1',
  version: 1,
  kind: 'release',
  createdAt: '2010-12-08T02:00:00.000Z',
  sequence: 1,
  payload,
  status: 'pending',
  attempts: 0,
  nextAttemptAt: '2010-12-08T02:00:00.000Z',
  history: [],
};

describe('SQLite delivery store: payloads', () => {
  it('moves the payloads of a database made before their table, and keeps them through claims and saves', async () => {
    const file = join(await mkdtemp(join(tmpdir(), 'gazette-outbox-')), 'gazette.sqlite');
    const before = openSqliteDatabase(file);
    // The tables as earlier versions made them: the payload inside the job's JSON.
    before.exec(`
      CREATE TABLE delivery_jobs (
        partner_id TEXT NOT NULL, message_id TEXT NOT NULL, sequence INTEGER NOT NULL, status TEXT NOT NULL,
        attempts INTEGER NOT NULL, lease_until TEXT, job TEXT NOT NULL,
        PRIMARY KEY (partner_id, message_id)
      ) WITHOUT ROWID;
      CREATE TABLE delivery_sequences (partner_id TEXT PRIMARY KEY, value INTEGER NOT NULL) WITHOUT ROWID;
    `);
    before.prepare('INSERT INTO delivery_jobs VALUES (?, ?, 1, ?, 0, NULL, ?)').run('news', oldJob.messageId, 'pending', JSON.stringify(oldJob));
    before.prepare('INSERT INTO delivery_sequences VALUES (?, 1)').run('news');
    before.close();

    const database = openSqliteDatabase(file);
    const store = createSqliteDeliveryStore({ database });
    expect((await store.readQueue('news')).pending).toEqual([oldJob]);
    const stored = () =>
      database
        .prepare('SELECT job, payload FROM delivery_jobs JOIN delivery_payloads USING (partner_id, message_id) WHERE message_id = ?')
        .get(oldJob.messageId) as { job: string; payload: string };
    expect(stored().payload).toBe(payload);
    expect(JSON.parse(stored().job)).not.toHaveProperty('payload');

    // An attempt saved: the state changes, the payload stays as it was.
    expect(await store.claimJob(oldJob, '2010-12-08T02:01:00.000Z', '2010-12-08T02:00:01.000Z')).toBe(true);
    const delivered: DeliveryJob = {
      ...oldJob,
      status: 'delivered',
      attempts: 1,
      deliveredAt: '2010-12-08T02:00:01.000Z',
      history: [{ at: '2010-12-08T02:00:01.000Z', latencyMs: 12, status: 204 }],
    };
    await store.saveJob(delivered, 0);
    // Written once its promise settles, with nothing after it: another connection sees it.
    const other = openSqliteDatabase(file);
    expect(JSON.parse((other.prepare('SELECT job FROM delivery_jobs WHERE message_id = ?').get(oldJob.messageId) as { job: string }).job)).toMatchObject({
      status: 'delivered',
      attempts: 1,
    });
    other.close();
    expect(await store.listJobs('news')).toEqual([delivered]);
    expect(stored().payload).toBe(payload);

    // A job recorded now, and the store opened again: nothing moves twice.
    const [created] = await store.createJobs([
      { ...oldJob, messageId: 'msg_press-2_v1', documentId: 'press-2', payload: (sequence) => `${sequence}:${payload}` },
    ]);
    expect(created?.sequence).toBe(2);
    const reopened = createSqliteDeliveryStore({ database });
    expect((await reopened.listJobs('news')).map((job) => [job.status, job.payload])).toEqual([
      ['delivered', payload],
      ['pending', `2:${payload}`],
    ]);
    database.close();
  });
});
