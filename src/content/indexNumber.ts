// 索引号: the organisation code of the publishing department, the year and a 5-digit serial.

/** `formatIndexNumber('003210001', 2010, 69)` → `003210001/2010-00069`. */
export function formatIndexNumber(code: string, year: number, serial: number): string {
  if (!Number.isInteger(serial) || serial < 1 || serial > 99999) throw new RangeError(`索引号 serial must be 1–99999, got ${serial}`);
  if (!Number.isInteger(year) || year < 1000 || year > 9999) throw new RangeError(`索引号 year must have 4 digits, got ${year}`);
  return `${code}/${year}-${String(serial).padStart(5, '0')}`;
}
