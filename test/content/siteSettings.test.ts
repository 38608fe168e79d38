import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createMemoryContentCache, loadContent } from '../../src/content/load.ts';
import { validateFrontMatter } from '../../src/content/schemas.ts';
import { localDate, siteExamples, siteTagDate, siteUtcOffset } from '../../src/content/siteSettings.ts';
import { writeSite } from '../publish/site.ts';

const site = {
  name: '宁国市人民政府',
  baseUrl: 'https://www.ningguo.gov.cn/',
  lang: 'zh-CN',
  publisher: '宁国市人民政府办公室',
  gazetteTitle: '宁国市人民政府公报',
  departments: [{ id: 'szf', name: '宁国市人民政府', code: '003210001' }],
  topics: [{ id: 'zwgk', name: '政务公开' }],
  sections: [{ id: 's', name: '市政府文件' }],
};

describe('site-specific settings in site.yaml', () => {
  it('accepts an offset, a tag date (a bare year unquoted too) and examples', () => {
    const { data, problems } = validateFrontMatter('site', {
      ...site,
      utcOffset: '-05:30',
      feeds: { tagDate: 2015 },
      examples: { docNumber: '宁府〔2015〕3号', id: 'ningfu-2015-3' },
    });
    expect(problems).toEqual([]);
    expect(data?.feeds?.tagDate).toBe('2015');
    expect(validateFrontMatter('site', { ...site, feeds: { tagDate: '2015-03-01' } }).problems).toEqual([]);
  });

  it('refuses a zone name, saying which offset to write instead', () => {
    const { problems } = validateFrontMatter('site', { ...site, utcOffset: 'Asia/Shanghai' });
    expect(problems).toMatchObject([
      { path: ['utcOffset'], ruleId: 'invalid-utc-offset', message: '"Asia/Shanghai" is not an offset from UTC written ±HH:MM.' },
    ]);
    expect(problems[0]?.hint).toContain('"+08:00" for Asia/Shanghai');
    expect(validateFrontMatter('site', { ...site, utcOffset: '+8' }).problems).toMatchObject([{ ruleId: 'invalid-utc-offset' }]);
    expect(validateFrontMatter('site', { ...site, utcOffset: '+15:00' }).problems).toMatchObject([{ ruleId: 'invalid-utc-offset' }]);
  });

  it('refuses a tag date that is no date, and an example 文号 that is not written as one', () => {
    expect(validateFrontMatter('site', { ...site, feeds: { tagDate: '2015-13' } }).problems).toMatchObject([
      { path: ['feeds', 'tagDate'], ruleId: 'invalid-tag-date' },
    ]);
    const { problems } = validateFrontMatter('site', { ...site, examples: { docNumber: '宁府[2015]3号' } });
    expect(problems).toMatchObject([{ path: ['examples', 'docNumber'], ruleId: 'invalid-doc-number', hint: 'Write it as 宁府〔2015〕3号' }]);
  });

  it('gives the documented defaults to a site that sets nothing', () => {
    expect(siteUtcOffset({})).toBe('+08:00');
    expect(siteTagDate({})).toBe('2010');
    expect(siteExamples({})).toEqual({ docNumber: '市府〔2010〕1号', id: 'shifu-2010-1' });
    expect(siteExamples({ examples: { docNumber: '宁府〔2015〕3号' } })).toEqual({ docNumber: '宁府〔2015〕3号', id: 'shifu-2010-1' });
  });

  it('finds the calendar day of an instant in the site offset', () => {
    const instant = new Date('2010-06-01T03:00:00Z');
    expect(localDate(instant, '+08:00')).toBe('2010-06-01');
    expect(localDate(instant, '-05:00')).toBe('2010-05-31');
    expect(localDate(new Date('2010-05-31T18:30:00Z'), '+05:30')).toBe('2010-06-01');
  });
});

describe('hints name the site of the content, not another city', () => {
  const siteText = (examples: string) => `name: 宁国市人民政府
baseUrl: https://www.ningguo.gov.cn/
lang: zh-CN
publisher: 宁国市人民政府办公室
gazetteTitle: 宁国市人民政府公报
${examples}departments:
  - { id: szf, name: 宁国市人民政府, code: "003210001" }
topics:
  - { id: zwgk, name: 政务公开 }
sections:
  - { id: szfwj, name: 市政府文件 }
`;
  const article =
    '---\nid: ningfu-2015-3\ntitle: 宁国市人民政府关于政务公开的意见\nsection: 市政府文件\ndocNumber: 宁府[2015]3\nsignedDate: 2015-04-20\ndate: 2015-05-31\ncategory: 政务公开\n---\n正文。\n';
  const files = (examples: string) => ({
    'site.yaml': siteText(examples),
    'gazette/2015/05/index.md': '---\nyear: 2015\nnumber: 5\ntotalNumber: 1\ndate: 2015-05-31\n---\n',
    'gazette/2015/05/ningfu-2015-3.md': article,
  });

  it("gives a document's hints the site's first department and its example 文号, and site.yaml's own neutral ones", async () => {
    const root = await writeSite({
      ...files('examples: { docNumber: 宁府〔2015〕3号, id: ningfu-2015-3 }\n'),
      'site.yaml': siteText('examples: { docNumber: 宁府〔2015〕3号 }\n').replace('publisher: 宁国市人民政府办公室\n', ''),
    });
    const { messages } = await loadContent(root);
    const inArticle = messages.filter((m) => m.file === 'gazette/2015/05/ningfu-2015-3.md');
    expect(inArticle.find((m) => m.ruleId === 'missing-field')?.hint).toBe('Add it, e.g. `department: 宁国市人民政府`.');
    expect(inArticle.find((m) => m.ruleId === 'invalid-doc-number')?.expected).toBe('<issuer>〔<year>〕<number>号, e.g. 宁府〔2015〕3号');
    expect(messages.find((m) => m.file === 'site.yaml' && m.ruleId === 'missing-field')?.hint).toBe('Add it, e.g. `publisher: ××市人民政府办公室`.');
    expect(JSON.stringify(messages)).not.toMatch(/淮|huai/i);
  });

  it('checks a cached file again when site.yaml changes its examples', async () => {
    const root = await writeSite(files(''));
    const cache = createMemoryContentCache();
    const before = await loadContent(root, { cache });
    expect(before.messages.find((m) => m.ruleId === 'invalid-doc-number')?.expected).toBe('<issuer>〔<year>〕<number>号, e.g. 市府〔2010〕1号');
    await writeFile(join(root, 'site.yaml'), siteText('examples: { docNumber: 宁府〔2015〕3号 }\n'));
    const after = await loadContent(root, { cache });
    expect(after.messages.find((m) => m.ruleId === 'invalid-doc-number')?.expected).toBe('<issuer>〔<year>〕<number>号, e.g. 宁府〔2015〕3号');
  });
});
