import { describe, expect, it } from 'vitest';
import { validateFrontMatter } from '../../src/content/schemas.ts';

const article = {
  id: 'huaifu-2010-69',
  title: '淮南市人民政府关于进一步推进政务公开工作的意见',
  section: '市政府文件',
  department: '淮南市人民政府',
  docNumber: '淮府〔2010〕69号',
  signedDate: '2010-04-20',
  date: '2010-05-31',
  category: '政务公开',
};

const brief = (problems: { path: (string | number)[]; ruleId: string }[]) => problems.map((p) => `${p.path.join('.')}: ${p.ruleId}`);

describe('validateFrontMatter', () => {
  it('accepts a complete article', () => {
    expect(validateFrontMatter('article', article)).toEqual({ data: article, problems: [] });
  });

  it('reports every problem, each on its path, with did-you-mean hints for unknown fields', () => {
    const { data, problems } = validateFrontMatter('article', {
      ...article,
      title: '',
      validity: '有',
      signedDate: undefined,
      signdate: '2010-04-20',
      id: 'Huaifu_69',
    });
    expect(data).toBeUndefined();
    expect(brief(problems)).toEqual(['id: invalid-id', 'title: empty-field', ': missing-field', 'validity: invalid-value', 'signdate: unknown-field']);
    expect(problems.find((p) => p.ruleId === 'unknown-field')).toMatchObject({ target: 'key', hint: 'Did you mean `signedDate`?' });
    expect(problems.find((p) => p.ruleId === 'invalid-value')?.hint).toBe('Did you mean `有效`?');
    expect(problems.find((p) => p.ruleId === 'missing-field')?.message).toBe('`signedDate` (成文日期) is missing.');
    expect(problems.find((p) => p.ruleId === 'invalid-id')?.hint).toContain('`huaifu-69`');
  });

  it('tells an editor to quote numbers read where text is expected', () => {
    const site = {
      name: '淮南市人民政府',
      baseUrl: 'https://www.huainan.gov.cn/',
      lang: 'zh-CN',
      publisher: '办公室',
      gazetteTitle: '公报',
      departments: [{ id: 'szf', name: '淮南市人民政府', code: 3210001 }],
      topics: [{ id: 'zwgk', name: '政务公开' }],
      sections: [{ id: 's', name: '市政府文件' }],
    };
    const { problems } = validateFrontMatter('site', site);
    expect(problems).toMatchObject([{ path: ['departments', 0, 'code'], ruleId: 'invalid-type', hint: 'Quote it so it is read as text: code: "3210001"' }]);
  });

  it('checks the feed settings of site.yaml', () => {
    const site = {
      name: '淮南市人民政府',
      baseUrl: 'https://www.huainan.gov.cn/',
      lang: 'zh-CN',
      publisher: '办公室',
      gazetteTitle: '公报',
      departments: [{ id: 'szf', name: '淮南市人民政府', code: '003210001' }],
      topics: [{ id: 'zwgk', name: '政务公开' }],
      sections: [{ id: 's', name: '市政府文件' }],
    };
    expect(validateFrontMatter('site', { ...site, feeds: { entries: 20, archiveFullText: 'every', hub: 'https://websub.huainan.example/' } }).problems).toEqual(
      [],
    );
    const { problems } = validateFrontMatter('site', { ...site, feeds: { entries: 0, archiveFullText: 'all', hub: 'http://websub.example/' } });
    expect(problems.map((problem) => [problem.path.join('.'), problem.ruleId])).toEqual([
      ['feeds.entries', expect.any(String)],
      ['feeds.archiveFullText', expect.any(String)],
      ['feeds.hub', 'invalid-hub-url'],
    ]);
  });

  it('checks conferences: speakers, times and who answers', () => {
    const { problems } = validateFrontMatter('conference', {
      type: 'conference',
      id: 'press-2010-fabuhui',
      title: '新闻发布会',
      date: '2010-12-20',
      department: '淮南市人民政府新闻办公室',
      category: '政务公开',
      time: '9:30',
      venue: '市政府新闻发布厅',
      host: { name: '王晓明', title: '主任' },
      speakers: [],
      qa: [
        { question: '问', answer: '答', answeredBy: '王晓明' },
        { question: '问', answer: '答', answeredBy: '曹勇' },
      ],
    });
    expect(brief(problems)).toEqual(['time: invalid-time', 'speakers: invalid-value', 'qa.1.answeredBy: unknown-answerer']);
    const again = validateFrontMatter('conference', {
      type: 'conference',
      id: 'press-2010-fabuhui',
      title: '新闻发布会',
      date: '2010-12-20',
      department: 'd',
      category: 'c',
      time: '09:30',
      venue: 'v',
      host: { name: '王晓明', title: '主任' },
      speakers: [{ name: '戴启远', title: '常务副市长' }],
      qa: [{ question: '问', answer: '答', answeredBy: '曹勇' }],
    });
    expect(brief(again.problems)).toEqual(['qa.0.answeredBy: unknown-answerer']);
  });

  it('checks issue numbers are whole numbers', () => {
    expect(brief(validateFrontMatter('issue', { year: 2010, number: 5.5, totalNumber: 0, date: '2010-05-31' }).problems)).toEqual([
      'number: invalid-type',
      'totalNumber: invalid-value',
    ]);
  });
});
