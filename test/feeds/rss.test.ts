import Parser from 'rss-parser';
import { describe, expect, it } from 'vitest';
import { renderRss } from '../../src/feeds/rss.ts';
import { article, feedOf, release } from './fixtures.ts';

type Item = { 'gazette:docNumber'?: string; 'gazette:indexNumber'?: string; 'gazette:issue'?: { $: Record<string, string> }; 'content:encoded'?: string };
const parser = new Parser<{ 'atom:link': { $: Record<string, string> }[] }, Item>({
  customFields: {
    feed: [['atom:link', 'atom:link', { keepArray: true }]] as never,
    item: ['gazette:docNumber', 'gazette:indexNumber', 'gazette:issue'] as never,
  },
});

describe('renderRss', () => {
  it('writes entries an independent RSS parser reads back: ids, links, dates, content', async () => {
    const parsed = await parser.parseString(renderRss(feedOf([release, article])));
    expect(parsed.title).toBe('淮南市人民政府');
    expect(parsed.items.map((item) => item.guid)).toEqual([release.id, article.id]);
    const [, second] = parsed.items;
    expect(second?.link).toBe(article.url);
    expect(second?.isoDate).toBe(new Date(article.published).toISOString());
    expect(second?.['content:encoded']).toBe(article.contentHtml);
    expect(second?.enclosure).toMatchObject({ url: article.enclosure?.url, length: String(article.enclosure?.size), type: 'application/pdf' });
    expect(second?.categories).toEqual([{ _: '政务公开', $: { domain: 'https://www.huainan.gov.cn/topics/' } }]);
    expect(second?.['gazette:docNumber']).toBe('淮府〔2010〕69号');
    expect(second?.['gazette:indexNumber']).toBe('003210001/2010-00069');
    expect(second?.['gazette:issue']?.$).toEqual({ year: '2010', number: '5', totalNumber: '53' });
    expect(parsed.items[0]?.title).toBe(release.title);
  });

  it('carries exactly one absolute self link beside the hub, and the RFC 5005 archive link', async () => {
    const feed = feedOf([article]);
    const parsed = await parser.parseString(renderRss(feed));
    const links = parsed['atom:link'].map((link) => link.$);
    expect(links.filter((link) => link['rel'] === 'self')).toEqual([{ rel: 'self', type: 'application/rss+xml', href: feed.self.rss }]);
    expect(links.find((link) => link['rel'] === 'hub')?.['href']).toBe(feed.hubUrl);
    expect(links.find((link) => link['rel'] === 'prev-archive')?.['href']).toBe(feed.prevArchive?.rss);
  });

  it('writes RFC 822 dates in the original offset', () => {
    const xml = renderRss(feedOf([article]));
    expect(xml).toContain('<pubDate>Mon, 31 May 2010 00:00:00 +0800</pubDate>');
    expect(xml).toContain('<lastBuildDate>Mon, 18 Oct 2010 02:00:00 +0000</lastBuildDate>');
  });

  it('marks archive documents with fh:archive and leaves withdrawn entries out', async () => {
    const withdrawn = { ...release, withdrawn: { when: '2010-11-01T00:00:00Z' } };
    const xml = renderRss(feedOf([withdrawn, article], { archive: true }));
    expect(xml).toContain('<fh:archive/>');
    const parsed = await parser.parseString(xml);
    expect(parsed.items.map((item) => item.guid)).toEqual([article.id]);
  });

  it('gives the same bytes for the same feed', () => {
    expect(renderRss(feedOf([article, release]))).toBe(renderRss(feedOf([article, release])));
  });
});
