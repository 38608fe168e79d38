// Small documents built inline for the PDF tests and the benchmark. Facts follow the seed
// article (淮南市 transparency programme, 2010–2011); the text is written for these tests.

import type { Root as HastRoot } from 'hast';
import type { ArticleDocument, ConferenceDocument, GazetteIssue, ReleaseDocument, Section, SiteConfig } from '../../src/content/model.ts';
import { markdownToHast } from '../../src/render/markdown.ts';

const office = { id: 'zfb', name: '淮南市人民政府办公室', code: '003210045' };
const topic = { id: 'zwgk', name: '政务公开' };
export const sections: Section[] = [
  { id: 'szfwj', name: '市政府文件' },
  { id: 'szfbgswj', name: '市政府办公室文件' },
];

export const site: SiteConfig = {
  name: '淮南市人民政府',
  baseUrl: 'https://www.huainan.gov.cn/',
  lang: 'zh-CN',
  publisher: '淮南市人民政府办公室',
  gazetteTitle: '淮南市人民政府公报',
  departments: [office],
  topics: [topic],
  sections,
};

export function hastOf(markdown: string): HastRoot {
  return markdownToHast(markdown, { resolveLink: (href) => (href.endsWith('.png') ? `/gazette/2010/05/${href}` : undefined) });
}

export const paragraphs = [
  '2010年以来，淮南市积极推进政务公开工作，公开形式日趋多样，制度不断完善，载体逐步加强，有力促进了行政权力公开透明运行和经济社会事业的健康发展。',
  '市编委会专门为市政府办公室增设了政务公开指导科，负责全市政务公开的组织、协调和指导工作；各县区、各部门实行“一把手”负总责、分管领导具体承担的工作责任制。',
  '依托市政府门户网站“市民心声”专栏，“在线访谈”每月第二、四周的周四15时至17时固定上线，实现在线互动。12345市长公开电话、12348法律服务热线和12333劳动保障热线成为政府与群众的连心桥。',
  '全市已在市档案馆、市公共图书馆、市政务服务中心以及县区相应机构设置了15个查阅点；八公山区、田家庵区等把查阅点设到社区居委会（居民不出社区即可查阅）。',
  '2010年以来，市政府信息化工作办公室和市政务公开办公室已牵头组织召开105次网民座谈会，参加网民超过1.3万人次，解答问题7000余条，办理回复率达95%，居全省前列。',
];

/** Rare characters of personal names that Fandol lacks: they must come from the fallback face. */
export const rareNames = '镕喆堃赟玥';

export const articleMarkdown = [
  '## 一、紧扣一个关键，领导高度重视',
  paragraphs[0],
  paragraphs[1],
  '### （一）培育两个亮点',
  paragraphs[2],
  `参加座谈的网民代表有王${rareNames[0]}、李${rareNames[1]}、张${rareNames[2]}、刘${rareNames[3]}和陈${rareNames[4]}等同志。[^1]`,
  '## 二、抓好三个环节，积极主动公开',
  paragraphs[3],
  '1. 抓好“三个载体”：政府公报、新闻发布会及新闻媒体；\n2. 加强“二点建设”：示范点和查阅点；\n3. 用好“一个平台”：淮南市政府信息公开系统。',
  '| 类别 | 数量 | 说明 |\n| --- | ---: | --- |\n| 省级政务公开示范点 | 2家 | 由省政务公开领导小组命名，每两年复核一次 |\n| 市级政务公开示范点 | 25家 | 覆盖市直部门、县区和窗口行业单位 |\n| 政府信息公开查阅点 | 15个 | 设在档案馆、图书馆、政务服务中心和社区居委会 |',
  '> 替百姓说话，为政府分忧，给淮南添彩。',
  paragraphs[4],
  `详见[淮南市政府信息公开网](https://www.huainan.gov.cn/xxgk/)。`,
  '[^1]: 名单按姓氏笔画排列。',
].join('\n\n');

export function article(overrides: Partial<ArticleDocument> = {}): ArticleDocument {
  return {
    kind: 'article',
    id: 'huaifu-2010-69',
    title: '淮南市人民政府关于进一步推进政务公开工作的通知',
    lang: 'zh-CN',
    file: 'gazette/2010/05/huaifu-2010-69.md',
    urlPath: '/gazette/2010/05/huaifu-2010-69/',
    department: office,
    category: topic,
    date: '2010-05-21',
    draft: false,
    attachments: [],
    body: articleMarkdown,
    bodyLine: 12,
    sourceDigest: 'a'.repeat(64),
    issue: { year: 2010, number: 5, totalNumber: 69 },
    section: sections[0]!,
    docNumber: '淮府〔2010〕69号',
    signedDate: '2010-05-18',
    validity: '有效',
    ...overrides,
  };
}

export function release(): ReleaseDocument {
  return {
    kind: 'release',
    id: 'press-2010-0601',
    title: '淮南市参加全国工程建设领域项目信息公开试点工作座谈会',
    lang: 'zh-CN',
    file: 'press/2010/0601.md',
    urlPath: '/press/2010/0601/',
    department: office,
    category: topic,
    date: '2010-06-03',
    draft: false,
    attachments: [],
    body: paragraphs[0]!,
    bodyLine: 8,
    sourceDigest: 'b'.repeat(64),
  };
}

export function conference(): ConferenceDocument {
  return {
    kind: 'conference',
    id: 'fbh-2010-12',
    title: '淮南市2010年政务公开工作新闻发布会',
    lang: 'zh-CN',
    file: 'press/2010/fbh-12/index.md',
    urlPath: '/press/2010/fbh-12/',
    department: office,
    category: topic,
    date: '2010-12-28',
    draft: false,
    attachments: [],
    body: paragraphs[4]!,
    bodyLine: 20,
    sourceDigest: 'c'.repeat(64),
    time: '15:00',
    venue: '市政务服务中心新闻发布厅',
    host: { name: '周明', title: '市政府新闻发言人' },
    speakers: [{ name: '戴启远', title: '市政务公开领导小组组长' }],
    qa: [
      { n: 1, question: '网民留言的办理情况如何？', askedBy: '淮南日报记者', answer: '2010年共办理网民留言500多条，办理回复率达95%。', answeredBy: '戴启远' },
    ],
  };
}

export function issueOf(articles: ArticleDocument[]): GazetteIssue {
  return {
    year: 2010,
    number: 5,
    totalNumber: 69,
    date: '2010-05-31',
    title: '淮南市人民政府公报2010年第5期',
    file: 'gazette/2010/05/index.md',
    urlPath: '/gazette/2010/05/',
    sourceDigest: 'd'.repeat(64),
    articleIds: articles.map((a) => a.id),
  };
}
