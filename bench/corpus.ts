// A deterministic corpus of Chinese documents for benchmarks: the same seed gives the same
// bytes. Gazette issues (8 articles each) and press releases, 2–8 KB each, with GFM tables
// and footnotes, across departments, topics and years.

import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';

/** mulberry32: a small, fast, seedable PRNG. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const departments = [
  ['szf', '淮南市人民政府', '003210001', '淮府'],
  ['szfb', '淮南市人民政府办公室', '003210002', '淮府办'],
  ['xwb', '淮南市人民政府新闻办公室', '003210003', '淮新'],
  ['mzj', '淮南市民政局', '003210011', '淮民'],
  ['jyj', '淮南市教育局', '003210012', '淮教'],
  ['rsj', '淮南市人力资源和社会保障局', '003210013', '淮人社'],
  ['jcj', '淮南市监察局', '003210014', '淮监'],
  ['daj', '淮南市档案局', '003210015', '淮档'],
  ['cjw', '淮南市城乡建设委员会', '003210016', '淮建'],
  ['czj', '淮南市财政局', '003210017', '淮财'],
] as const;
const topics = ['政务公开', '综合政务', '民政', '教育', '劳动就业', '财政税务', '城乡建设', '监察', '文化', '公共服务'];
const sections = ['市政府文件', '市政府办公室文件', '部门文件', '领导讲话', '人事任免', '市情资料'];

const subjects = [
  '政务公开工作',
  '市民心声专栏',
  '在线访谈活动',
  '政府信息公开目录',
  '服务热线',
  '制度执行年活动',
  '工程建设领域项目信息公开',
  '依申请公开',
  '政府公报',
  '新闻发布会',
];
const verbs = ['进一步加强', '认真做好', '深入推进', '切实抓好', '全面落实', '不断完善', '稳步开展', '持续改进'];
const objects = ['组织领导', '工作机制', '考核评议', '督查督办', '平台建设', '队伍建设', '宣传引导', '便民服务'];
const clauses = [
  '各县区、各部门要把这项工作列入重要议事日程',
  '按照“谁主管、谁负责”的原则落实责任',
  '做到工作有计划、实施有检查、年终有考核、违规有追究',
  '方便群众及时、准确地获取政府信息',
  '每月第二、四周的周四下午固定上线与网民互动交流',
  '对市民提出的问题按时限办理并公开回复',
  '在市档案馆、市图书馆设立政府信息查阅点',
  '将回复率纳入电子政务年度考评内容',
  '依托门户网站和信息公开网同步发布',
  '确保信息发布准确、及时、完整',
];

function pick<T>(next: () => number, list: readonly T[]): T {
  return list[Math.floor(next() * list.length)] as T;
}

function sentence(next: () => number): string {
  return `${pick(next, verbs)}${pick(next, subjects)}的${pick(next, objects)}，${pick(next, clauses)}，${pick(next, clauses)}。`;
}

function paragraph(next: () => number, sentences: number): string {
  return Array.from({ length: sentences }, () => sentence(next)).join('');
}

function table(next: () => number): string {
  const rows = Array.from({ length: 4 + Math.floor(next() * 6) }, () => {
    const dept = pick(next, departments)[1];
    return `| ${dept} | ${Math.floor(next() * 900) + 10} | ${Math.floor(next() * 100)}% |`;
  });
  return ['| 单位 | 公开信息（条） | 按时回复率 |', '| --- | ---: | ---: |', ...rows].join('\n');
}

const numerals = ['一', '二', '三', '四', '五', '六'];

function body(next: () => number, targetBytes: number): string {
  const parts: string[] = [paragraph(next, 2)];
  let heading = 0;
  let footnote = 0;
  while (Buffer.byteLength(parts.join('\n\n')) < targetBytes) {
    if (next() < 0.25 && heading < numerals.length) parts.push(`## ${numerals[heading++]}、${pick(next, verbs)}${pick(next, subjects)}`);
    const roll = next();
    if (roll < 0.08) parts.push(table(next));
    else if (roll < 0.16) {
      footnote++;
      parts.push(`${paragraph(next, 1)}[^${footnote}]`);
      parts.push(`[^${footnote}]: 数据来源：${pick(next, departments)[1]}统计报表。`);
    } else if (roll < 0.22) parts.push(Array.from({ length: 3 }, () => `- ${sentence(next)}`).join('\n'));
    else parts.push(paragraph(next, 2 + Math.floor(next() * 3)));
  }
  return parts.join('\n\n') + '\n';
}

function siteYaml(): string {
  return [
    'name: 淮南市人民政府',
    "nameEn: Huainan Municipal People's Government",
    'baseUrl: https://www.huainan.gov.cn/',
    'lang: zh-CN',
    'publisher: 淮南市人民政府办公室',
    'gazetteTitle: 淮南市人民政府公报',
    'departments:',
    ...departments.map(([id, name, code]) => `  - { id: ${id}, name: ${name}, code: "${code}" }`),
    'topics:',
    ...topics.map((name, i) => `  - { id: t${i + 1}, name: ${name} }`),
    'sections:',
    ...sections.map((name, i) => `  - { id: s${i + 1}, name: ${name} }`),
    '',
  ].join('\n');
}

export interface Corpus {
  files: Map<string, string>;
  /** Content-relative path of a press release to edit for the one-document benchmark. */
  sampleRelease: string;
  /** Content-relative paths of the embargoed release and the draft (`unpublished`), which no edit may pick. */
  unpublished: string[];
  documents: number;
}

