// Blocks → the article's Markdown body (CommonMark + GFM tables and footnotes), as the loader and
// renderer read it. The text is written as it was in Word: full-width punctuation stays full-width;
// only what Markdown would read as syntax is escaped.

import type { Block, Inline, Note } from './blocks.ts';

export interface MarkdownContext {
  /** File name, beside the article, of the n-th image; undefined when it was not saved. */
  imageFile(index: number): string | undefined;
}

/** A punctuation or space character at the edge of bold text stops CommonMark closing it next to Han text. */
const edge = /[\p{P}\p{S}\s]/u;

export function bodyMarkdown(blocks: Block[], notes: Note[], ctx: MarkdownContext): string {
  const parts = blocks.map((block) => blockMarkdown(block, ctx)).filter((part) => part !== '');
  for (const note of notes) {
    const [first = [], ...rest] = note.paragraphs;
    const lines = [`[^${note.label}]: ${paragraph(first, ctx)}`, ...rest.map((p) => `\n    ${paragraph(p, ctx).replace(/\n/g, '\n    ')}`)];
    parts.push(lines.join('\n'));
  }
  return `${parts.join('\n\n')}\n`;
}

export function blockMarkdown(block: Block, ctx: MarkdownContext): string {
  switch (block.kind) {
    case 'paragraph':
      return paragraph(block.inlines, ctx);
    case 'heading':
      return `${'#'.repeat(block.level)} ${inlineMarkdown(block.inlines, ctx, { plain: true, breaks: ' ' }).trim()}`;
    case 'table':
      return table(block.rows, ctx);
    case 'list':
      return block.items
        .map((item, index) => {
          const marker = block.ordered ? `${index + 1}. ` : '- ';
          const body = item.map((inner) => blockMarkdown(inner, ctx)).join('\n\n');
          return marker + body.replace(/\n(?=.)/g, `\n${' '.repeat(marker.length)}`);
        })
        .join('\n');
  }
}

/** A paragraph; a line that Markdown would read as a heading, list, quote or rule is escaped. */
function paragraph(inlines: Inline[], ctx: MarkdownContext): string {
  return inlineMarkdown(inlines, ctx, { breaks: '\\\n' })
    .split('\n')
    .map((line) => line.replace(/^([#>+=-])/, '\\$1').replace(/^(\d+)([.)])/, '$1\\$2'))
    .join('\n');
}

function table(rows: Inline[][][], ctx: MarkdownContext): string {
  const width = Math.max(...rows.map((row) => row.length));
  const line = (row: Inline[][]) => `| ${Array.from({ length: width }, (_, i) => inlineMarkdown(row[i] ?? [], ctx, { breaks: ' ' }).trim()).join(' | ')} |`;
  const [head = [], ...body] = rows;
  return [line(head), `|${' --- |'.repeat(width)}`, ...body.map(line)].join('\n');
}

interface InlineOptions {
  /** Headings drop bold and italics: the heading style carries the weight. */
  plain?: boolean;
  /** What a line break inside the paragraph becomes. */
  breaks: string;
}

export function inlineMarkdown(list: Inline[], ctx: MarkdownContext, options: InlineOptions): string {
  const items = merge(list);
  let out = '';
  items.forEach((item, index) => {
    switch (item.kind) {
      case 'text':
        out += escapeText(item.value);
        break;
      case 'break':
        out += options.breaks;
        break;
      case 'note':
        out += `[^${item.label}]`;
        break;
      case 'image': {
        const file = ctx.imageFile(item.index);
        if (file !== undefined) out += `![${escapeText(item.alt)}](${file})`;
        break;
      }
      case 'link': {
        const text = inlineMarkdown(item.children, ctx, options);
        // Only web and mail links are published; a link to a file on someone's disk stays text.
        out += /^(https?:|mailto:)/i.test(item.url) ? `[${text}](<${item.url.replace(/[<>\s]/g, encodeURIComponent)}>)` : text;
        break;
      }
      case 'strong':
      case 'emphasis': {
        const next = items[index + 1];
        const after = next === undefined ? '' : (next.kind === 'text' ? next.value : next.kind === 'note' ? '[' : 'x').slice(0, 1);
        out += emphasis(item.kind === 'strong' ? '**' : '*', inlineMarkdown(item.children, ctx, options), [...out].at(-1) ?? '', after, options);
        break;
      }
    }
  });
  return out;
}

/**
 * Bold or italic text. CommonMark opens `**` before punctuation only after a space or punctuation,
 * and closes it after punctuation only before one: Han text has no spaces, so punctuation at the
 * edge moves outside the delimiters when a letter stands on the other side.
 */
function emphasis(marker: string, inner: string, before: string, after: string, options: InlineOptions): string {
  if (options.plain === true) return inner;
  const chars = [...inner];
  const letter = (char: string) => char !== '' && !edge.test(char);
  let start = 0;
  let end = chars.length;
  while (
    start < end &&
    (/\s/.test(chars[start] as string) || (letter(before) && edge.test(chars[start] as string) && !'\\[!'.includes(chars[start] as string)))
  )
    start++;
  while (
    end > start &&
    (/\s/.test(chars[end - 1] as string) ||
      (letter(after) && edge.test(chars[end - 1] as string) && chars[end - 2] !== '\\' && !')]'.includes(chars[end - 1] as string)))
  )
    end--;
  const middle = chars.slice(start, end).join('');
  if (middle.trim() === '') return inner;
  return `${chars.slice(0, start).join('')}${marker}${middle}${marker}${chars.slice(end).join('')}`;
}

/** Word splits runs wherever formatting or revision marks change: join neighbours of one kind. */
function merge(list: Inline[]): Inline[] {
  const out: Inline[] = [];
  for (const item of list) {
    const last = out.at(-1);
    if (last?.kind === 'text' && item.kind === 'text') out[out.length - 1] = { kind: 'text', value: last.value + item.value };
    else if ((last?.kind === 'strong' || last?.kind === 'emphasis') && item.kind === last.kind)
      out[out.length - 1] = { kind: last.kind, children: [...last.children, ...item.children] };
    else out.push(item);
  }
  return out;
}

function escapeText(value: string): string {
  return value
    .replace(/[\t\r\n]+/g, ' ')
    .replace(/[\\`*_[\]<~|]/g, '\\$&')
    .replace(/&(?=#?[a-z0-9]+;)/gi, '\\&');
}
