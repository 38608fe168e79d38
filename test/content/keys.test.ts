// The object keys a deployed bucket already holds: none may change, whoever builds them.

import { describe, expect, it } from 'vitest';
import {
  buildChunkKey,
  buildManifestKey,
  depositZipKey,
  documentPdfKey,
  entryKey,
  feedArchiveKey,
  feedHeadCacheKey,
  feedHeadKey,
  issuePdfKey,
  pageKey,
  scheduledPrefix,
  siteKey,
} from '../../src/content/keys.ts';

describe('object keys', () => {
  it('puts pages at index.html under their URL path, under site/', () => {
    expect(pageKey('/')).toBe('index.html');
    expect(pageKey('/gazette/2010/05/')).toBe('gazette/2010/05/index.html');
    expect(pageKey('/robots.txt')).toBe('robots.txt');
    expect(siteKey(pageKey('/press/'))).toBe('site/press/index.html');
    expect(() => pageKey('press/')).toThrow('URL path must start with "/"');
  });

  it('names PDFs and deposit packages beside their page', () => {
    expect(documentPdfKey('/gazette/2010/05/huaifu-2010-69/')).toBe('gazette/2010/05/huaifu-2010-69/huaifu-2010-69.pdf');
    const issue = { year: 2010, number: 5, urlPath: '/gazette/2010/05/' };
    expect(issuePdfKey(issue)).toBe('gazette/2010/05/gazette-2010-05.pdf');
    expect(depositZipKey(issue)).toBe('gazette/2010/05/gazette-2010-05-deposit.zip');
  });

  it('names feed documents by format, and archives by page', () => {
    expect(['rss', 'atom', 'json'].map((format) => feedHeadKey('all', format as 'rss'))).toEqual([
      'feeds/all/rss.xml',
      'feeds/all/atom.xml',
      'feeds/all/feed.json',
    ]);
    expect(['rss', 'atom', 'json'].map((format) => feedArchiveKey('topics/zwgk', 3, format as 'rss'))).toEqual([
      'feeds/topics/zwgk/archive/3.rss.xml',
      'feeds/topics/zwgk/archive/3.atom.xml',
      'feeds/topics/zwgk/archive/3.json',
    ]);
  });

  it('keeps entries, feed caches, embargoed renders and build jobs under private/', () => {
    expect(entryKey('huaifu-2010-69', 2)).toBe('private/entries/huaifu-2010-69/v000002.json');
    expect(feedHeadCacheKey('all')).toBe('private/feeds/heads/all.json');
    expect(scheduledPrefix('press-2010-x')).toBe('private/scheduled/press-2010-x/');
    expect(buildManifestKey('b1')).toBe('private/jobs/b1/build.json');
    expect(buildChunkKey('b1', 7)).toBe('private/jobs/b1/chunks/00007.json');
  });
});
