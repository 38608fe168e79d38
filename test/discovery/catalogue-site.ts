// The content the catalogue and statistics tests build: two gazette issues of 2010 with five
// articles (one withdrawn, one declared 失效), press items over three months of 2010 and one of
// 2009, an English translation, a draft and an embargoed release. Working days between 成文日期
// and 发布日期 are worked out by hand in the tests from the 2010 calendar below.

import { expect } from 'vitest';
import { loadContent } from '../../src/content/load.ts';
import type { ContentSet, WorkCalendar } from '../../src/content/model.ts';

/** A department whose name needs CSV quoting (a comma and quotes). */
export const oddDepartment = '淮南市"阳光村务",工作办公室';

export const siteYaml = `name: 淮南市人民政府
baseUrl: https://www.huainan.gov.cn/
lang: zh-CN
publisher: 淮南市人民政府办公室
gazetteTitle: 淮南市人民政府公报
departments:
  - { id: szf, name: 淮南市人民政府, code: "003210001" }
  - { id: szfb, name: 淮南市人民政府办公室, code: "003210002" }
  - { id: xwb, name: 淮南市人民政府新闻办公室, code: "003210003" }
  - { id: ygcw, name: '${oddDepartment}', code: "003210004" }
  - { id: jyj, name: 淮南市教育局, code: "003210012" }
topics:
  - { id: zwgk, name: 政务公开 }
  - { id: zhzw, name: 综合政务 }
  - { id: jy, name: 教育 }
sections:
  - { id: szfwj, name: 市政府文件 }
  - { id: bgswj, name: 市政府办公室文件 }
  - { id: ldjh, name: 领导讲话 }
`;

function article(fields: Record<string, string>, body: string): string {
  return `---\n${Object.entries(fields)
    .map(([key, value]) => `${key}: ${value}`)
    .join('\n')}\n---\n${body}\n`;
}

/** The 21 routine releases of March 2010 (one a day, 2010-03-01 … 2010-03-21). */
export const marchReleases = Array.from({ length: 21 }, (_, i) => ({
  id: `press-2010-03-${String(i + 1).padStart(2, '0')}`,
  title: `三月第${i + 1}号新闻稿`,
  date: `2010-03-${String(i + 1).padStart(2, '0')}`,
}));

