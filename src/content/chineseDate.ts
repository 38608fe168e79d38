// 成文日期 as Word documents write it: 二〇一〇年五月十二日 (GB/T 9704 before 2012) or 2010年5月12日.

import { isCalendarDate } from './dates.ts';

const digits: Record<string, number> = { 〇: 0, '○': 0, 零: 0, O: 0, o: 0, Ｏ: 0, 一: 1, 二: 2, 三: 3, 四: 4, 五: 5, 六: 6, 七: 7, 八: 8, 九: 9 };
const han = '〇○零OoＯ一二三四五六七八九十';
const chineseDate = new RegExp(`^([${han}]{4})\\s*年\\s*([${han}]{1,3})\\s*月\\s*([${han}]{1,3})\\s*日$`);
const arabicDate = /^(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日$/;

/** 一 … 三十一 (一, 十, 十二, 二十, 二十八) as a number; undefined for anything else. */
function smallNumber(text: string): number | undefined {
  const units = '一二三四五六七八九';
  if (text.length === 1 && units.includes(text)) return digits[text];
  const match = /^([一二三]?)十([一二三四五六七八九]?)$/.exec(text);
  if (match === null) return undefined;
  const [, tens, unit] = match as unknown as [string, string, string];
  return (tens === '' ? 10 : (digits[tens] as number) * 10) + (unit === '' ? 0 : (digits[unit] as number));
}

/** The ISO date (YYYY-MM-DD) a whole line states, or undefined when the line is not one real date. */
export function parseChineseDate(line: string): string | undefined {
  const text = line.trim().replace(/[０-９]/g, (d) => String.fromCharCode(d.charCodeAt(0) - 0xfee0));
  let year: number;
  let month: number | undefined;
  let day: number | undefined;
  const written = chineseDate.exec(text);
  if (written !== null) {
    const yearDigits = [...(written[1] as string)].map((c) => digits[c]);
    if (yearDigits.some((d) => d === undefined)) return undefined;
    year = Number(yearDigits.join(''));
    month = smallNumber(written[2] as string);
    day = smallNumber(written[3] as string);
  } else {
    const arabic = arabicDate.exec(text);
    if (arabic === null) return undefined;
    [year, month, day] = [Number(arabic[1]), Number(arabic[2]), Number(arabic[3])];
  }
  if (month === undefined || day === undefined) return undefined;
  const iso = `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
  return isCalendarDate(iso) ? iso : undefined;
}
