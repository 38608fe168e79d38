import { describe, expect, it } from 'vitest';
import { loadContent } from '../../src/content/load.ts';
import { release, validSite, writeContent } from './fixtures.ts';

describe('links to another document’s files', () => {
  it('refuses a body that links a file of another document, naming both and the fix', async () => {
    const root = await writeContent({
      ...validSite(),
      'press/2010/hotline-12345.md': release({}, '发布会现场见下图。\n\n![现场](zwgk-fabuhui/photo.png)\n'),
    });
    const { content, messages } = await loadContent(root);
    expect(content).toBeUndefined();
    const problem = messages.find((message) => message.ruleId === 'foreign-file');
    expect(problem).toMatchObject({ file: 'press/2010/hotline-12345.md', severity: 'error' });
    expect(problem?.message).toContain('content/press/2010/zwgk-fabuhui/index.md');
    expect(problem?.hint).toContain('zwgk-fabuhui/index.md');
  });

  it('accepts a body that links its own files', async () => {
    const { content, messages } = await loadContent(await writeContent(validSite()));
    expect(messages.filter((message) => message.ruleId === 'foreign-file')).toEqual([]);
    expect(content).toBeDefined();
  });
});
