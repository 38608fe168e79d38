import { describe, expect, it } from 'vitest';
import { decodeLog, encodeLog, type FeedLogItem, latestPerId, unloggedItems } from '../../src/feeds/log.ts';
import type { DocumentRecord } from '../../src/store/ports.ts';

const record = (id: string, version: number, updatedAt: string, date = '2010-06-01', status: DocumentRecord['status'] = 'published') =>
  ({
    id,
    version,
    kind: 'release',
    lang: 'zh-CN',
    department: '淮南市人民政府新闻办公室',
    category: '政务公开',
    urlPath: `/press/2010/${id}/`,
    date,
    updatedAt,
    status,
  }) as DocumentRecord;

describe('feed log', () => {
  it('appends only versions it has not logged, in the order they became visible, then by date and id', () => {
    const log = unloggedItems(
      [],
      [record('b', 1, '2010-06-02T00:00:00Z'), record('c', 1, '2010-06-01T00:00:00Z', '2010-05-02'), record('a', 1, '2010-06-01T00:00:00Z', '2010-05-01')],
    );
    expect(log.map((item) => item.id)).toEqual(['a', 'c', 'b']);
    const next = unloggedItems(log, [
      record('a', 2, '2010-06-03T00:00:00Z'),
      record('b', 1, '2010-06-02T00:00:00Z'),
      record('s', 1, '2010-06-03T00:00:00Z', '2010-06-03', 'scheduled'),
    ]);
    expect(next.map((item) => `${item.id}@${item.version}`)).toEqual(['a@2']);
  });

  it('keeps the newest version of each id in log order', () => {
    const items = [
      { id: 'a', version: 1 },
      { id: 'b', version: 1 },
      { id: 'a', version: 2 },
    ] as FeedLogItem[];
    expect(latestPerId(items).map((item) => `${item.id}@${item.version}`)).toEqual(['b@1', 'a@2']);
  });

  it('stores compactly and reads back the same log, withdrawals included', () => {
    const log = unloggedItems([], [record('a', 1, '2010-06-01T00:00:00Z'), record('b', 3, '2010-06-02T00:00:00Z', '2010-06-02', 'withdrawn')]);
    const stored = encodeLog(log);
    expect(decodeLog(JSON.parse(JSON.stringify(stored)))).toEqual(log);
    expect(JSON.stringify(stored).length).toBeLessThan(JSON.stringify(log).length);
  });
});
