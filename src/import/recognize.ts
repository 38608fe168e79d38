// The parts of an official document (GB/T 9704) found in its blocks: 发文机关标志, 文号, title,
// 主送机关, headings 一、（一）1.（1）, 附件 lines, 落款 and 成文日期. Each thing found is a finding
// the editor sees, with the text it came from; what is only likely is marked as a guess.

import { checkDocNumber } from '../content/docNumber.ts';
import { plainText, type Block, type Inline } from './blocks.ts';
import { parseChineseDate } from '../content/chineseDate.ts';

export interface Finding {
  /** Front matter field or part of the body, e.g. `docNumber`, `主送机关`, `body`. */
  field: string;
  /** What was written; empty when something could not be found. */
  value: string;
  /** The text of the Word document it came from. */
  from: string;
  /** `read`: stated plainly in the document; `guess`: likely, check it; `missing`: not found, add it. */
  certainty: 'read' | 'guess' | 'missing';
  /** What the editor should look at. */
  check: string;
}

export interface Recognized {
  title?: string;
  docNumber?: string;
  /** The 落款 (issuing organ) exactly as the document writes it. */
  signer?: string;
  signedDate?: string;
  /** Titles named on 附件 lines, in order. */
  attachmentTitles: string[];
  body: Block[];
  findings: Finding[];
}

const docNumberLoose = /^\p{Script=Han}+\s*[〔[(（【［]\s*[\d０-９]{4}\s*[〕\])）】］]\s*[\d０-９]+\s*号?$/u;
const organBanner = /^\p{Script=Han}{2,30}文件$/u;
/** Heading markers by rank: 一、 / （一） / 1. / （1）. */
const markers: RegExp[] = [/^[一二三四五六七八九十百]+、/, /^[（(][一二三四五六七八九十百]+[）)]/, /^\d+[.．、](?!\d)/, /^[（(]\d+[）)]/];
/** A heading is short and not a sentence: a longer paragraph starting with 一、 is a run-in heading, kept as text. */
const MAX_HEADING_LENGTH = 40;
const sentenceEnd = /[。；;！？!?，,]$/;
const attachmentLine = /^附\s*件\s*[：:]\s*(.*)$/;

const textOf = (block: Block): string => (block.kind === 'paragraph' || block.kind === 'heading' ? plainText(block.inlines).replace(/\s+/g, ' ').trim() : '');
const clip = (text: string) => (text.length > 60 ? `${text.slice(0, 59)}…` : text);

export function recognize(blocks: readonly Block[]): Recognized {
  const findings: Finding[] = [];
  const result: Recognized = { attachmentTitles: [], body: [], findings };
  const remaining = [...blocks];

  // Front of the document: banner, 文号 and title, in whichever order the department typed them.
  const head = remaining.slice(0, 6);
  for (const block of head) {
    const text = textOf(block);
    if (result.docNumber === undefined && docNumberLoose.test(text)) {
      result.docNumber = normalizeDocNumber(text);
      remove(remaining, block);
      findings.push({
        field: 'docNumber',
        value: result.docNumber,
        from: text,
        certainty: result.docNumber === text ? 'read' : 'guess',
        check:
          result.docNumber === text
            ? 'the 文号 as written'
            : 'the 文号 was rewritten with 六角括号 〔〕 and without spaces or leading zeros, as `gazette check` requires',
      });
    } else if (organBanner.test(text) && block.kind !== 'heading') {
      remove(remaining, block);
      findings.push({
        field: 'body',
        value: '',
        from: text,
        certainty: 'read',
        check: 'the 发文机关标志 (red banner) was left out: the site prints its own masthead',
      });
    }
  }
  const titleBlock = remaining.find((block) => block.kind === 'heading' && block.title) ?? firstTitleCandidate(remaining);
  if (titleBlock !== undefined) {
    const styled = titleBlock.kind === 'heading' && titleBlock.title;
    // A long title is often typed as two lines, both in the Title style: one title.
    const at = remaining.indexOf(titleBlock);
    let end = at + 1;
    while (styled && remaining[end]?.kind === 'heading' && (remaining[end] as { title: boolean }).title) end++;
    const text = remaining.slice(at, end).map(textOf).join('');
    result.title = text;
    remaining.splice(at, end - at);
    findings.push({
      field: 'title',
      value: text,
      from: text,
      certainty: styled ? 'read' : 'guess',
      check: styled ? "the paragraph in Word's Title style" : 'the first paragraph was taken as the title: check it is the whole title and nothing more',
    });
  } else {
    findings.push({ field: 'title', value: '', from: '', certainty: 'missing', check: 'no title was found: write `title` in the front matter' });
  }

  // 主送机关: the addressees, a short line ending in a colon right after the title.
  const first = remaining[0];
  if (first?.kind === 'paragraph') {
    const text = textOf(first);
    if (/[：:]$/.test(text) && text.length <= 100 && !markers.some((marker) => marker.test(text))) {
      if (text.endsWith(':')) replaceLastText(first.inlines, ':', '：');
      findings.push({
        field: '主送机关',
        value: text.replace(/:$/, '：'),
        from: text,
        certainty: 'read',
        check: 'kept as the first line of the body, where the site shows the addressees',
      });
    }
  }

  // End of the document: 落款 over 成文日期, perhaps followed by a note such as （此件公开发布）.
  const dateIndex = findLastIndex(remaining, (block, index) => index >= remaining.length - 3 && parseChineseDate(textOf(block)) !== undefined);
  if (dateIndex >= 0) {
    const dateBlock = remaining[dateIndex] as Block;
    const text = textOf(dateBlock);
    result.signedDate = parseChineseDate(text);
    findings.push({
      field: 'signedDate',
      value: result.signedDate as string,
      from: text,
      certainty: 'read',
      check: '成文日期; the line was taken out of the body: the PDF prints it under the 落款',
    });
    const before = remaining[dateIndex - 1];
    const organ = before === undefined ? '' : textOf(before);
    if (before?.kind === 'paragraph' && organ.length >= 2 && organ.length <= 40 && !/[，。：；,:;、（）()]/.test(organ)) {
      result.signer = organ;
      remaining.splice(dateIndex - 1, 2);
    } else {
      remaining.splice(dateIndex, 1);
    }
  } else {
    findings.push({
      field: 'signedDate',
      value: '',
      from: '',
      certainty: 'missing',
      check: 'no 成文日期 (a last line like 二〇一〇年五月十二日) was found: write `signedDate` as YYYY-MM-DD',
    });
  }

  // 附件：1. … with the further attachments on the lines below, numbered: titles, not headings.
  const attachmentLines = new Set<Block>();
  remaining.forEach((block, index) => {
    const match = attachmentLine.exec(textOf(block));
    if (match === null) return;
    attachmentLines.add(block);
    result.attachmentTitles.push(...attachmentTitles(match[1] as string));
    for (const next of remaining.slice(index + 1)) {
      const text = textOf(next);
      if (next.kind !== 'paragraph' || !/^\d+[.．、]/.test(text) || text.length > 80) break;
      attachmentLines.add(next);
      result.attachmentTitles.push(...attachmentTitles(text));
    }
  });
  result.body = headings(remaining, findings, attachmentLines);
  return result;
}

