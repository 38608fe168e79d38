// Half-width punctuation typed between Chinese words (a comma, colon or brackets from an English
// keyboard) becomes the full-width mark the rest of the text uses, and a 文号 cited in the body gets
// its 〔〕. Numbers, times and Latin text keep their ASCII marks: only marks with Han on their left
// (and, for separators inside a sentence, Han or an opening quote on their right) change.

import type { Block, Inline, Note } from './blocks.ts';

const han = '\\p{Script=Han}';
const closers = '”’》）〕】';
const openers = '“‘《（〔【';
const rules: [RegExp, string][] = [
  [new RegExp(`(?<=[${han}${closers}])\\s*,\\s*(?=[${han}${openers}])`, 'gu'), '，'],
  [new RegExp(`(?<=[${han}${closers}])\\s*;\\s*(?=[${han}${openers}]|$)`, 'gu'), '；'],
  [new RegExp(`(?<=[${han}${closers}])\\s*:\\s*(?=[${han}${openers}]|$)`, 'gu'), '：'],
  [new RegExp(`(?<=[${han}${closers}])\\s*\\?(?=\\s*(?:[${han}${openers}]|$))\\s*`, 'gu'), '？'],
  [new RegExp(`(?<=[${han}${closers}])\\s*!(?=\\s*(?:[${han}${openers}]|$))\\s*`, 'gu'), '！'],
];
/** `(试行)` after a Han character, with Han inside: a Chinese parenthesis. */
const parentheses = new RegExp(`(?<=[${han}${closers}])\\(([^()]*${han}[^()]*)\\)`, 'gu');
/** A 文号 cited in the text: 淮府[2010]069号 → 淮府〔2010〕69号. */
const citedDocNumber = new RegExp(`(${han}{1,10})\\s*[\\[(（【［]\\s*(\\d{4})\\s*[\\])）】］]\\s*0*([1-9]\\d*)\\s*号`, 'gu');

export interface PunctuationChange {
  before: string;
  after: string;
}

/** Fix the marks in one piece of text. */
export function fullWidth(text: string): string {
  let out = text.replace(citedDocNumber, '$1〔$2〕$3号').replace(parentheses, '（$1）');
  for (const [pattern, mark] of rules) out = out.replace(pattern, mark);
  return out;
}

/** Fix every text of the body and notes in place; returns what changed, for the report. */
export function fullWidthInPlace(blocks: Block[], notes: Note[]): PunctuationChange[] {
  const changes: PunctuationChange[] = [];
  const fixList = (list: Inline[]) => {
    list.forEach((item, index) => {
      if (item.kind === 'text') {
        const after = fullWidth(item.value);
        if (after !== item.value) {
          changes.push({ before: item.value, after });
          list[index] = { kind: 'text', value: after };
        }
      } else if (item.kind === 'strong' || item.kind === 'emphasis' || item.kind === 'link') fixList(item.children);
    });
  };
  const fixBlock = (block: Block) => {
    if (block.kind === 'paragraph' || block.kind === 'heading') fixList(block.inlines);
    else if (block.kind === 'table') block.rows.forEach((row) => row.forEach(fixList));
    else block.items.forEach((item) => item.forEach(fixBlock));
  };
  blocks.forEach(fixBlock);
  notes.forEach((note) => note.paragraphs.forEach(fixList));
  return changes;
}
