// 文号 (document number), e.g. 淮府〔2010〕69号: issuer prefix in Han characters, the year in
// 六角括号 〔〕, the serial without leading zeros, then 号. Common slips get the corrected form.

export interface DocNumber {
  prefix: string;
  year: number;
  serial: number;
}

export type DocNumberCheck = { ok: true; value: DocNumber } | { ok: false; problem: string; corrected?: string };

const strict = /^(\p{Script=Han}+)〔(\d{4})〕([1-9]\d*)号$/u;
const loose = /^(\p{Script=Han}+)\s*([〔[(（【［〈<{《])\s*(\d{4})\s*([〕\])）】］〉>}》])\s*(\d+)\s*(号?)$/u;

/** Read a 文号, explaining what is wrong and how it should be written when it is not valid. */
export function checkDocNumber(text: string): DocNumberCheck {
  const exact = strict.exec(text);
  if (exact !== null) return { ok: true, value: { prefix: exact[1] as string, year: Number(exact[2]), serial: Number(exact[3]) } };
  const near = loose.exec(text.trim());
  if (near === null) {
    return { ok: false, problem: `"${text}" is not a 文号 of the form <issuer>〔<year>〕<serial>号.` };
  }
  const [, prefix, open, year, close, serial, hao] = near as unknown as [string, string, string, string, string, string, string];
  const corrected = `${prefix}〔${year}〕${Number(serial)}号`;
  const slips: string[] = [];
  if (open !== '〔' || close !== '〕') slips.push(`the year is in ${open}${close}, but a 文号 uses the 六角括号 〔〕`);
  if (/^0\d/.test(serial)) slips.push(`the serial ${serial} has a leading zero`);
  if (Number(serial) === 0) return { ok: false, problem: `"${text}" has the serial 0; serials start at 1.` };
  if (hao === '') slips.push('it does not end in 号');
  if (/\s/.test(text)) slips.push('it contains spaces');
  const problem = slips.length === 0 ? `"${text}" is not written as a 文号.` : `In "${text}", ${slips.join('; ')}.`;
  return { ok: false, problem, corrected };
}