/** 文号 with 〔〕, no spaces, ASCII digits and no leading zeros; the checker's own correction. */
export function normalizeDocNumber(text: string): string {
  const ascii = text.replace(/[０-９]/g, (d) => String.fromCharCode(d.charCodeAt(0) - 0xfee0)).replace(/\s+/g, '');
  const checked = checkDocNumber(ascii);
  if (checked.ok) return ascii;
  return checked.corrected ?? ascii;
}

function firstTitleCandidate(blocks: Block[]): Block | undefined {
  const first = blocks[0];
  if (first === undefined || (first.kind !== 'heading' && first.kind !== 'paragraph')) return undefined;
  const text = textOf(first);
  if (text === '' || text.length > 80 || /[：:。]$/.test(text) || markers.some((marker) => marker.test(text))) return undefined;
  return first;
}

/** Paragraphs opening with 一、（一）1.（1）, and Word headings, as Markdown headings from ## down. */
function attachmentTitles(text: string): string[] {
  return text
    .split(/\s*(?:\d+[.．、]|[；;])\s*/)
    .map((title) => title.trim().replace(/[。；;]$/, ''))
    .filter((title) => title !== '');
}

function headings(blocks: Block[], findings: Finding[], attachmentLines: Set<Block>): Block[] {
  const ranks = blocks.map((block): number | undefined => {
    if ((block.kind !== 'paragraph' && block.kind !== 'heading') || attachmentLines.has(block)) return undefined;
    const text = textOf(block);
    const rank = markers.findIndex((marker) => marker.test(text));
    const headingLike = text.length <= MAX_HEADING_LENGTH && !sentenceEnd.test(text) && !text.includes('\n');
    if (rank >= 0 && (block.kind === 'heading' || headingLike)) return rank;
    // A Word heading without a marker keeps its own level (Heading 1 → the first rank).
    if (block.kind === 'heading') return block.level - 1;
    return undefined;
  });
  // The shallowest rank used becomes ##, and ranks close up, so the page's outline has no gaps.
  const used = [...new Set(ranks.filter((rank): rank is number => rank !== undefined))].sort((a, b) => a - b);
  return blocks.map((block, index) => {
    const rank = ranks[index];
    if (rank === undefined || (block.kind !== 'paragraph' && block.kind !== 'heading')) {
      return block.kind === 'heading' ? { kind: 'paragraph', inlines: block.inlines } : block;
    }
    const level = Math.min(6, 2 + used.indexOf(rank));
    const text = textOf(block);
    if (block.kind === 'paragraph' || !markers.some((marker) => marker.test(text))) {
      findings.push({
        field: 'body',
        value: `${'#'.repeat(level)} ${text}`,
        from: clip(text),
        certainty: 'guess',
        check:
          block.kind === 'paragraph' ? 'a short line opening with a heading number became a heading' : `Word's heading style became a level-${level} heading`,
      });
    }
    return { kind: 'heading', level, inlines: block.inlines, title: false };
  });
}

function remove(blocks: Block[], block: Block): void {
  const index = blocks.indexOf(block);
  if (index >= 0) blocks.splice(index, 1);
}

function findLastIndex(blocks: Block[], test: (block: Block, index: number) => boolean): number {
  for (let index = blocks.length - 1; index >= 0; index--) if (test(blocks[index] as Block, index)) return index;
  return -1;
}

function replaceLastText(inlines: Inline[], from: string, to: string): void {
  for (let index = inlines.length - 1; index >= 0; index--) {
    const item = inlines[index] as Inline;
    if (item.kind === 'text') {
      if (item.value.endsWith(from)) inlines[index] = { kind: 'text', value: item.value.slice(0, -from.length) + to };
      return;
    }
    if (item.kind === 'strong' || item.kind === 'emphasis' || item.kind === 'link') return replaceLastText(item.children, from, to);
  }
}
