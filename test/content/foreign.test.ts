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

  it('refuses a file two bodies show while the other is under embargo or a draft, and accepts it once both are out', async () => {
    const chart = new Uint8Array([0x89, 0x50, 0x4e, 0x47]);
    const embargoed = release({ id: 'press-2010-chart', title: '网民留言办理情况图解', publishAt: '2010-12-20T09:00:00+08:00' }, '![办理情况](chart.png)\n');
    const files = {
      ...validSite(),
      'press/2010/hotline-12345.md': release({}, '办理情况见下图。\n\n![办理情况](chart.png)\n'),
      'press/2010/chart.md': embargoed,
      'press/2010/chart.png': chart,
    };
    const early = await loadContent(await writeContent(files), { now: new Date('2010-12-10T00:00:00+08:00') });
    expect(early.content).toBeUndefined();
    const problem = early.messages.find((message) => message.ruleId === 'foreign-file');
    expect(problem).toMatchObject({ file: 'press/2010/hotline-12345.md', severity: 'error' });
    expect(problem?.message).toContain('content/press/2010/chart.md shows too, under embargo until 2010-12-20T09:00:00+08:00');
    // The embargoed document itself may show it; so may the public one once the embargo is over.
    expect(early.messages.filter((message) => message.file === 'press/2010/chart.md')).toEqual([]);
    const later = await loadContent(await writeContent(files), { now: new Date('2010-12-21T00:00:00+08:00') });
    expect(later.messages.filter((message) => message.ruleId === 'foreign-file')).toEqual([]);
    // A draft is never out.
    const draft = await loadContent(await writeContent({ ...files, 'press/2010/chart.md': embargoed.replace('publishAt:', 'draft: true\npublishAt:') }), {
      now: new Date('2010-12-21T00:00:00+08:00'),
    });
    expect(draft.messages.find((message) => message.ruleId === 'foreign-file')?.message).toContain('a draft');
  });

  it('accepts a body that links its own files', async () => {
    const { content, messages } = await loadContent(await writeContent(validSite()));
    expect(messages.filter((message) => message.ruleId === 'foreign-file')).toEqual([]);
    expect(content).toBeDefined();
  });
});
