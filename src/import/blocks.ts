// mammoth's HTML tree → the blocks of the article: paragraphs, headings, tables, lists, and the
// footnotes and endnotes apart. Inline content stays a small tree, so the Markdown is written
// only once the file names of the images are known.

import type { HtmlElement, HtmlNode } from './html.ts';

export type Inline =
  | { kind: 'text'; value: string }
  | { kind: 'strong' | 'emphasis'; children: Inline[] }
  | { kind: 'link'; url: string; children: Inline[] }
  | { kind: 'image'; index: number; alt: string }
  | { kind: 'note'; label: string }
  | { kind: 'break' };

export type Block =
  | { kind: 'paragraph'; inlines: Inline[] }
  /** `title` when Word's Title style marked it; `level` is the HTML level from Word's heading styles. */
  | { kind: 'heading'; level: number; inlines: Inline[]; title: boolean }
  | { kind: 'table'; rows: Inline[][][]; merged: boolean }
  | { kind: 'list'; ordered: boolean; items: Block[][] };

export interface Note {
  label: string;
  paragraphs: Inline[][];
}

export interface DocumentBlocks {
  blocks: Block[];
  notes: Note[];
  /** Tags mammoth wrote that have no place in an article (reported, never dropped silently). */
  unknown: string[];
}

/** The `src` mammoth is told to write for the n-th image (see convertImage in readDocx). */
export const imageSource = (index: number) => `docx-image:${index}`;

const noteId = /^(footnote|endnote)-(\d+)$/;
const noteRef = /^#(footnote|endnote)-(\d+)$/;
const noteBackRef = /^#(footnote|endnote)-ref-(\d+)$/;

function noteLabel(kind: string, number: string): string {
  return kind === 'footnote' ? number : `e${number}`;
}

export function toBlocks(nodes: HtmlNode[]): DocumentBlocks {
  const result: DocumentBlocks = { blocks: [], notes: [], unknown: [] };
  for (const node of nodes) {
    if (node.type === 'element' && (node.tag === 'ol' || node.tag === 'ul') && node.children.some(isNote)) {
      for (const item of node.children) if (isNote(item)) result.notes.push(note(item as HtmlElement, result));
      continue;
    }
    block(node, result.blocks, result);
  }
  return result;
}

function isNote(node: HtmlNode): boolean {
  return node.type === 'element' && node.tag === 'li' && noteId.test(node.attrs['id'] ?? '');
}

function note(item: HtmlElement, result: DocumentBlocks): Note {
  const [, kind, number] = noteId.exec(item.attrs['id'] ?? '') as RegExpExecArray;
  const paragraphs = item.children
    .filter((child): child is HtmlElement => child.type === 'element')
    .map((child) => trimInlines(inlines(child.tag === 'p' ? child.children : [child], result)))
    .filter((paragraph) => paragraph.length > 0);
  return { label: noteLabel(kind as string, number as string), paragraphs };
}

function block(node: HtmlNode, into: Block[], result: DocumentBlocks): void {
  if (node.type === 'text') {
    if (node.value.trim() !== '') into.push({ kind: 'paragraph', inlines: [{ kind: 'text', value: node.value }] });
    return;
  }
  const heading = /^h([1-6])$/.exec(node.tag);
  if (heading) {
    into.push({ kind: 'heading', level: Number(heading[1]), inlines: trimInlines(inlines(node.children, result)), title: node.attrs['class'] === 'title' });
  } else if (node.tag === 'p') {
    const content = trimInlines(inlines(node.children, result));
    if (content.length > 0) into.push({ kind: 'paragraph', inlines: content });
  } else if (node.tag === 'table') {
    into.push(table(node, result));
  } else if (node.tag === 'ol' || node.tag === 'ul') {
    const items: Block[][] = [];
    for (const item of node.children) {
      if (item.type !== 'element' || item.tag !== 'li') continue;
      const blocks: Block[] = [];
      // A list item holds inline content directly, or paragraphs and nested lists.
      const loose = item.children.filter((child) => child.type === 'text' || !['p', 'ol', 'ul', 'table'].includes(child.tag));
      if (loose.length > 0) blocks.push({ kind: 'paragraph', inlines: trimInlines(inlines(loose, result)) });
      for (const child of item.children) if (child.type === 'element' && ['p', 'ol', 'ul', 'table'].includes(child.tag)) block(child, blocks, result);
      items.push(blocks);
    }
    into.push({ kind: 'list', ordered: node.tag === 'ol', items });
  } else {
    result.unknown.push(node.tag);
    const content = trimInlines(inlines(node.children, result));
    if (content.length > 0) into.push({ kind: 'paragraph', inlines: content });
  }
}

