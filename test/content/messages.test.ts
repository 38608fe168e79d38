import { describe, expect, it } from 'vitest';
import { formatMessages, summarize } from '../../src/content/messages.ts';
import type { ContentMessage } from '../../src/content/model.ts';

const message = (file: string, line: number, column: number, ruleId: string, extra: Partial<ContentMessage> = {}): ContentMessage => ({
  file,
  line,
  column,
  ruleId,
  severity: 'error',
  message: `${ruleId} happened.`,
  ...extra,
});

describe('formatMessages', () => {
  it('prints file:line:col, message and rule id, sorted, with expected and hint lines and a summary', () => {
    const text = formatMessages([
      message('press/2010/b.md', 3, 1, 'invalid-date', { hint: 'Write 2010-02-28.' }),
      message('gazette/2010/05/a.md', 9, 5, 'unknown-field', { expected: 'title, date' }),
      message('gazette/2010/05/a.md', 2, 5, 'doc-number-year', { severity: 'warning' }),
    ]);
    expect(text).toBe(
      [
        'content/gazette/2010/05/a.md:2:5  warning: doc-number-year happened.  doc-number-year',
        'content/gazette/2010/05/a.md:9:5  unknown-field happened.  unknown-field',
        '    expected: title, date',
        'content/press/2010/b.md:3:1  invalid-date happened.  invalid-date',
        '    hint: Write 2010-02-28.',
        '',
        '✖ 2 errors, 1 warning in 2 files',
        '',
      ].join('\n'),
    );
  });

  it('shows paths under the content folder the editor named', () => {
    expect(formatMessages([message('site.yaml', 1, 1, 'missing-site-config')], { contentDir: 'sites/huainan/' })).toMatch(/^sites\/huainan\/site\.yaml:1:1 /);
    expect(formatMessages([])).toBe('');
  });

  it('summarizes warnings alone without a cross', () => {
    expect(summarize([message('a.md', 1, 1, 'raw-html', { severity: 'warning' })])).toBe('⚠ 1 warning in 1 file');
  });
});
