import { extractFromJson } from '@extractus/feed-extractor';
import { describe, expect, it } from 'vitest';
import { renderJsonFeed } from '../../src/feeds/jsonFeed.ts';
import { article, feedOf, release } from './fixtures.ts';

describe('renderJsonFeed', () => {
  it('writes a JSON Feed 1.1 an independent parser reads back', () => {
    const text = renderJsonFeed(feedOf([release, article]));
    const parsed = extractFromJson(JSON.parse(text), { normalization: true, getExtraEntryFields: (item) => ({ raw: item }) });
    expect(parsed.title).toBe('淮南市人民政府');
    const entries = parsed.entries ?? [];
    expect(entries.map((entry) => entry.id)).toEqual([release.id, article.id]);
    expect(entries[1]?.link).toBe(article.url);
    expect(entries[1]?.published).toBe(new Date(article.published).toISOString());
  });

  it('carries hubs, the archive link, attachments and the `_gazette` disclosure extension', () => {
    const feed = JSON.parse(renderJsonFeed(feedOf([article]))) as Record<string, unknown> & { items: Record<string, unknown>[] };
    expect(feed['version']).toBe('https://jsonfeed.org/version/1.1');
    expect(feed['feed_url']).toBe('https://www.huainan.gov.cn/feeds/all/feed.json');
    expect(feed['hubs']).toEqual([{ type: 'WebSub', url: 'https://hub.example.org/' }]);
    expect(feed['next_url']).toBe('https://www.huainan.gov.cn/feeds/all/archive/3.json');
    const [item] = feed.items;
    expect(item?.['content_html']).toBe(article.contentHtml);
    expect(item?.['date_modified']).toBe('2010-06-02T09:30:00Z');
    expect(item?.['attachments']).toEqual([
      { url: article.enclosure?.url, mime_type: 'application/pdf', size_in_bytes: 48213 },
      { url: article.attachments[0]?.url, mime_type: 'application/pdf', size_in_bytes: 1200, title: '政府信息公开目录' },
    ]);
    expect(item?.['_gazette']).toEqual({
      kind: 'article',
      indexNumber: '003210001/2010-00069',
      docNumber: '淮府〔2010〕69号',
      signedDate: '2010-04-20',
      date: '2010-05-31',
      validity: '有效',
      issue: { year: 2010, number: 5, totalNumber: 53 },
      department: { name: '淮南市人民政府', code: '003210001' },
      version: 2,
    });
  });

  it('falls back to content_text in summary-only feeds', () => {
    const { contentHtml: _dropped, ...summaryOnly } = article;
    const feed = JSON.parse(renderJsonFeed(feedOf([summaryOnly]))) as { items: Record<string, unknown>[] };
    expect(feed.items[0]?.['content_text']).toBe(article.summary);
    expect(feed.items[0]?.['content_html']).toBeUndefined();
  });
});
