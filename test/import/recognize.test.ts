import type { Nodes, Root } from 'mdast';
import { visit } from 'unist-util-visit';
import { describe, expect, it } from 'vitest';
import { parseMarkdown } from '../../src/content/markdown.ts';
import type { Block, Inline } from '../../src/import/blocks.ts';
import { parseChineseDate } from '../../src/content/chineseDate.ts';
import { bodyMarkdown } from '../../src/import/markdown.ts';
import { fullWidth } from '../../src/import/punctuation.ts';
import { normalizeDocNumber, recognize } from '../../src/import/recognize.ts';

const p = (...inlines: (string | Inline)[]): Block => ({
  kind: 'paragraph',
  inlines: inlines.map((item) => (typeof item === 'string' ? { kind: 'text', value: item } : item)),
});
const noImages = { imageFile: () => undefined };

describe('成文日期', () => {
  it.each([
    ['二〇一〇年五月十二日', '2010-05-12'],
    ['二〇一〇年十二月三十一日', '2010-12-31'],
    ['二○一一年二月二十日', '2011-02-20'],
    ['二〇一〇年十月十日', '2010-10-10'],
    ['2010年6月9日', '2010-06-09'],
    ['２０１０年６月９日', '2010-06-09'],
  ])('reads %s as %s', (text, iso) => expect(parseChineseDate(text)).toBe(iso));

  it.each(['二〇一〇年二月三十日', '二〇一〇年五月', '二〇一〇年二三月一日', '2010年以来'])('refuses %s', (text) =>
    expect(parseChineseDate(text)).toBeUndefined(),
  );
});

describe('文号', () => {
  it.each([
    ['淮府[2010]69号', '淮府〔2010〕69号'],
    ['淮府(2010)69号', '淮府〔2010〕69号'],
    ['淮府（2010）69号', '淮府〔2010〕69号'],
    ['淮府【2010】69号', '淮府〔2010〕69号'],
    ['淮府〔２０１０〕０６９号', '淮府〔2010〕69号'],
    ['淮府办 〔2010〕 93 号', '淮府办〔2010〕93号'],
    ['淮府〔2010〕69', '淮府〔2010〕69号'],
    ['淮府〔2010〕69号', '淮府〔2010〕69号'],
  ])('writes %s as %s, as the checker expects', (text, expected) => expect(normalizeDocNumber(text)).toBe(expected));
});

describe('full-width punctuation', () => {
  it.each([
    ['各县、区人民政府,市政府各部门:', '各县、区人民政府，市政府各部门：'],
    ['关于印发《淮南市政府信息公开目录》(2010年版)的通知', '关于印发《淮南市政府信息公开目录》（2010年版）的通知'],
    ['根据淮府办[2010]093号文件要求;现通知如下', '根据淮府办〔2010〕93号文件要求；现通知如下'],
    ['回复率达95%,居全省前列!', '回复率达95%,居全省前列！'],
  ])('writes %s as %s', (text, expected) => expect(fullWidth(text)).toBe(expected));

  it.each(['每周一至周五中午12:10至12:40', '参加网民超过1.3万人次', '办理网民留言500多条 (2010 data)', 'www.huainan.gov.cn'])('leaves %s alone', (text) =>
    expect(fullWidth(text)).toBe(text),
  );
});

