import { describe, expect, it } from 'vitest';
import type { GazetteDocument } from '../../src/content/model.ts';
import { entryKey } from '../../src/content/keys.ts';
import { absolutizeHtml, feedEntry, feedEntryArtifact, type FeedEntrySource } from '../../src/feeds/entries.ts';
import type { DocumentRecord } from '../../src/store/ports.ts';
import { site } from './site.ts';

const page = 'https://www.huainan.gov.cn/gazette/2010/06/jsxm-gkml-2010/';

describe('absolutizeHtml', () => {
  it('resolves relative, root-relative and fragment links and image sources against the page', () => {
    const html =
      '<p><a href="data.csv">表</a> <a href="/press/2010/x/">稿</a> <a href="#fn-1">1</a> <img src="photo.jpg" alt=""> <a href="https://example.org/?a=1&#x26;b=2">外</a></p>';
    expect(absolutizeHtml(html, page)).toBe(
      `<p><a href="${page}data.csv">表</a> <a href="https://www.huainan.gov.cn/press/2010/x/">稿</a> <a href="${page}#fn-1">1</a> <img src="${page}photo.jpg" alt=""> <a href="https://example.org/?a=1&#x26;b=2">外</a></p>`,
    );
  });
});

describe('feedEntryArtifact and feedEntry', () => {
  const doc = {
    kind: 'article',
    id: 'jsxm-gkml-2010',
    title: '2010年工程建设项目信息公开目录',
    lang: 'zh-CN',
    urlPath: '/gazette/2010/06/jsxm-gkml-2010/',
    department: site.departments[0],
    category: site.topics[0],
    date: '2010-06-30',
    draft: false,
    attachments: [
      {
        file: 'gazette/2010/06/jsxm-gkml-2010.csv',
        title: '项目目录（CSV）',
        name: 'jsxm-gkml-2010.csv',
        urlPath: '/gazette/2010/06/jsxm-gkml-2010/jsxm-gkml-2010.csv',
      },
    ],
  } as unknown as GazetteDocument;
  const record = {
    id: doc.id,
    kind: 'article',
    title: doc.title,
    lang: 'zh-CN',
    urlPath: doc.urlPath,
    status: 'published',
    version: 3,
    digest: 'd',
    indexNumber: '003210001/2010-00088',
    department: '淮南市人民政府',
    departmentCode: '003210001',
    category: '政务公开',
    date: '2010-06-30',
    docNumber: '淮府〔2010〕88号',
    signedDate: '2010-06-20',
    validity: '有效',
    issue: { year: 2010, number: 6, totalNumber: 54 },
    section: '市政府文件',
    artifacts: [
      { key: 'gazette/2010/06/jsxm-gkml-2010/index.html', size: 900, sha256: 'a', contentType: 'text/html; charset=utf-8' },
      { key: 'gazette/2010/06/jsxm-gkml-2010/jsxm-gkml-2010.pdf', size: 50_000, sha256: 'b', contentType: 'application/pdf' },
      { key: 'gazette/2010/06/jsxm-gkml-2010/jsxm-gkml-2010.csv', size: 300, sha256: 'c', contentType: 'text/csv; charset=utf-8' },
    ],
    firstPublishedAt: '2010-06-30T01:00:00.000Z',
    updatedAt: '2010-07-02T01:00:00.000Z',
  } as DocumentRecord;

  it('stores one private fragment per version, with the PDF and attachments as files', () => {
    const put = feedEntryArtifact(doc, '<p><a href="jsxm-gkml-2010.csv">目录</a></p>', record, site);
    expect(put.key).toBe(entryKey(doc.id, 3));
    expect(put.key).toBe('private/entries/jsxm-gkml-2010/v000003.json');
    const source = JSON.parse(Buffer.from(put.body).toString('utf8')) as FeedEntrySource;
    expect(source.html).toBe(`<p><a href="${page}jsxm-gkml-2010.csv">目录</a></p>`);
    expect(source.files).toEqual([
      { urlPath: '/gazette/2010/06/jsxm-gkml-2010/jsxm-gkml-2010.pdf', mediaType: 'application/pdf', size: 50_000, pdf: true },
      { urlPath: '/gazette/2010/06/jsxm-gkml-2010/jsxm-gkml-2010.csv', mediaType: 'text/csv; charset=utf-8', size: 300, title: '项目目录（CSV）' },
    ]);
  });

  it('builds an entry with a permanent tag id, the department as author and the disclosure metadata', () => {
    const source = JSON.parse(Buffer.from(feedEntryArtifact(doc, '<p>x</p>', record, site).body).toString('utf8')) as FeedEntrySource;
    const options = { baseUrl: site.baseUrl, utcOffset: '+08:00', tagPrefix: 'tag:www.huainan.gov.cn,2010:', fullText: false };
    const entry = feedEntry(source, options);
    expect(entry).toMatchObject({
      id: 'tag:www.huainan.gov.cn,2010:jsxm-gkml-2010',
      url: page,
      published: '2010-06-30T00:00:00+08:00',
      updated: '2010-07-02T01:00:00.000Z',
      author: { name: '淮南市人民政府' },
      enclosure: { url: `${page}jsxm-gkml-2010.pdf`, mediaType: 'application/pdf', size: 50_000 },
      disclosure: {
        indexNumber: '003210001/2010-00088',
        docNumber: '淮府〔2010〕88号',
        signedDate: '2010-06-20',
        validity: '有效',
        issue: { number: 6 },
        version: 3,
      },
    });
    expect(entry.contentHtml).toBeUndefined();
    expect(feedEntry(source, { ...options, fullText: true }).contentHtml).toBe('<p>x</p>');
  });
});
