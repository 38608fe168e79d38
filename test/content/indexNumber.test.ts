import { describe, expect, it } from 'vitest';
import { formatIndexNumber } from '../../src/content/indexNumber.ts';

describe('formatIndexNumber', () => {
  it('joins the organisation code, the year and a 5-digit serial', () => {
    expect(formatIndexNumber('003210001', 2010, 69)).toBe('003210001/2010-00069');
    expect(formatIndexNumber('00321000A', 2011, 12345)).toBe('00321000A/2011-12345');
  });

  it('refuses serials that do not fit', () => {
    expect(() => formatIndexNumber('003210001', 2010, 0)).toThrow(RangeError);
    expect(() => formatIndexNumber('003210001', 2010, 100000)).toThrow(RangeError);
  });
});
