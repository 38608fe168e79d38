import { describe, expect, it } from 'vitest';
import { collectReferences, parseMarkdown } from '../../src/content/markdown.ts';

describe('parseMarkdown', () => {
  it('reads GFM tables and reports links with their positions', () => {
    const tree = parseMarkdown('| 项目 | 数量 |\n| --- | --- |\n| 公开信息 | 5000 |\n\n见[附件](附件.md)。\n');
    expect(tree.children[0]?.type).toBe('table');
    expect(collectReferences(tree)).toEqual([{ kind: 'link', url: '附件.md', line: 5, column: 2 }]);
  });
});
