// `gazette history ID`: the audit trail of one document — every state change with its time,
// version, digest, and the git commit and author when they were known.

import { resolve } from 'node:path';
import type { DocumentRecord } from '../store/ports.ts';
import { parseCommand } from './args.ts';
import type { CliIo } from './io.ts';
import { parseStoreSet, startLocalStores, STORES_USAGE } from './localStores.ts';

const help = `Usage: gazette history ID [options]

Print the audit trail of the document with this id: when it was scheduled, published, updated,
withdrawn or released, with the version, the digest of what was published, and the git commit
and author when known.

Options:
  --data DIR      local data folder of the stores (default: .gazette)
${STORES_USAGE}
  -h, --help      show this help
`;

/** One state change of a document, as the record store keeps it. */
export interface AuditEntry {
  id: string;
  /** ISO 8601 time of the change, from the injected clock. */
  at: string;
  event: 'scheduled' | 'published' | 'updated' | 'withdrawn' | 'released';
  version: number;
  /** sha256 hex of what was published. */
  digest: string;
  commit?: string;
  author?: string;
}

/** What the command reads: the audit trail, and the current record for the heading. */
export interface HistoryRecords {
  listAudit(id: string): Promise<AuditEntry[]>;
  getDocument?(id: string): Promise<DocumentRecord | undefined>;
}

export interface HistoryDeps {
  /** The records to read; by default the local record store under --data. */
  records?: HistoryRecords;
}

export async function runHistory(argv: string[], io: CliIo, deps: HistoryDeps = {}): Promise<number> {
  const parsed = parseCommand(argv, io, {
    name: 'gazette history',
    help,
    positionals: true,
    options: {
      data: { type: 'string', default: '.gazette' },
      stores: { type: 'string' },
    },
  });
  if (typeof parsed === 'number') return parsed;
  const { values, positionals } = parsed;
  const [id, ...extra] = positionals;
  if (id === undefined || extra.length > 0) {
    io.stderr.write(
      `gazette history: ${id === undefined ? 'give the id of one document' : `give one id, not ${positionals.length}`}, e.g. \`gazette history huaifu-2010-69\`.\n\n${help}`,
    );
    return 1;
  }
  let set;
  try {
    set = parseStoreSet(values.stores);
  } catch (error) {
    io.stderr.write(`gazette history: ${(error as Error).message}\n`);
    return 1;
  }
  if (deps.records !== undefined) return printHistory(io, deps.records, id);
  const stores = await startLocalStores(resolve(io.cwd, values.data), { stores: set });
  try {
    // `listAudit` joins the RecordStore port with the publishing lifecycle; until then, say so.
    const records = stores.records as unknown as HistoryRecords;
    if (typeof records.listAudit !== 'function') throw new Error('The record store has no audit trail (listAudit) yet.');
    return await printHistory(io, records, id);
  } finally {
    await stores.stop();
  }
}

async function printHistory(io: CliIo, records: HistoryRecords, id: string): Promise<number> {
  const [entries, current] = await Promise.all([records.listAudit(id), records.getDocument?.(id)]);
  if (entries.length === 0 && current === undefined) {
    io.stderr.write(
      `gazette history: no document with the id "${id}" has been scheduled or published. Ids are written as in the front matter, e.g. huaifu-2010-69.\n`,
    );
    return 1;
  }
  if (current !== undefined) io.stdout.write(`${current.id}  ${current.title}\n${current.urlPath}  ${current.status}, version ${current.version}\n\n`);
  if (entries.length === 0) {
    io.stdout.write('No audit entries were recorded for this document.\n');
    return 0;
  }
  const sorted = [...entries].sort((a, b) => Date.parse(a.at) - Date.parse(b.at) || a.version - b.version);
  const header = ['time', 'event', 'version', 'digest', 'commit', 'author'];
  const rows = sorted.map((entry) => [
    entry.at,
    entry.event,
    String(entry.version),
    entry.digest.slice(0, 12),
    entry.commit?.slice(0, 12) ?? '-',
    entry.author ?? '-',
  ]);
  io.stdout.write(`${table([header, ...rows])}\n`);
  return 0;
}

/** Columns padded to their widest cell; the last one is not padded. */
export function table(rows: string[][]): string {
  const widths = (rows[0] ?? []).map((_, i) => Math.max(...rows.map((row) => [...(row[i] ?? '')].length)));
  return rows
    .map((row) =>
      row
        .map((cell, i) => (i === row.length - 1 ? cell : cell + ' '.repeat((widths[i] ?? 0) - [...cell].length)))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}
