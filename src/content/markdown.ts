// One Markdown parser for the whole platform (CommonMark + GFM), built once per process.
// Checks read links from its tree; rendering turns the same tree into hast.

import type { Root } from 'mdast';
import remarkGfm from 'remark-gfm';
import remarkParse from 'remark-parse';
import { unified } from 'unified';
import { visit } from 'unist-util-visit';

const parser = unified().use(remarkParse).use(remarkGfm).freeze();

/** Parse a Markdown body into mdast (GFM tables, footnotes, strikethrough, autolinks). */
export function parseMarkdown(text: string): Root {
  return parser.runSync(parser.parse(text)) as Root;
}

export interface MarkdownReference {
  kind: 'link' | 'image' | 'definition' | 'html';
  url: string;
  /** The raw HTML, for `html` references (checks name what the sanitizer will remove). */
  value?: string;
  /** 1-based position within the body (add the body's first line for the file position). */
  line: number;
  column: number;
}

/** Every URL a body refers to, in document order. Raw HTML is reported so checks can refuse it. */
export function collectReferences(tree: Root): MarkdownReference[] {
  const found: MarkdownReference[] = [];
  visit(tree, (node) => {
    const start = node.position?.start;
    const at = { line: start?.line ?? 1, column: start?.column ?? 1 };
    if (node.type === 'link' || node.type === 'image' || node.type === 'definition') {
      found.push({ kind: node.type, url: node.url, ...at });
    } else if (node.type === 'html') {
      found.push({ kind: 'html', url: '', value: node.value, ...at });
    }
  });
  return found;
}
