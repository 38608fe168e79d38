// Special columns (专栏), columns/<id>.md: loading, ordering and every rule an editor can break.

import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { createFileContentCache, loadContent } from '../../src/content/load.ts';
import type { ContentMessage } from '../../src/content/model.ts';
import { columnsOf } from '../../src/discovery/columns.ts';
import { article, validSite, writeContent } from './fixtures.ts';

const exampleContent = resolve(dirname(fileURLToPath(import.meta.url)), '../../content');
const places = (messages: ContentMessage[]) => messages.map((m) => `${m.file}:${m.line}:${m.column} ${m.ruleId}`);

/** validSite() with tags on two of its documents, and the given column files. */
function site(columns: Record<string, string>): Record<string, string | Uint8Array> {
  return {
    ...validSite(),
    'gazette/2010/05/huaifu-2010-69.md': article({ tags: '[制度执行年, 权力运行]' }),
    'gazette/2010/05/a-speech.md': article({
      id: 'speech-2010-daiqiyuan',
      section: '领导讲话',
      docNumber: undefined,
      title: '戴启远同志在全市政务公开工作会议上的讲话',
      tags: '[制度执行年]',
    }),
    ...columns,
  };
}

const zhidu = `---
title: 制度执行年活动
summary: 全市政府信息公开“制度执行年”活动。
order: 2
rule:
  tags: [制度执行年]
  from: 2010-01-01
  to: 2010-12-31
---
按照梳理、完善、落实三个步骤推进。
`;

describe('columns in the example content', () => {
  it('load in order, each with at least two documents', async () => {
    const { content, messages } = await loadContent(exampleContent);
    expect(messages.filter((m) => m.severity === 'error')).toEqual([]);
    expect(content?.columns.map((column) => column.title)).toEqual(['制度执行年活动', '工程建设领域项目信息公开', '职权目录和权力运行流程图']);
    for (const column of content?.columns ?? []) {
      expect(column.urlPath).toBe(`/zhuanlan/${column.id}/`);
      expect(column.description).not.toBe('');
      const members = (content?.documents ?? []).filter(
        (doc) => columnsOf([column], { ...doc, department: doc.department.name, category: doc.category.name }).length > 0,
      );
      expect(members.length, column.title).toBeGreaterThanOrEqual(2);
    }
  });
});

