// The body cache's SQLite file, opened by two processes at once (a watch beside a one-shot build):
// an entry another one replaced after this one read the keys is never taken for its own; a build
// that asks for a few bodies reads each as it is; a cache kept open for the next build starts
// afresh.

import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { GazetteDocument } from '../../src/content/model.ts';
import { openSqliteBodyCache } from '../../src/store/sqliteBodyCache.ts';

const release = (sourceDigest: string) =>
  ({ id: 'press-2010-hotline-12345', kind: 'release', status: 'published', lang: 'zh-CN', sourceDigest }) as GazetteDocument;
const links: [string, string | null][] = [];

describe('SQLite body cache', () => {
  const keptOnce = async () => {
    const file = join(await mkdtemp(join(tmpdir(), 'gazette-bodies-')), 'bodies.sqlite');
    const first = openSqliteBodyCache(file, 'code-1');
    const slot = first.slot(release('source-1'));
    expect(slot?.cached).toBeUndefined();
    first.keep('press-2010-hotline-12345', slot?.key ?? '', { html: '<p>市长公开电话12345全天候受理。</p>', links });
    first.close();
    return file;
  };
  const replace = (file: string) => {
    const writer = openSqliteBodyCache(file, 'code-1');
    const newer = writer.slot(release('source-2'));
    writer.keep('press-2010-hotline-12345', newer?.key ?? '', { html: '<p>更正后的正文。</p>', links });
    writer.close();
  };

  it('gives a document the body kept for its source, and nothing once another process replaced it', async () => {
    const file = await keptOnce();
    const reader = openSqliteBodyCache(file, 'code-1');
    replace(file);
    // A build that asks for a few bodies asks for each: it sees the row as it is now.
    expect(reader.slot(release('source-1'))?.cached).toBeUndefined();
    expect(reader.slot(release('source-2'))?.cached?.html).toBe('<p>更正后的正文。</p>');
    reader.close();

    const later = openSqliteBodyCache(file, 'code-1');
    expect(later.slot(release('source-2'))?.cached?.html).toBe('<p>更正后的正文。</p>');
    expect(later.slot(release('source-1'))?.cached).toBeUndefined();
    // New render code: nothing kept before counts.
    later.close();
    const recompiled = openSqliteBodyCache(file, 'code-2');
    expect(recompiled.slot(release('source-2'))?.cached).toBeUndefined();
    recompiled.close();
  });

  it('never takes a row replaced after it read every key (a build of many documents) for the one it read', async () => {
    const file = await keptOnce();
    const reader = openSqliteBodyCache(file, 'code-1');
    // Asking for many bodies makes the cache read all keys at once.
    for (let i = 0; i < 100; i++) expect(reader.slot({ ...release(`other-${i}`), id: `press-2010-other-${i}` })?.cached).toBeUndefined();
    replace(file);
    // Its keys still say source-1's body is there; the row is source-2's now.
    expect(reader.slot(release('source-1'))?.cached).toBeUndefined();
    expect(reader.slot(release('source-2'))?.cached).toBeUndefined(); // not among the keys it read
    // Kept open for the next build (watch mode), it starts afresh: it finds the row as it is now.
    reader.nextBuild();
    expect(reader.slot(release('source-2'))?.cached?.html).toBe('<p>更正后的正文。</p>');
    reader.close();
  });

  it('costs a damaged file nothing but the parses: it is neither read nor written, and nothing throws', async () => {
    const file = join(await mkdtemp(join(tmpdir(), 'gazette-bodies-')), 'bodies.sqlite');
    await writeFile(file, '这不是一个 SQLite 数据库文件。'.repeat(200));
    const cache = openSqliteBodyCache(file, 'code-1');
    // A process that keeps it open (watch mode) opens it again for its next build.
    expect(cache.usable()).toBe(false);
    expect(cache.slot(release('source-1'))).toBeUndefined();
    cache.keep('press-2010-hotline-12345', 'key', { html: '<p>正文</p>', links });
    cache.flush();
    cache.close();
  });
});
