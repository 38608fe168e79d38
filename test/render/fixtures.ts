// Small documents, issues and records built inline for the render tests (facts from the
// 淮南市 transparency programme, 2010–2011).

import type { Nodes as HastNodes, Root as HastRoot } from 'hast';
import { fromHtml } from 'hast-util-from-html';
import type { ArticleDocument, ConferenceDocument, GazetteIssue, ReleaseDocument, SiteConfig } from '../../src/content/model.ts';
import type { RenderContext } from '../../src/render/html/context.ts';
import type { DocumentRecord, IssueRecord } from '../../src/store/ports.ts';

export const site: SiteConfig = {
  name: '淮南市人民政府',
  nameEn: "Huainan Municipal People's Government",
  baseUrl: 'https://www.huainan.gov.cn/',
  lang: 'zh-CN',
  publisher: '淮南市人民政府办公室',
  gazetteTitle: '淮南市人民政府公报',
  departments: [
    { id: 'szf', name: '淮南市人民政府', code: '003210001' },
    { id: 'szfb', name: '淮南市人民政府办公室', code: '003210045' },
    { id: 'xwb', name: '淮南市人民政府新闻办公室', code: '003210090' },
  ],
  topics: [
    { id: 'zwgk', name: '政务公开', nameEn: 'Government Transparency' },
    { id: 'mz', name: '民政', nameEn: 'Civil Affairs' },
  ],
  sections: [
    { id: 'szfwj', name: '市政府文件' },
    { id: 'szfbgswj', name: '市政府办公室文件' },
    { id: 'ldjh', name: '领导讲话' },
  ],
};

export const ctx: RenderContext = { site, assets: { stylesheet: '/assets/site.0123abcd.css' } };

const [szf, szfb, xwb] = site.departments as [SiteConfig['departments'][number], SiteConfig['departments'][number], SiteConfig['departments'][number]];
const [zwgk] = site.topics as [SiteConfig['topics'][number]];
const [szfwj] = site.sections as [SiteConfig['sections'][number]];

export function article(overrides: Partial<ArticleDocument> = {}): ArticleDocument {
  return {
    kind: 'article',
    id: 'huaifu-2010-69',
    title: '淮南市人民政府关于进一步推进政务公开工作的意见',
    lang: 'zh-CN',
    file: 'gazette/2010/05/huaifu-2010-69.md',
    urlPath: '/gazette/2010/05/huaifu-2010-69/',
    department: szf,
    category: zwgk,
    date: '2010-05-31',
    draft: false,
    attachments: [
      {
        file: 'gazette/2010/05/gkml-2010.pdf',
        title: '淮南市政府信息公开目录（2010年版）',
        name: 'gkml-2010.pdf',
        urlPath: '/gazette/2010/05/huaifu-2010-69/gkml-2010.pdf',
      },
    ],
    body: '各县、区人民政府，市政府各部门：\n\n在市档案馆、市公共图书馆、市政务服务中心设置查阅点15个。\n',
    bodyLine: 12,
    sourceDigest: 'a'.repeat(64),
    issue: { year: 2010, number: 5, totalNumber: 53 },
    section: szfwj,
    docNumber: '淮府〔2010〕69号',
    signedDate: '2010-04-20',
    validity: '有效',
    ...overrides,
  };
}

export function release(overrides: Partial<ReleaseDocument> = {}): ReleaseDocument {
  return {
    kind: 'release',
    id: 'press-2010-hotline-12345',
    title: '12345市长公开电话网民留言办理回复率达95%',
    lang: 'zh-CN',
    file: 'press/2010/hotline-12345.md',
    urlPath: '/press/2010/hotline-12345/',
    department: xwb,
    category: zwgk,
    date: '2010-12-08',
    draft: false,
    attachments: [],
    body: '2010年1至12月，共办理网民留言500多条，办理回复率达95%，居全省前列。\n',
    bodyLine: 9,
    sourceDigest: 'b'.repeat(64),
    ...overrides,
  };
}

