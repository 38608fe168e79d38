import { describe, expect, it } from 'vitest';
import { checkDocNumber } from '../../src/content/docNumber.ts';

describe('checkDocNumber', () => {
  it('reads a well-formed 文号', () => {
    expect(checkDocNumber('淮府办〔2010〕72号')).toEqual({ ok: true, value: { prefix: '淮府办', year: 2010, serial: 72 } });
  });

  it.each([
    ['淮府[2010]69号', '[]'],
    ['淮府(2010)69号', '()'],
    ['淮府（2010）69号', '（）'],
    ['淮府【2010】69号', '【】'],
  ])('explains the wrong brackets in %s and shows the corrected form', (input, brackets) => {
    const result = checkDocNumber(input);
    expect(result).toMatchObject({ ok: false, corrected: '淮府〔2010〕69号' });
    if (!result.ok) expect(result.problem).toContain(`the year is in ${brackets}`);
  });

  it('explains a leading zero and a missing 号', () => {
    const zero = checkDocNumber('淮府〔2010〕069号');
    expect(zero).toMatchObject({ ok: false, corrected: '淮府〔2010〕69号' });
    if (!zero.ok) expect(zero.problem).toContain('leading zero');
    const noHao = checkDocNumber('淮府〔2010〕69');
    expect(noHao).toMatchObject({ ok: false, corrected: '淮府〔2010〕69号' });
    if (!noHao.ok) expect(noHao.problem).toContain('does not end in 号');
  });

  it('gives no correction for text that is not a 文号 at all', () => {
    expect(checkDocNumber('第69号')).toEqual({ ok: false, problem: '"第69号" is not a 文号 of the form <issuer>〔<year>〕<serial>号.' });
  });
});