describe('recognize', () => {
  it('takes numbered lines under 附件 as attachment titles, not headings', () => {
    const found = recognize([
      p('正文。'),
      p('附件：1. 淮南市政府信息公开查阅点一览表'),
      p('2. 查阅点开放时间'),
      p('淮南市人民政府'),
      p('二〇一〇年六月十二日'),
    ]);
    expect(found.attachmentTitles).toEqual(['淮南市政府信息公开查阅点一览表', '查阅点开放时间']);
    expect(found.body.map((block) => block.kind)).toEqual(['paragraph', 'paragraph', 'paragraph']);
  });

  it('finds the parts of a notice and closes up heading levels', () => {
    const found = recognize([
      p('淮南市人民政府办公室关于做好在线访谈工作的通知'),
      p('淮府办（2010）27号'),
      p('市政府各部门、各直属机构：'),
      p('（一）上线时间'),
      p('每月第二、第四周的周四15时至17时。'),
      p('1. 访谈前三天报送主题'),
      p('（二）工作要求：各单位主要负责同志原则上应亲自上线，回答网民提问。'),
      p('淮南市人民政府办公室'),
      p('二〇一〇年四月二日'),
      p('（此件公开发布）'),
    ]);
    expect(found).toMatchObject({
      title: '淮南市人民政府办公室关于做好在线访谈工作的通知',
      docNumber: '淮府办〔2010〕27号',
      signer: '淮南市人民政府办公室',
      signedDate: '2010-04-02',
    });
    // No 一、 in this notice: （一） is the first rank, so it becomes ##, and 1. becomes ###.
    expect(bodyMarkdown(found.body, [], noImages)).toBe(
      '市政府各部门、各直属机构：\n\n## （一）上线时间\n\n每月第二、第四周的周四15时至17时。\n\n### 1. 访谈前三天报送主题\n\n（二）工作要求：各单位主要负责同志原则上应亲自上线，回答网民提问。\n\n（此件公开发布）\n',
    );
    expect(found.findings.find((finding) => finding.field === 'title')).toMatchObject({
      certainty: 'guess',
      from: '淮南市人民政府办公室关于做好在线访谈工作的通知',
    });
  });

  it('joins a title typed as two lines in the Title style', () => {
    const title = (text: string): Block => ({ kind: 'heading', level: 1, title: true, inlines: [{ kind: 'text', value: text }] });
    const found = recognize([title('淮南市人民政府关于印发淮南市政府信息公开'), title('“制度执行年”活动实施方案的通知'), p('各县、区人民政府：')]);
    expect(found.title).toBe('淮南市人民政府关于印发淮南市政府信息公开“制度执行年”活动实施方案的通知');
    expect(found.body).toHaveLength(1);
  });

  it('reports what it cannot find', () => {
    const found = recognize([p('在全市政务公开工作会议上的讲话'), p('同志们：'), p('今天召开会议，部署下一阶段工作。')]);
    expect(found.signedDate).toBeUndefined();
    expect(found.findings).toContainEqual(expect.objectContaining({ field: 'signedDate', certainty: 'missing' }));
  });
});

describe('Markdown body', () => {
  it('escapes what Markdown would read as syntax and keeps full-width punctuation', () => {
    const markdown = bodyMarkdown(
      [
        p('1. 不是列表，是原文的编号'),
        p('# 号开头的一行'),
        p('星号*和下划线_以及[方括号]照原文保留；全角标点“”、（）。'),
        p({ kind: 'strong', children: [{ kind: 'text', value: '“四有”工作机制：' }] }, '工作有计划、实施有检查。'),
        p('第一行', { kind: 'break' }, '2. 第二行'),
        p('各单位要用好', { kind: 'strong', children: [{ kind: 'text', value: '“三个载体”' }] }, '主动公开。'),
      ],
      [],
      noImages,
    );
    expect(markdown).toBe(
      [
        '1\\. 不是列表，是原文的编号',
        '\\# 号开头的一行',
        '星号\\*和下划线\\_以及\\[方括号\\]照原文保留；全角标点“”、（）。',
        '**“四有”工作机制**：工作有计划、实施有检查。',
        '第一行\\\n2\\. 第二行',
        '各单位要用好“**三个载体**”主动公开。',
      ].join('\n\n') + '\n',
    );
    // The renderer's own parser reads the bold text as bold, and nothing as a list or heading.
    const tree = parseMarkdown(markdown);
    expect(tree.children.map((node) => node.type)).toEqual(['paragraph', 'paragraph', 'paragraph', 'paragraph', 'paragraph', 'paragraph']);
    expect(selectAll(tree, 'strong').map((node) => toString(node))).toEqual(['“四有”工作机制', '三个载体']);
  });
});

function selectAll(tree: Root, type: string): Nodes[] {
  const found: Nodes[] = [];
  visit(tree, (node) => {
    if (node.type === type) found.push(node);
  });
  return found;
}

function toString(node: Nodes): string {
  return 'value' in node ? String(node.value) : 'children' in node ? (node.children as Nodes[]).map(toString).join('') : '';
}
