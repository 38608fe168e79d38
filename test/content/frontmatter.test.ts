import { describe, expect, it } from 'vitest';
import { parseYaml, positionOfPath, splitFrontMatter } from '../../src/content/frontmatter.ts';

describe('splitFrontMatter', () => {
  it('separates the YAML from the body and says where the body starts', () => {
    const split = splitFrontMatter('\uFEFF---\r\ntitle: 政务公开\r\n---\r\n正文第一行\r\n');
    expect(split).toMatchObject({ yaml: 'title: 政务公开\r\n', yamlLine: 2, body: '正文第一行\r\n', bodyLine: 4, unclosed: false });
  });

  it('tells a file without front matter from one whose front matter is never closed', () => {
    expect(splitFrontMatter('# 标题\n')).toMatchObject({ yaml: undefined, unclosed: false, body: '# 标题\n' });
    expect(splitFrontMatter('---\ntitle: 政务公开\n正文\n')).toMatchObject({ yaml: undefined, unclosed: true });
  });
});

describe('parseYaml', () => {
  it('keeps dates and times as strings (YAML 1.2 core schema)', () => {
    const parsed = parseYaml('date: 2010-05-31\ntime: 09:30\ncode: "003210001"\n');
    expect(parsed.data).toEqual({ date: '2010-05-31', time: '09:30', code: '003210001' });
    expect(parsed.problems).toEqual([]);
  });

  it('reports syntax errors and duplicate keys with their file position', () => {
    const parsed = parseYaml('title: a\ntitle: b\n', 2);
    expect(parsed.problems).toMatchObject([{ ruleId: 'yaml-syntax', line: 3, column: 1, message: 'This key appears twice in the same map.' }]);
    expect(parseYaml('speakers: [a, b\n').problems[0]).toMatchObject({ ruleId: 'yaml-syntax', line: 2 });
  });

  it('refuses tags, anchors and aliases, pointing at each', () => {
    const parsed = parseYaml('a: !!str 1\nb: &x 2\nc: *x\nd: !local 3\n');
    expect(parsed.problems.map((p) => `${p.line}:${p.column} ${p.ruleId}`)).toEqual(['1:4 yaml-tag', '2:4 yaml-anchor', '3:4 yaml-alias', '4:4 yaml-tag']);
  });
});

describe('positionOfPath', () => {
  const parsed = parseYaml('title: 发布会\nqa:\n  - question: 问题一\n    answer: 回答一\n  - question: 问题二\n    answer: |\n      回答二\n', 2);

  it('finds a nested value or its key', () => {
    expect(positionOfPath(parsed, ['qa', 1, 'answer'])).toEqual({ line: 7, column: 13 });
    expect(positionOfPath(parsed, ['qa', 1, 'answer'], 'key')).toEqual({ line: 7, column: 5 });
  });

  it('falls back to the nearest existing parent for a missing field', () => {
    expect(positionOfPath(parsed, ['qa', 0, 'askedBy'])).toEqual({ line: 4, column: 5 });
    expect(positionOfPath(parsed, ['venue'])).toEqual({ line: 2, column: 1 });
  });
});