function table(node: HtmlElement, result: DocumentBlocks): Block {
  const rows: Inline[][][] = [];
  let merged = false;
  const visit = (element: HtmlElement) => {
    for (const child of element.children) {
      if (child.type !== 'element') continue;
      if (child.tag === 'thead' || child.tag === 'tbody') visit(child);
      else if (child.tag === 'tr') {
        const cells: Inline[][] = [];
        for (const cell of child.children) {
          if (cell.type !== 'element' || (cell.tag !== 'td' && cell.tag !== 'th')) continue;
          // A cell's paragraphs become one line: GFM cells hold inline content only.
          const paragraphs = cell.children.map((part) => trimInlines(inlines(part.type === 'element' && part.tag === 'p' ? part.children : [part], result)));
          const joined: Inline[] = [];
          for (const paragraph of paragraphs.filter((p) => p.length > 0)) {
            if (joined.length > 0) joined.push({ kind: 'text', value: ' ' });
            joined.push(...paragraph);
          }
          cells.push(joined);
          const span = Math.max(Number(cell.attrs['colspan'] ?? 1), 1);
          if (span > 1 || cell.attrs['rowspan'] !== undefined) merged = true;
          // A merged cell keeps the table's columns: the cells it covers stay empty.
          for (let extra = 1; extra < span; extra++) cells.push([]);
        }
        rows.push(cells);
      }
    }
  };
  visit(node);
  return { kind: 'table', rows, merged };
}

function inlines(nodes: HtmlNode[], result: DocumentBlocks): Inline[] {
  const out: Inline[] = [];
  for (const node of nodes) {
    if (node.type === 'text') {
      out.push({ kind: 'text', value: node.value });
      continue;
    }
    switch (node.tag) {
      case 'strong':
      case 'b':
        out.push({ kind: 'strong', children: inlines(node.children, result) });
        break;
      case 'em':
      case 'i':
        out.push({ kind: 'emphasis', children: inlines(node.children, result) });
        break;
      case 'br':
        out.push({ kind: 'break' });
        break;
      case 'img': {
        const index = /^docx-image:(\d+)$/.exec(node.attrs['src'] ?? '');
        if (index) out.push({ kind: 'image', index: Number(index[1]), alt: (node.attrs['alt'] ?? '').trim() });
        break;
      }
      case 'sup':
      case 'sub':
      case 'u':
      case 's':
      case 'span': {
        const inner = inlines(node.children, result);
        // A note reference is <sup><a href="#footnote-1">[1]</a></sup>: keep just the reference.
        if (node.tag === 'sup' && inner.length === 1 && inner[0]?.kind === 'note') out.push(inner[0]);
        else out.push(...inner);
        break;
      }
      case 'a': {
        const href = node.attrs['href'] ?? '';
        const ref = noteRef.exec(href);
        if (ref) out.push({ kind: 'note', label: noteLabel(ref[1] as string, ref[2] as string) });
        else if (noteBackRef.test(href))
          break; // the ↑ link back from a note
        else if (href === '' || href.startsWith('#'))
          out.push(...inlines(node.children, result)); // bookmarks
        else out.push({ kind: 'link', url: href, children: inlines(node.children, result) });
        break;
      }
      default:
        result.unknown.push(node.tag);
        out.push(...inlines(node.children, result));
    }
  }
  return out;
}

/** Without the spaces and breaks Word leaves at either end of a paragraph. */
export function trimInlines(list: Inline[]): Inline[] {
  const out = [...list];
  while (out.length > 0 && (out[0]?.kind === 'break' || (out[0]?.kind === 'text' && out[0].value.trim() === ''))) out.shift();
  while (out.length > 0 && (out.at(-1)?.kind === 'break' || (out.at(-1)?.kind === 'text' && (out.at(-1) as { value: string }).value.trim() === ''))) out.pop();
  const first = out[0];
  if (first?.kind === 'text') out[0] = { kind: 'text', value: first.value.trimStart() };
  const last = out.at(-1);
  if (last?.kind === 'text') out[out.length - 1] = { kind: 'text', value: last.value.trimEnd() };
  return out;
}

/** The plain text of inline content (notes and images left out), as recognition reads it. */
export function plainText(list: Inline[]): string {
  return list
    .map((item) => {
      switch (item.kind) {
        case 'text':
          return item.value;
        case 'strong':
        case 'emphasis':
        case 'link':
          return plainText(item.children);
        case 'break':
          return '\n';
        default:
          return '';
      }
    })
    .join('');
}