/**
 * `documents` in all: 8 articles per monthly issue for the first eighth, the rest press releases.
 * `unpublished`: also one embargoed release (out on 2011-01-10, after the CLI bench's clock) and
 * one draft, as a press office's content holds; they are not counted in `documents`.
 */
export function generateCorpus(documents: number, seed = 20100531, options: { unpublished?: boolean } = {}): Corpus {
  const next = random(seed);
  const files = new Map<string, string>();
  files.set('site.yaml', siteYaml());
  const issueCount = Math.max(1, Math.floor(documents / 8 / 8));
  const firstYear = 2010 - Math.floor((issueCount - 1) / 12);
  let made = 0;
  for (let i = 0; i < issueCount; i++) {
    const year = firstYear + Math.floor(i / 12);
    const month = (i % 12) + 1;
    const nn = String(month).padStart(2, '0');
    const date = `${year}-${nn}-28`;
    files.set(`gazette/${year}/${nn}/index.md`, `---\nyear: ${year}\nnumber: ${month}\ntotalNumber: ${i + 1}\ndate: ${date}\n---\n${paragraph(next, 2)}\n`);
    for (let a = 0; a < 8; a++, made++) {
      const [, dept, , prefix] = pick(next, departments);
      const section = sections[a % sections.length] as string;
      const numbered = section.endsWith('文件');
      const signed = `${year}-${nn}-${String(1 + Math.floor(next() * 20)).padStart(2, '0')}`;
      const lines = [
        '---',
        `id: gz-${year}-${nn}-${a + 1}`,
        `title: 关于${pick(next, verbs)}${pick(next, subjects)}的通知`,
        `section: ${section}`,
        `department: ${dept}`,
        ...(numbered ? [`docNumber: ${prefix}〔${year}〕${made + 1}号`] : []),
        `signedDate: ${signed}`,
        `date: ${date}`,
        `category: ${pick(next, topics)}`,
        '---',
        body(next, 2000 + Math.floor(next() * 6000)),
      ];
      files.set(`gazette/${year}/${nn}/article-${a + 1}.md`, lines.join('\n'));
    }
  }
  let sampleRelease = '';
  const releases = documents - made;
  for (let r = 0; r < releases; r++) {
    const year = firstYear + Math.floor((r / Math.max(releases, 1)) * (2011 - firstYear));
    const month = String(1 + Math.floor(next() * 12)).padStart(2, '0');
    const day = String(1 + Math.floor(next() * 28)).padStart(2, '0');
    const [, dept] = pick(next, departments);
    const path = `press/${year}/release-${r + 1}.md`;
    sampleRelease ||= path;
    files.set(
      path,
      [
        '---',
        `id: press-${r + 1}`,
        `title: ${dept}${pick(next, verbs)}${pick(next, subjects)}`,
        `date: ${year}-${month}-${day}`,
        `department: ${dept}`,
        `category: ${pick(next, topics)}`,
        '---',
        body(next, 2000 + Math.floor(next() * 6000)),
      ].join('\n'),
    );
  }
  const unpublished: string[] = [];
  if (options.unpublished === true) {
    const [, dept] = pick(next, departments);
    const front = (id: string, title: string, extra: string) =>
      ['---', `id: ${id}`, `title: ${title}`, 'date: 2011-01-10', `department: ${dept}`, `category: ${pick(next, topics)}`, extra, '---'].join('\n');
    files.set(
      'press/2011/embargoed.md',
      [front('press-embargoed', '二〇一一年政务公开工作要点', 'publishAt: 2011-01-10T09:00:00+08:00'), body(next, 3000)].join('\n'),
    );
    files.set('press/2011/draft.md', [front('press-draft', '政务公开工作情况通报（草稿）', 'draft: true'), body(next, 3000)].join('\n'));
    unpublished.push('press/2011/embargoed.md', 'press/2011/draft.md');
  }
  return { files, sampleRelease, unpublished, documents: made + releases };
}

export async function writeCorpus(corpus: Corpus, dir: string): Promise<void> {
  const dirs = new Set([...corpus.files.keys()].map((path) => dirname(join(dir, path))));
  await Promise.all([...dirs].map((path) => mkdir(path, { recursive: true })));
  const entries = [...corpus.files.entries()];
  for (let i = 0; i < entries.length; i += 256) {
    await Promise.all(entries.slice(i, i + 256).map(([path, text]) => writeFile(join(dir, path), text)));
  }
}
