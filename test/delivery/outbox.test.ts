import { beforeAll, describe, expect, it } from 'vitest';
import { eventOf, recordDeliveries } from '../../src/delivery/outbox.ts';
import type { Partner } from '../../src/delivery/partners.ts';
import type { DeliveryStore } from '../../src/delivery/store.ts';
import type { DocumentRecord } from '../../src/store/ports.ts';
import { createTestStores } from '../helpers/stores.ts';
import { site } from '../feeds/site.ts';

let store: DeliveryStore;

beforeAll(async () => {
  ({ deliveries: store } = await createTestStores());
});

const webhook = { url: 'https://partner.example.org/hook', secret: { env: 'X' } };
const partners: Partner[] = [
  { id: 'hnnews', name: '淮南新闻网', takes: { kinds: ['release', 'conference'], languages: ['zh-CN'], fullText: true }, webhook },
  { id: 'xxgk', name: '淮南市政府信息公开网', takes: { kinds: ['article'], fullText: true }, webhook },
];

function record(id: string, kind: DocumentRecord['kind'], updatedAt: string, version = 1, status: DocumentRecord['status'] = 'published'): DocumentRecord {
  return {
    id,
    kind,
    title: id,
    lang: 'zh-CN',
    file: `${id}.md`,
    urlPath: `/x/${id}/`,
    status,
    version,
    digest: `${id}${version}`,
    indexNumber: '003210001/2010-00001',
    department: '淮南市人民政府',
    departmentCode: '003210001',
    category: '政务公开',
    date: '2010-05-31',
    artifacts: [{ key: `x/${id}/${id}.pdf`, size: 10, sha256: 'x', contentType: 'application/pdf' }],
    firstPublishedAt: updatedAt,
    updatedAt,
  };
}

describe('recordDeliveries', () => {
  it('records one job per change and matching partner, with gapless per-partner sequences in publish order', async () => {
    const changes = [
      { after: record('huaifu-2010-69', 'article', '2010-05-31T01:00:00Z') },
      { after: record('press-b', 'release', '2010-06-02T01:00:00Z') },
      { after: record('press-a', 'release', '2010-06-01T01:00:00Z') },
    ];
    const jobs = await recordDeliveries({ store, site, partners, changes });
    expect(jobs.map((job) => [job.partnerId, job.documentId, job.sequence])).toEqual([
      ['hnnews', 'press-a', 1],
      ['hnnews', 'press-b', 2],
      ['xxgk', 'huaifu-2010-69', 1],
    ]);
    const payload = JSON.parse(jobs[2]?.payload ?? '{}') as { data: Record<string, unknown> };
    expect(payload.data['pdf']).toBe('https://www.huainan.gov.cn/x/huaifu-2010-69/huaifu-2010-69.pdf');
    expect((await store.listJobs('hnnews', 'pending')).map((job) => job.messageId)).toEqual(['msg_hnnews_press-a_v1', 'msg_hnnews_press-b_v1']);
  });

  it('names the event: published, updated, withdrawn', () => {
    const v1 = record('a', 'release', '2010-06-01T00:00:00Z');
    expect(eventOf({ after: v1 })).toBe('document.published');
    expect(eventOf({ after: record('a', 'release', '2010-06-02T00:00:00Z', 2) })).toBe('document.updated');
    expect(eventOf({ before: v1, after: record('a', 'release', '2010-06-02T00:00:00Z', 2) })).toBe('document.updated');
    expect(eventOf({ before: v1, after: record('a', 'release', '2010-06-03T00:00:00Z', 2, 'withdrawn') })).toBe('document.withdrawn');
  });
});
