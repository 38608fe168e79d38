// `signature-in-body`: an article's page and PDF print the 署名 (its `department`) over the 成文日期
// (its `signedDate`) after the body, so a body that ends with them shows them twice. Word
// documents end that way, and `gazette import` takes the lines out; this tells editors who
// paste a document in by hand.

import type { FileMessage } from './analyze.ts';
import { parseChineseDate } from './chineseDate.ts';

/** The front matter the rule compares the body's last lines with. */
export interface SignatureFields {
  department?: string;
  signedDate?: string;
}

/** A warning when the body's last line is a date (and the line above it the signer); positions are in the file. */
export function signatureInBody(fields: SignatureFields, body: string, bodyLine: number): FileMessage | undefined {
  const lines = body.split(/\r?\n/).map((text, index) => ({ text: plainLine(text), line: bodyLine + index }));
  const last = lastTextLine(lines, lines.length);
  if (last === undefined) return undefined;
  const date = parseChineseDate(last.text) ?? (/^\d{4}-\d{2}-\d{2}$/.test(last.text) ? last.text : undefined);
  if (date === undefined) return undefined;
  const above = lastTextLine(lines, lines.indexOf(last), false);
  const signer = above !== undefined && fields.department !== undefined && above.text === fields.department ? above : undefined;
  const first = signer ?? last;
  const what = signer === undefined ? `the 成文日期 ${last.text}` : `the 署名 ${signer.text} and the 成文日期 ${last.text}`;
  const lineWord = signer === undefined ? 'this line' : `lines ${first.line}–${last.line}`;
  if (fields.signedDate !== undefined && date !== fields.signedDate) {
    return {
      line: last.line,
      column: 1,
      severity: 'warning',
      ruleId: 'signature-in-body',
      message: `The body ends with the date ${last.text} (${date}), but \`signedDate\` is ${fields.signedDate}; the page and the PDF print the 成文日期 from \`signedDate\` under the body, so readers would see two different dates.`,
      expected: 'a body that ends before the 署名 and 成文日期',
      hint: `Correct \`signedDate\` if ${date} is the 成文日期, then delete ${lineWord} from the body.`,
    };
  }
  return {
    line: first.line,
    column: 1,
    severity: 'warning',
    ruleId: 'signature-in-body',
    message: `The body ends with ${what}, which the page and the PDF already print from the front matter (\`department\`, \`signedDate\`), so readers would see ${signer === undefined ? 'it' : 'them'} twice.`,
    expected: 'a body that ends before the 署名 and 成文日期',
    hint: `Delete ${lineWord} from the body; \`gazette import\` does this for Word documents.`,
  };
}

interface TextLine {
  text: string;
  line: number;
}

/**
 * The last line with text before `end`. Footnote definitions are set apart at the end of the
 * page, and a note in parentheses such as （此件公开发布） follows the date in GB/T 9704, so with
 * `skipNotes` both are passed over.
 */
function lastTextLine(lines: TextLine[], end: number, skipNotes = true): TextLine | undefined {
  for (let i = end - 1; i >= 0; i--) {
    const line = lines[i] as TextLine;
    if (line.text === '') continue;
    if (skipNotes && (/^\[\^[^\]]+\]:/.test(line.text) || /^[（(][^（）()]*[）)]$/.test(line.text))) continue;
    return line;
  }
  return undefined;
}

/** A Markdown line as text: without hard-break marks, emphasis around the whole line or surrounding spaces. */
function plainLine(text: string): string {
  return text
    .replace(/\\$/, '')
    .trim()
    .replace(/^(\*\*|\*|__|_)(.+)\1$/, '$2')
    .trim();
}
