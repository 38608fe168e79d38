// signature-in-body: a body that ends with the 署名 and 成文日期 the page and the PDF print from the front matter.

import { describe, expect, it } from 'vitest';
import { loadContent } from '../../src/content/load.ts';
import { article, validSite, writeContent } from './fixtures.ts';

const file = 'gazette/2010/05/huaifu-2010-69.md';

async function messagesFor(body: string, fields: Record<string, string | undefined> = {}) {
  const { content, messages } = await loadContent(await writeContent({ ...validSite(), [file]: article(fields, body) }));
  return { content, found: messages.filter((m) => m.ruleId === 'signature-in-body') };
}

describe('signature-in-body', () => {
  it('warns at the 署名 when the body ends with it over the 成文日期, and still loads', async () => {
    const { content, found } = await messagesFor('各县、区人民政府：\n\n现就进一步推进政务公开工作提出如下意见。\n\n淮南市人民政府\n\n二〇一〇年四月二十日\n');
    expect(content).toBeDefined();
    expect(found).toEqual([
      {
        file,
        line: 15,
        column: 1,
        severity: 'warning',
        ruleId: 'signature-in-body',
        message:
          'The body ends with the 署名 淮南市人民政府 and the 成文日期 二〇一〇年四月二十日, which the page and the PDF already print from the front matter (`department`, `signedDate`), so readers would see them twice.',
        expected: 'a body that ends before the 署名 and 成文日期',
        hint: 'Delete lines 15–17 from the body; `gazette import` does this for Word documents.',
      },
    ]);
  });

  it('reads the date in Arabic numerals too, before a note in parentheses and footnote definitions', async () => {
    const { found } = await messagesFor('现就进一步推进政务公开工作提出如下意见[^1]。\n\n2010年4月20日\n（此件公开发布）\n\n[^1]: 意见自发布之日起施行。\n');
    expect(found.map((m) => [m.line, m.message.slice(0, 38)])).toEqual([[13, 'The body ends with the 成文日期 2010年4月20日']]);
  });

  it('says so when the date in the body is not `signedDate`', async () => {
    const { found } = await messagesFor('现就进一步推进政务公开工作提出如下意见。\n\n二〇一〇年四月二十一日\n');
    expect(found).toHaveLength(1);
    expect(found[0]?.message).toContain('but `signedDate` is 2010-04-20');
    expect(found[0]?.hint).toBe('Correct `signedDate` if 2010-04-21 is the 成文日期, then delete this line from the body.');
  });

  it('leaves bodies that end with text, and releases, alone', async () => {
    expect((await messagesFor('现就进一步推进政务公开工作提出如下意见。\n\n本意见自二〇一〇年五月一日起施行。\n')).found).toEqual([]);
    const { messages } = await loadContent(
      await writeContent({
        ...validSite(),
        'press/2010/hotline-12345.md':
          '---\nid: press-2010-hotline-12345\ntitle: 我市12345市长公开电话办理回复率达95%\ndate: 2010-12-08\ndepartment: 淮南市人民政府新闻办公室\ncategory: 政务公开\n---\n回复率达95%。\n\n2010年12月8日\n',
      }),
    );
    expect(messages.filter((m) => m.ruleId === 'signature-in-body')).toEqual([]);
  });
});
