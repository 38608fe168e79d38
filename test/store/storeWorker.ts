// A separate process using an embedded store, for the tests that need two processes or a killed
// one: `node --import tsx test/store/storeWorker.ts <task> …`.
//   rewrite <root> <key> [times]     put two large bodies under one key, alternately, until killed (or `times` puts)
//   allocate <database> <n>          take n serial numbers one at a time; print them as JSON

import { createFileObjectStore } from '../../src/store/fileObjects.ts';
import { createSqliteRecordStore } from '../../src/store/sqlite.ts';
import { openSqliteDatabase } from '../../src/store/sqliteDatabase.ts';

const [task, target, argument, times] = process.argv.slice(2);

if (task === 'rewrite' && target !== undefined && argument !== undefined) {
  const objects = createFileObjectStore({ root: target });
  const bodies = [new Uint8Array(8_000_000).fill(0x61), new Uint8Array(12_000_000).fill(0x62)];
  for (let i = 0; i < Number(times ?? Infinity); i++) {
    await objects.put({ key: argument, body: bodies[i % 2] as Uint8Array, contentType: 'application/octet-stream' });
    if (i === 1) process.stdout.write('writing\n');
  }
} else if (task === 'allocate' && target !== undefined && argument !== undefined) {
  const records = createSqliteRecordStore({ database: openSqliteDatabase(target) });
  const numbers: number[] = [];
  for (let i = 0; i < Number(argument); i++) numbers.push(await records.allocateSerials('003210045', 2010, 1));
  process.stdout.write(`${JSON.stringify(numbers)}\n`);
} else {
  process.stderr.write(`storeWorker: unknown task ${task ?? '(none)'}\n`);
  process.exit(2);
}
