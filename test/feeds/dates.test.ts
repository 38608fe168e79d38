import { describe, expect, it } from 'vitest';
import { rfc3339, rfc822, startOfDay } from '../../src/feeds/dates.ts';

describe('feed dates', () => {
  it('writes RFC 822 dates with the weekday, four-digit year and numeric offset', () => {
    expect(rfc822('2010-12-08T10:00:00+08:00')).toBe('Wed, 08 Dec 2010 10:00:00 +0800');
    expect(rfc822('2011-01-01T00:00:00.000Z')).toBe('Sat, 01 Jan 2011 00:00:00 +0000');
  });

  it('writes RFC 3339 without fractions, keeping the offset', () => {
    expect(rfc3339('2010-05-31T16:00:00.123Z')).toBe('2010-05-31T16:00:00Z');
    expect(rfc3339(startOfDay('2010-05-31', '+08:00'))).toBe('2010-05-31T00:00:00+08:00');
  });

  it('refuses dates without an offset or that do not exist', () => {
    expect(() => rfc822('2010-05-31T00:00:00')).toThrow(/offset/);
    expect(() => rfc3339('2010-02-30T00:00:00Z')).toThrow();
  });
});