export function conference(overrides: Partial<ConferenceDocument> = {}): ConferenceDocument {
  return {
    kind: 'conference',
    id: 'press-2010-zwgk-conference',
    title: '淮南市推进政务公开工作新闻发布会',
    lang: 'zh-CN',
    file: 'press/2010/zwgk-conference/index.md',
    urlPath: '/press/2010/zwgk-conference/',
    department: xwb,
    category: zwgk,
    date: '2010-12-08',
    draft: false,
    attachments: [],
    body: '今年以来，全市已召开网民座谈会105次。\n\n![发布会现场](photo.jpg)\n',
    bodyLine: 20,
    sourceDigest: 'c'.repeat(64),
    time: '09:30',
    venue: '市政府新闻发布厅',
    host: { name: '王晓明', title: '市政府新闻办公室主任' },
    speakers: [{ name: '戴启远', title: '市委常委、常务副市长' }],
    qa: [
      {
        n: 1,
        question: '查阅点设在哪里？',
        askedBy: '淮南日报记者',
        answer: '在市档案馆、市公共图书馆等处设置了15个查阅点[^1]。\n\n[^1]: 八公山区、田家庵区把查阅点设到社区居委会。\n',
        answeredBy: '戴启远',
      },
      {
        n: 2,
        question: '网民座谈会开了多少次？',
        answer: '已召开105次，参加网民超过1.3万人次[^1]。\n\n[^1]: 截至2010年底。\n',
      },
    ],
    ...overrides,
  };
}

export function issue(overrides: Partial<GazetteIssue> = {}): GazetteIssue {
  return {
    year: 2010,
    number: 5,
    totalNumber: 53,
    date: '2010-05-31',
    title: '淮南市人民政府公报 2010年第5期',
    file: 'gazette/2010/05/index.md',
    urlPath: '/gazette/2010/05/',
    sourceDigest: 'd'.repeat(64),
    articleIds: ['huaifu-2010-69'],
    ...overrides,
  };
}

export function issueRecord(overrides: Partial<IssueRecord> = {}): IssueRecord {
  const { year = 2010, number = 5 } = overrides;
  return {
    year,
    number,
    totalNumber: 48 + number,
    date: `${year}-${String(number).padStart(2, '0')}-28`,
    title: `淮南市人民政府公报 ${year}年第${number}期`,
    urlPath: `/gazette/${year}/${String(number).padStart(2, '0')}/`,
    articleIds: [],
    digest: 'e'.repeat(64),
    version: 1,
    updatedAt: '2010-06-01T00:00:00+08:00',
    ...overrides,
  };
}

export function record(overrides: Partial<DocumentRecord> & Pick<DocumentRecord, 'id'>): DocumentRecord {
  const kind = overrides.kind ?? 'release';
  const date = overrides.date ?? '2010-12-08';
  return {
    kind,
    title: `标题 ${overrides.id}`,
    lang: 'zh-CN',
    file: `press/${date.slice(0, 4)}/${overrides.id}.md`,
    urlPath: kind === 'article' ? `/gazette/2010/05/${overrides.id}/` : `/press/${date.slice(0, 4)}/${overrides.id}/`,
    status: 'published',
    version: 1,
    digest: 'f'.repeat(64),
    indexNumber: '003210090/2010-00001',
    department: szfb.name,
    departmentCode: szfb.code,
    category: zwgk.name,
    date,
    artifacts: [],
    firstPublishedAt: `${date}T10:00:00+08:00`,
    updatedAt: `${date}T10:00:00+08:00`,
    ...overrides,
  };
}

/** Parse a rendered page artifact back into a tree to query with CSS selectors. */
export function parsePage(page: { body: Uint8Array }): HastRoot {
  return fromHtml(Buffer.from(page.body).toString('utf8'));
}

/** Text content of a node, whitespace collapsed. */
export function textOf(node: HastNodes | undefined): string {
  return node === undefined ? '' : rawText(node).replace(/\s+/g, ' ').trim();
}

function rawText(node: HastNodes): string {
  if (node.type === 'text') return node.value;
  return 'children' in node ? node.children.map(rawText).join('') : '';
}
