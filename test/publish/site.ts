// A small valid site written inline: one issue with two articles, a release, an English
// translation, a conference bundle with a photo, a draft and an embargoed release.

import { mkdtemp, mkdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { loadContent } from '../../src/content/load.ts';
import { formatMessages, hasErrors } from '../../src/content/messages.ts';
import { type BuildOptions, buildSite, type BuildSummary } from '../../src/publish/build.ts';
import { createSiteRenderer } from '../../src/publish/siteRenderer.ts';
import { createTestStores, type TestStores } from '../helpers/stores.ts';

export const siteYaml = `name: 淮南市人民政府
nameEn: Huainan Municipal People's Government
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
  - { id: zhzw, name: 综合政务 }
sections:
  - { id: szfwj, name: 市政府文件 }
  - { id: bgswj, name: 市政府办公室文件 }
  - { id: sqzl, name: 市情资料 }
`;

// A 1×1 PNG.
const png = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==', 'base64');

export function sampleFiles(): Record<string, string | Buffer> {
  return {
    'site.yaml': siteYaml,
    'gazette/2010/05/index.md': '---\nyear: 2010\nnumber: 5\ntotalNumber: 53\ndate: 2010-05-31\n---\n本期刊登市政府文件两件。\n',
    'gazette/2010/05/huaifu-2010-69.md': `---
id: huaifu-2010-69
title: 淮南市人民政府关于进一步推进政务公开工作的意见
section: 市政府文件
department: 淮南市人民政府
docNumber: 淮府〔2010〕69号
signedDate: 2010-04-20
date: 2010-05-31
category: 政务公开
---
## 一、总体要求

各县区、各部门要把政务公开列入重要议事日程，做到工作有计划、实施有检查。

<script>alert(1)</script>
`,
    'gazette/2010/05/banfa-2010-12.md': `---
id: huaifuban-2010-12
title: 淮南市人民政府办公室关于印发政府信息公开目录编制规范的通知
section: 市政府办公室文件
department: 淮南市人民政府办公室
docNumber: 淮府办〔2010〕12号
signedDate: 2010-05-10
date: 2010-05-31
category: 政务公开
---
请按照[市政府意见](huaifu-2010-69.md)的要求执行。
`,
    'press/2010/hotline.md': `---
id: press-2010-hotline
title: 12345市长公开电话受理量稳步上升
date: 2010-06-08
department: 淮南市人民政府新闻办公室
category: 综合政务
---
今年以来，12345市长公开电话共受理群众来电一万余件。
`,
    'press/2010/hotline-en.md': `---
id: press-2010-hotline-en
title: Mayor's hotline 12345 answers more calls
date: 2010-06-08
department: 淮南市人民政府新闻办公室
category: 综合政务
lang: en
translationOf: press-2010-hotline
---
The mayor's public hotline took more than ten thousand calls this year.
`,
    'press/2010/briefing/index.md': `---
type: conference
id: press-2010-briefing
title: 淮南市政务公开工作新闻发布会
date: 2010-06-20
time: "09:30"
venue: 市政府新闻发布厅
department: 淮南市人民政府新闻办公室
category: 政务公开
host: { name: 王晓明, title: 市政府新闻办公室主任 }
speakers:
  - { name: 戴启远, title: 市委常委、常务副市长 }
qa:
  - question: 今年政务公开工作有哪些新举措？
    askedBy: 淮南日报记者
    answer: 主要是完善目录、开通在线访谈。
    answeredBy: 戴启远
---
各位记者朋友，上午好。

![发布会现场](photo.png)
`,
    'press/2010/briefing/photo.png': png,
    'press/2010/draft.md': `---
id: press-2010-draft
title: 草稿不应发布
date: 2010-06-09
department: 淮南市人民政府新闻办公室
category: 综合政务
draft: true
---
草稿正文。
`,
    'press/2010/embargoed.md': `---
id: press-2010-embargoed
title: 禁发期内的新闻稿
date: 2010-06-30
department: 淮南市人民政府新闻办公室
category: 综合政务
publishAt: 2010-06-30T10:00:00+08:00
---
禁发期内正文。
`,
  };
}

export async function writeSite(files: Record<string, string | Buffer>, root?: string): Promise<string> {
  const dir = root ?? join(await mkdtemp(join(tmpdir(), 'gazette-site-')), 'content');
  for (const [path, text] of Object.entries(files)) {
    await mkdir(dirname(join(dir, path)), { recursive: true });
    await writeFile(join(dir, path), text);
  }
  return dir;
}

/**
 * Build the content at `root` into `stores` on the main thread, at `now`, with no partners (the
 * feeds are built, their deliveries kept in `stores`). Content with errors fails here with the messages.
 */
export async function buildInto(
  root: string,
  stores: TestStores,
  now: Date,
  options: { pdf?: boolean; build?: Pick<BuildOptions, 'lease' | 'leasing' | 'onEvent' | 'bucketMemory'> } = {},
): Promise<BuildSummary> {
  const { content, messages } = await loadContent(root, { now });
  if (content === undefined || hasErrors(messages)) throw new Error(`content in ${root} does not validate:\n${formatMessages(messages)}`);
  const renderer = await createSiteRenderer(content, { workers: 0, pdf: options.pdf ?? true });
  try {
    return await buildSite({
      content,
      objects: stores.objects,
      records: stores.records,
      renderer,
      now,
      feeds: { partners: [], deliveries: stores.deliveries },
      ...options.build,
    });
  } finally {
    await renderer.close();
  }
}

/**
 * One build of `files` on the main thread into new embedded stores, at `now`, with no partners.
 * Content with errors fails here with the messages, so a test never checks a build that refused.
 */
export async function buildFiles(files: Record<string, string | Buffer>, now = new Date('2010-06-25T08:00:00+08:00')): Promise<TestStores> {
  const stores = await createTestStores();
  await buildInto(await writeSite(files), stores, now);
  return stores;
}
