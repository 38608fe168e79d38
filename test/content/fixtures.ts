// Small content trees written inline into a temporary folder (facts from the 淮南市
// transparency programme, 2010–2011).

import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

/** Write `files` (content-relative path → text or bytes) under `<tmp>/content`; returns `<tmp>/content`. */
export async function writeContent(files: Record<string, string | Uint8Array>): Promise<string> {
  const root = join(await mkdtemp(join(tmpdir(), 'gazette-content-')), 'content');
  for (const [path, body] of Object.entries(files)) {
    await mkdir(dirname(join(root, path)), { recursive: true });
    await writeFile(join(root, path), body);
  }
  return root;
}

export const siteYaml = `name: 淮南市人民政府
baseUrl: https://www.huainan.gov.cn/
lang: zh-CN
publisher: 淮南市人民政府办公室
gazetteTitle: 淮南市人民政府公报
departments:
  - { id: szf, name: 淮南市人民政府, code: "003210001" }
  - { id: szfb, name: 淮南市人民政府办公室, code: "003210002" }
  - { id: xwb, name: 淮南市人民政府新闻办公室, code: "003210003" }
topics:
  - { id: zwgk, name: 政务公开 }
  - { id: mz, name: 民政 }
sections:
  - { id: szfwj, name: 市政府文件 }
  - { id: szfbwj, name: 市政府办公室文件 }
  - { id: ldjh, name: 领导讲话 }
`;

export function issue(year: number, number: number, totalNumber: number, date: string): string {
  return `---\nyear: ${year}\nnumber: ${number}\ntotalNumber: ${totalNumber}\ndate: ${date}\n---\n本期刊登市政府关于推进政务公开工作的文件。\n`;
}

/** An article front matter; `fields` replaces or adds lines (value `undefined` removes one). */
export function article(
  fields: Record<string, string | undefined> = {},
  body = '各县、区人民政府，市政府各部门：\n\n现就进一步推进政务公开工作提出如下意见。\n',
): string {
  const base: Record<string, string | undefined> = {
    id: 'huaifu-2010-69',
    title: '淮南市人民政府关于进一步推进政务公开工作的意见',
    section: '市政府文件',
    department: '淮南市人民政府',
    docNumber: '淮府〔2010〕69号',
    signedDate: '2010-04-20',
    date: '2010-05-31',
    category: '政务公开',
    ...fields,
  };
  return frontMatter(base, body);
}

export function release(fields: Record<string, string | undefined> = {}, body = '12345市长公开电话网民留言办理回复率达95%，居全省前列。\n'): string {
  return frontMatter(
    {
      id: 'press-2010-hotline-12345',
      title: '我市12345市长公开电话办理回复率达95%',
      date: '2010-12-08',
      department: '淮南市人民政府新闻办公室',
      category: '政务公开',
      ...fields,
    },
    body,
  );
}

export function conference(extra = ''): string {
  return `---
type: conference
id: press-2010-zwgk-fabuhui
title: 全市政务公开工作新闻发布会
date: 2010-12-20
department: 淮南市人民政府新闻办公室
category: 政务公开
time: "09:30"
venue: 市政府新闻发布厅
host: { name: 王晓明, title: 市政府新闻办公室主任 }
speakers:
  - { name: 戴启远, title: 市委常委、常务副市长 }
qa:
  - question: 今年网民座谈会开了多少次？
    askedBy: 淮南日报记者
    answer: 已召开105次，参加网民超过1.3万人次。
    answeredBy: 戴启远
${extra}---
各位记者朋友：

![发布会现场](photo.png)
`;
}

function frontMatter(fields: Record<string, string | undefined>, body: string): string {
  const lines = Object.entries(fields)
    .filter((entry): entry is [string, string] => entry[1] !== undefined)
    .map(([key, value]) => `${key}: ${value}`);
  return `---\n${lines.join('\n')}\n---\n${body}`;
}

/** A small valid site: two issues, three articles, a release, a conference with a photo and a PDF. */
export function validSite(): Record<string, string | Uint8Array> {
  return {
    'site.yaml': siteYaml,
    'gazette/2010/05/index.md': issue(2010, 5, 53, '2010-05-31'),
    'gazette/2010/05/huaifu-2010-69.md': article({ attachments: '[{ file: gkml-2010.pdf, title: 淮南市政府信息公开目录（2010年版） }]' }),
    'gazette/2010/05/gkml-2010.pdf': '%PDF-1.4 catalogue',
    'gazette/2010/05/a-speech.md': article({
      id: 'speech-2010-daiqiyuan',
      section: '领导讲话',
      docNumber: undefined,
      title: '戴启远同志在全市政务公开工作会议上的讲话',
    }),
    'gazette/2010/05/b-notice.md': article(
      { id: 'huaifuban-2010-72', section: '市政府办公室文件', department: '淮南市人民政府办公室', docNumber: '淮府办〔2010〕72号' },
      '根据[意见](huaifu-2010-69.md#一)，开展网络问政工作。\n',
    ),
    'gazette/2010/06/index.md': issue(2010, 6, 54, '2010-06-30'),
    'press/2010/hotline-12345.md': release(),
    'press/2010/zwgk-fabuhui/index.md': conference(),
    'press/2010/zwgk-fabuhui/photo.png': new Uint8Array([0x89, 0x50, 0x4e, 0x47]),
  };
}
