import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import remarkGfm from 'remark-gfm';
import remarkParse from 'remark-parse';
import { unified } from 'unified';
import { visit } from 'unist-util-visit';
import { describe, expect, it } from 'vitest';
import { generateCorpus } from '../../bench/corpus.ts';
import { collectReferences, parseMarkdown } from '../../src/content/markdown.ts';

describe('parseMarkdown', () => {
  it('reads GFM tables and reports links with their positions', () => {
    const tree = parseMarkdown('| 项目 | 数量 |\n| --- | --- |\n| 公开信息 | 5000 |\n\n见[附件](附件.md)。\n');
    expect(tree.children[0]?.type).toBe('table');
    expect(collectReferences(tree)).toEqual([{ kind: 'link', url: '附件.md', line: 5, column: 2 }]);
  });
});

describe('parseMarkdown without GFM autolink literals where a body cannot hold one', () => {
  // The reference: remark-parse and remark-gfm as they come, the transform always run.
  const reference = unified().use(remarkParse).use(remarkGfm).freeze();
  const parsedByReference = (text: string) => reference.runSync(reference.parse(text));

  const tricky = [
    '请访问 www.huainan.gov.cn 查询。',
    '请访问 WWW.HUAINAN.GOV.CN 查询。',
    '网址：HTTPS://www.huainan.gov.cn/xxgk/ 。',
    '来信请寄 hnzfb@huainan.gov.cn 。',
    '来信请寄 hnzfb&#64;huainan.gov.cn（字符引用）。',
    '来信请寄 hnzfb&#x40;huainan.gov.cn 。',
    '网址：&#119;ww.huainan.gov.cn 。',
    '网址：www\\.huainan.gov.cn（反斜杠转义）。',
    '网址：http\\://www.huainan.gov.cn 。',
    '联系 mailto:hnzfb@huainan.gov.cn 或 xmpp:hnzfb@huainan.gov.cn/desk 。',
    '见[门户网站](https://www.huainan.gov.cn/)。',
  ];

  it('gives the trees the reference parser gives, for the example content, the bench corpus and tricky text', () => {
    const bodies = [
      ...tricky,
      ...[...generateCorpus(120).files.values()].map((text) => text.split(/^---$/m).slice(2).join('---')),
      ...readdirSync('content', { recursive: true, encoding: 'utf8' })
        .filter((file) => file.endsWith('.md'))
        .map((file) => readFileSync(join('content', file), 'utf8')),
    ];
    expect(bodies.length).toBeGreaterThan(140);
    for (const body of bodies) expect(parseMarkdown(body), body.slice(0, 80)).toEqual(parsedByReference(body));
  });

  it('still links bare addresses, including those a character reference or an escape makes', () => {
    for (const text of tricky) {
      const links: string[] = [];
      visit(parseMarkdown(text), 'link', (node) => void links.push(node.url));
      expect(links.length, text).toBeGreaterThan(0);
    }
  });
});