describe('loadContent with columns', () => {
  it('builds a column from its file: id from the name, rule with empty lists, body as description', async () => {
    const root = await writeContent(
      site({
        'columns/zhidu-zhixingnian.md': zhidu,
        'columns/zhiquan-mulu.md': '---\ntitle: 职权目录和权力运行流程图\nrule:\n  documents: [huaifu-2010-69]\n---\n',
      }),
    );
    const { content, messages } = await loadContent(root);
    expect(messages).toEqual([]);
    // order 0 (default) before order 2.
    expect(content?.columns.map((column) => column.id)).toEqual(['zhiquan-mulu', 'zhidu-zhixingnian']);
    const column = content?.columns[1];
    expect(column).toEqual({
      id: 'zhidu-zhixingnian',
      title: '制度执行年活动',
      summary: '全市政府信息公开“制度执行年”活动。',
      description: '按照梳理、完善、落实三个步骤推进。',
      rule: { topics: [], departments: [], tags: ['制度执行年'], kinds: [], documents: [], from: '2010-01-01', to: '2010-12-31' },
      order: 2,
      file: 'columns/zhidu-zhixingnian.md',
      urlPath: '/zhuanlan/zhidu-zhixingnian/',
      sourceDigest: createHash('sha256').update(zhidu).digest('hex'),
    });
    expect(content?.columns[0]?.order).toBe(0);
    // A document may link a column; the link resolves to the column page.
    expect(content?.routes.get('columns/zhidu-zhixingnian.md')).toBe('/zhuanlan/zhidu-zhixingnian/');
  });

  it('orders columns of the same order by id', async () => {
    const column = (title: string) => `---\ntitle: ${title}\norder: 1\nrule: { tags: [制度执行年] }\n---\n`;
    const { content } = await loadContent(
      await writeContent(
        site({ 'columns/bbb.md': column('乙'), 'columns/aaa.md': column('甲'), 'columns/ccc.md': column('丙').replace('order: 1', 'order: -1') }),
      ),
    );
    expect(content?.columns.map((c) => c.id)).toEqual(['ccc', 'aaa', 'bbb']);
  });

  it('names unknown topics and departments with a suggestion, unknown kinds, and unknown document ids', async () => {
    const { content, messages } = await loadContent(
      await writeContent(
        site({
          'columns/gongcheng.md': [
            '---',
            'title: 工程建设领域项目信息公开',
            'rule:',
            '  topics: [政务公开, 政务公]',
            '  departments: [淮南市人民政府办公厅]',
            '  documents: [huaifu-2010-96]',
            '---',
            '',
          ].join('\n'),
          'columns/kinds.md': '---\ntitle: 新闻发布\nrule:\n  kinds: [release, conferance]\n---\n',
        }),
      ),
    );
    expect(content).toBeUndefined();
    expect(places(messages)).toEqual([
      'columns/gongcheng.md:4:18 unknown-topic',
      'columns/gongcheng.md:5:17 unknown-department',
      'columns/gongcheng.md:6:15 unknown-document',
      'columns/kinds.md:4:20 invalid-value',
    ]);
    expect(messages[0]?.hint).toBe('Did you mean `政务公开`?');
    expect(messages[0]?.expected).toBe('政务公开、民政');
    expect(messages[1]?.hint).toBe('Did you mean `淮南市人民政府办公室`?');
    expect(messages[2]?.hint).toBe('Did you mean `huaifu-2010-69`?');
    expect(messages[3]?.hint).toBe('Did you mean `conference`?');
  });

  it('refuses a rule that selects nothing, a missing rule, reversed and invalid dates', async () => {
    const { messages } = await loadContent(
      await writeContent(
        site({
          'columns/empty-rule.md': '---\ntitle: 甲\nrule: { tags: [], documents: [] }\n---\n',
          'columns/no-rule.md': '---\ntitle: 乙\nsummary: 没有规则。\n---\n',
          'columns/reversed.md': '---\ntitle: 丙\nrule:\n  tags: [制度执行年]\n  from: 2010-12-31\n  to: 2010-01-01\n---\n',
          'columns/bad-date.md': '---\ntitle: 丁\nrule:\n  from: 2010-02-30\n---\n',
        }),
      ),
    );
    expect(places(messages)).toEqual([
      'columns/bad-date.md:4:9 invalid-date',
      'columns/empty-rule.md:3:7 empty-column-rule',
      'columns/no-rule.md:2:1 empty-column-rule',
      'columns/reversed.md:5:9 invalid-date-range',
    ]);
    expect(messages.find((m) => m.file === 'columns/no-rule.md')?.message).toBe('The column has no `rule`, so it would select no document.');
  });

  it('refuses unknown fields, duplicate titles and repeated entries', async () => {
    const { messages } = await loadContent(
      await writeContent(
        site({
          'columns/aaa.md': '---\ntitle: 制度执行年活动\nrule: { tags: [制度执行年], tag: [权力运行] }\n---\n',
          'columns/bbb.md': '---\ntitle: 制度执行年活动\nsumary: 重复。\nrule: { tags: [制度执行年, 制度执行年] }\n---\n',
          'columns/ccc.md': '---\ntitle: 职权目录\nrule: { tags: [权力运行] }\n---\n',
          'columns/ddd.md': '---\ntitle: 职权目录\nrule: { tags: [权力运行] }\n---\n',
        }),
      ),
    );
    expect(places(messages)).toEqual([
      'columns/aaa.md:3:24 unknown-field',
      'columns/bbb.md:3:1 unknown-field',
      'columns/bbb.md:4:23 duplicate-entry',
      'columns/ccc.md:2:8 duplicate-column-title',
      'columns/ddd.md:2:8 duplicate-column-title',
    ]);
    expect(messages[0]?.hint).toBe('Did you mean `tags`?');
    expect(messages[1]?.hint).toBe('Did you mean `summary`?');
    expect(messages[3]?.message).toContain('content/columns/ddd.md');
  });

  it('applies the YAML safety rules of front matter', async () => {
    const { messages } = await loadContent(
      await writeContent(
        site({
          'columns/aaa.md': '---\ntitle: &t 制度执行年活动\nsummary: *t\nrule: { tags: !!seq [制度执行年] }\n---\n',
        }),
      ),
    );
    expect(places(messages)).toEqual(['columns/aaa.md:2:8 yaml-anchor', 'columns/aaa.md:3:10 yaml-alias', 'columns/aaa.md:4:15 yaml-tag']);
  });

  it('names a file name that is not an id, with the name to use', async () => {
    const { messages } = await loadContent(await writeContent(site({ 'columns/Zhidu Zhixingnian.md': zhidu, 'columns/sub/x.md': zhidu })));
    expect(places(messages)).toEqual(['columns/Zhidu Zhixingnian.md:1:1 invalid-id', 'columns/sub/x.md:1:1 misplaced-file']);
    expect(messages[0]?.hint).toContain('columns/zhidu-zhixingnian.md');
  });

  it('warns of a tag no document carries, with the nearest tag', async () => {
    const { content, messages } = await loadContent(await writeContent(site({ 'columns/aaa.md': '---\ntitle: 甲\nrule: { tags: [制度执行] }\n---\n' })));
    expect(content?.columns).toHaveLength(1);
    expect(messages.map((m) => [places([m])[0], m.severity])).toEqual([['columns/aaa.md:3:16 unused-tag', 'warning']]);
    expect(messages[0]?.hint).toContain('`制度执行年`');
  });

  it('checks links in the description: pages must exist, files cannot be published', async () => {
    const { messages } = await loadContent(
      await writeContent(
        site({
          'columns/aaa.md': `${zhidu}\n见[意见](../gazette/2010/05/huaifu-2010-69.md)、[通知](../gazette/2010/05/huaifu-2010-96.md)和[目录](../gazette/2010/05/gkml-2010.pdf)。\n`,
        }),
      ),
    );
    expect(places(messages)).toEqual(['columns/aaa.md:12:45 broken-link', 'columns/aaa.md:12:88 column-file-link']);
  });

  it('keeps columns whole through the content cache file', async () => {
    const root = await writeContent(site({ 'columns/zhidu-zhixingnian.md': zhidu }));
    const path = join(root, '..', '.gazette', 'cache', 'content.json');
    const cold = await createFileContentCache(path);
    const first = await loadContent(root, { cache: cold });
    await cold.save();
    expect(await readFile(path, 'utf8')).toContain('按照梳理、完善、落实三个步骤推进。');
    const warm = await loadContent(root, { cache: await createFileContentCache(path) });
    expect(warm.content?.columns).toEqual(first.content?.columns);
    expect(warm.content?.columns[0]?.description).toBe('按照梳理、完善、落实三个步骤推进。');
  });
});