export function catalogueFiles(): Record<string, string> {
  const files: Record<string, string> = {
    'site.yaml': siteYaml,
    'gazette/2010/05/index.md': '---\nyear: 2010\nnumber: 5\ntotalNumber: 53\ndate: 2010-05-31\n---\n本期刊登文件三件。\n',
    'gazette/2010/05/huaifu-2010-69.md': article(
      {
        id: 'huaifu-2010-69',
        title: '淮南市人民政府关于进一步推进政务公开工作的意见',
        section: '市政府文件',
        department: '淮南市人民政府',
        docNumber: '淮府〔2010〕69号',
        signedDate: '2010-04-20',
        date: '2010-05-31',
        category: '政务公开',
        summary: '推进政务公开的总体要求。',
      },
      '各县区、各部门要把政务公开列入重要议事日程。',
    ),
    'gazette/2010/05/huaifuban-2010-12.md': article(
      {
        id: 'huaifuban-2010-12',
        title: '淮南市人民政府办公室关于印发政府信息公开目录编制规范的通知',
        section: '市政府办公室文件',
        department: '淮南市人民政府办公室',
        docNumber: '淮府办〔2010〕12号',
        signedDate: '2010-05-10',
        date: '2010-05-31',
        category: '政务公开',
        validity: '失效',
      },
      '请遵照执行。',
    ),
    'gazette/2010/05/speech.md': article(
      {
        id: 'speech-2010-05',
        title: '在全市政务公开工作会议上的讲话',
        section: '领导讲话',
        department: '淮南市人民政府',
        signedDate: '2010-05-28',
        date: '2010-05-31',
        category: '综合政务',
      },
      '同志们：今天召开全市政务公开工作会议。',
    ),
    'gazette/2010/06/index.md': '---\nyear: 2010\nnumber: 6\ntotalNumber: 54\ndate: 2010-06-30\n---\n本期刊登文件两件。\n',
    'gazette/2010/06/huaifu-2010-80.md': article(
      {
        id: 'huaifu-2010-80',
        title: '淮南市人民政府关于推行阳光村务工程的通知',
        section: '市政府文件',
        department: '淮南市人民政府',
        docNumber: '淮府〔2010〕80号',
        signedDate: '2010-06-11',
        date: '2010-06-30',
        category: '综合政务',
      },
      '各县区人民政府：现就推行阳光村务工程通知如下。',
    ),
    'gazette/2010/06/huaifuban-2010-20.md': article(
      {
        id: 'huaifuban-2010-20',
        title: '淮南市人民政府办公室关于职权目录编制工作的通知',
        section: '市政府办公室文件',
        department: '淮南市人民政府办公室',
        docNumber: '淮府办〔2010〕20号',
        signedDate: '2010-06-01',
        date: '2010-06-30',
        category: '政务公开',
        summary: '撤回前的摘要不应出现。',
        status: 'withdrawn',
        withdrawnReason: '内容有误，另行发布。',
        withdrawnDate: '2010-07-05',
      },
      '撤回前的正文不应出现。',
    ),
    'press/2009/yearend.md': article(
      { id: 'press-2009-yearend', title: '二〇〇九年政务公开工作综述', date: '2009-12-30', department: '淮南市人民政府', category: '政务公开' },
      '二〇〇九年，全市政务公开工作稳步推进。',
    ),
    'press/2010/hotline.md': article(
      { id: 'press-2010-hotline', title: '12345市长公开电话受理量稳步上升', date: '2010-06-08', department: '淮南市人民政府新闻办公室', category: '综合政务' },
      '今年以来，12345市长公开电话共受理群众来电一万余件。',
    ),
    'press/2010/hotline-en.md': article(
      {
        id: 'press-2010-hotline-en',
        title: "Mayor's hotline 12345 answers more calls",
        date: '2010-06-08',
        department: '淮南市人民政府新闻办公室',
        category: '综合政务',
        lang: 'en',
        translationOf: 'press-2010-hotline',
      },
      'The hotline took more than ten thousand calls.',
    ),
    'press/2010/village.md': article(
      { id: 'press-2010-village', title: '阳光村务工程建设全面启动', date: '2010-07-02', department: `'${oddDepartment}'`, category: '综合政务' },
      '全市阳光村务工程建设全面启动。',
    ),
    'press/2010/briefing/index.md': article(
      {
        type: 'conference',
        id: 'press-2010-briefing',
        title: '淮南市政务公开工作新闻发布会',
        date: '2010-06-20',
        time: '"09:30"',
        venue: '市政府新闻发布厅',
        department: '淮南市人民政府新闻办公室',
        category: '政务公开',
        host: '{ name: 王晓明, title: 市政府新闻办公室主任 }',
        speakers: '[{ name: 戴启远, title: 常务副市长 }]',
      },
      '各位记者朋友，上午好。',
    ),
    'press/2010/draft.md': article(
      { id: 'press-2010-draft', title: '草稿不应发布', date: '2010-06-09', department: '淮南市人民政府新闻办公室', category: '综合政务', draft: 'true' },
      '草稿正文。',
    ),
    'press/2010/embargoed.md': article(
      {
        id: 'press-2010-embargoed',
        title: '禁发期内的新闻稿',
        date: '2010-07-08',
        department: '淮南市人民政府新闻办公室',
        category: '综合政务',
        publishAt: '2010-07-20T10:00:00+08:00',
      },
      '禁发期内正文。',
    ),
  };
  for (const release of marchReleases) {
    files[`press/2010/${release.id}.md`] = article(
      { id: release.id, title: release.title, date: release.date, department: '淮南市人民政府新闻办公室', category: '综合政务' },
      `${release.title}正文。`,
    );
  }
  return files;
}

/**
 * 2010's holidays and 调休 working days (国办发明电〔2009〕12号), built by hand rather than by
 * the calendar loader, so these tests depend only on the working-day arithmetic.
 */
export function calendar2010(): WorkCalendar {
  const holidays = new Map<string, string>();
  const add = (name: string, days: string[]) => days.forEach((day) => holidays.set(day, name));
  add('元旦', ['2010-01-01']);
  add('春节', ['2010-02-15', '2010-02-16', '2010-02-17', '2010-02-18', '2010-02-19']);
  add('清明节', ['2010-04-05']);
  add('劳动节', ['2010-05-03']);
  add('端午节', ['2010-06-14', '2010-06-15', '2010-06-16']);
  add('中秋节', ['2010-09-22', '2010-09-23', '2010-09-24']);
  add('国庆节', ['2010-10-01', '2010-10-04', '2010-10-05', '2010-10-06', '2010-10-07']);
  const workdays = new Set(['2010-02-20', '2010-02-21', '2010-06-12', '2010-06-13', '2010-09-19', '2010-09-25', '2010-09-26', '2010-10-09']);
  return { years: [2010], holidays, workdays };
}

/** Load the fixture with the given calendar (the 2010 one unless told). */
export async function loadCatalogueSite(root: string, calendar: WorkCalendar = calendar2010()): Promise<ContentSet> {
  const { content, messages } = await loadContent(root);
  expect(messages.filter((m) => m.severity === 'error')).toEqual([]);
  return { ...(content as ContentSet), calendar };
}
