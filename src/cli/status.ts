// `gazette status`: what is scheduled and when it goes out, what is overdue (due but not
// released), and how many documents are published or withdrawn.

import { resolve } from 'node:path';
import { loadContent } from '../content/load.ts';
import { formatMessages } from '../content/messages.ts';
import type { GazetteDocument } from '../content/model.ts';
import type { DocumentRecord, RecordStore } from '../store/ports.ts';
import { table } from './history.ts';
import { parseCommand } from './args.ts';
import type { CliIo } from './io.ts';
import { parseStoreSet, startLocalStores, STORES_USAGE } from './localStores.ts';

const help = `Usage: gazette status [options]

List the scheduled (embargoed) documents with their publishAt, and the overdue ones: due at
--now but not released yet. Counts the published and withdrawn documents.
Exits with 1 when something is overdue.

Options:
  --content DIR   content folder (default: content)
  --data DIR      local data folder of the stores (default: .gazette)
${STORES_USAGE}
  --now ISO       the clock, e.g. 2010-12-08T10:00:00+08:00 (default: now)
  -h, --help      show this help
`;

export interface StatusDeps {
  /** The records to read; by default the local record store under --data. */
  records?: Pick<RecordStore, 'listDocuments'>;
}

export async function runStatus(argv: string[], io: CliIo, deps: StatusDeps = {}): Promise<number> {
  const parsed = parseCommand(argv, io, {
    name: 'gazette status',
    help,
    options: {
      content: { type: 'string', default: 'content' },
      data: { type: 'string', default: '.gazette' },
      stores: { type: 'string' },
      now: { type: 'string' },
    },
  });
  if (typeof parsed === 'number') return parsed;
  const { values } = parsed;
  let stores;
  try {
    stores = parseStoreSet(values.stores);
  } catch (error) {
    io.stderr.write(`gazette status: ${(error as Error).message}\n`);
    return 1;
  }
  let now = io.now();
  if (values.now !== undefined) {
    now = new Date(values.now);
    if (Number.isNaN(now.getTime()) || !/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/.test(values.now)) {
      io.stderr.write(`gazette status: --now "${values.now}" is not an ISO 8601 date-time. Write it like 2010-12-08T10:00:00+08:00.\n`);
      return 1;
    }
  }
  const contentDir = resolve(io.cwd, values.content);
  const { content, messages } = await loadContent(contentDir, { now });
  if (content === undefined) {
    io.stderr.write(formatMessages(messages, { contentDir: values.content }));
    io.stderr.write('gazette status: the content has errors (above), so what is scheduled cannot be known. Fix them, then run `gazette status` again.\n');
    return 1;
  }
  if (deps.records !== undefined) return report(io, content.documents, await collect(deps.records), now);
  const opened = await startLocalStores(resolve(io.cwd, values.data), { stores });
  try {
    return report(io, content.documents, await collect(opened.records), now);
  } finally {
    await opened.stop();
  }
}

async function collect(records: Pick<RecordStore, 'listDocuments'>): Promise<Map<string, DocumentRecord>> {
  const byId = new Map<string, DocumentRecord>();
  for await (const record of records.listDocuments()) byId.set(record.id, record);
  return byId;
}

function report(io: CliIo, documents: GazetteDocument[], records: Map<string, DocumentRecord>, now: Date): number {
  const embargoed = documents
    .filter((doc): doc is GazetteDocument & { publishAt: string } => doc.publishAt !== undefined && !doc.draft)
    .sort((a, b) => Date.parse(a.publishAt) - Date.parse(b.publishAt) || (a.id < b.id ? -1 : 1));
  const scheduled = embargoed.filter((doc) => Date.parse(doc.publishAt) > now.getTime());
  // Due, yet the store has not released it: the release did not run, or failed.
  const overdue = embargoed.filter((doc) => {
    if (Date.parse(doc.publishAt) > now.getTime()) return false;
    const status = records.get(doc.id)?.status;
    return status === undefined || status === 'scheduled';
  });
  const row = (doc: GazetteDocument & { publishAt: string }) => [doc.publishAt, doc.id, records.get(doc.id)?.status ?? 'no record', doc.title];
  const header = ['publishAt', 'id', 'record', 'title'];
  io.stdout.write(`Now: ${now.toISOString()}\n\n`);
  io.stdout.write(scheduled.length === 0 ? 'Scheduled: none.\n' : `Scheduled (${scheduled.length}):\n${indent(table([header, ...scheduled.map(row)]))}\n`);
  if (overdue.length > 0) {
    io.stdout.write(`\nOverdue (${overdue.length}): due, but not released yet:\n${indent(table([header, ...overdue.map(row)]))}\n`);
  }
  const count = (status: string) => [...records.values()].filter((record) => record.status === status).length;
  io.stdout.write(`\nPublished: ${count('published')}, withdrawn: ${count('withdrawn')}, scheduled: ${scheduled.length}, overdue: ${overdue.length}.\n`);
  if (overdue.length === 0) return 0;
  io.stdout.write("Run `gazette release` to publish what is due now. On AWS, check the release schedule and the release function's logs.\n");
  return 1;
}

function indent(text: string): string {
  return text
    .split('\n')
    .map((line) => `  ${line}`)
    .join('\n');
}
