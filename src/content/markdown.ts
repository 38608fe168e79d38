// One Markdown parser for the whole platform (CommonMark + GFM), built once per process.
// Checks read links from its tree; rendering turns the same tree into hast.

import type { Root } from 'mdast';
import type { Extension as FromMarkdownExtension } from 'mdast-util-from-markdown';
import { gfmAutolinkLiteralFromMarkdown } from 'mdast-util-gfm-autolink-literal';
import remarkGfm from 'remark-gfm';
import remarkParse from 'remark-parse';
import { type Processor, unified } from 'unified';
import { visit } from 'unist-util-visit';

const parser = unified().use(remarkParse).use(remarkGfm).freeze();

// GFM turns bare URLs and e-mail addresses in text into links with a pass over every text node
// after parsing (mdast-util-gfm-autolink-literal's transform): four regular expressions over all
// the text, about a tenth of parsing a Chinese body that has none. Each of them needs `http://`,
// `https://`, `www.` or `@` in a text node, and a text node holds the body's characters, except
// where a character reference (`&#64;`) or a backslash escape (`www\.`) makes one: a body with
// none of `@ & \ http: https: www` cannot give the pass anything to do, and is parsed without it.
const [autolinkLiterals] = gfmAutolinkLiteralFromMarkdown().transforms ?? [];
const mayHoldAutolinkLiteral = /[@&\\]|https?:|www/i;

function withoutAutolinkLiterals(this: Processor): void {
  let found = 0;
  const strip = (extension: FromMarkdownExtension): FromMarkdownExtension => {
    if (autolinkLiterals === undefined || !extension.transforms?.includes(autolinkLiterals)) return extension;
    found++;
    return { ...extension, transforms: extension.transforms.filter((transform) => transform !== autolinkLiterals) };
  };
  const data = this.data();
  data.fromMarkdownExtensions = (data.fromMarkdownExtensions ?? []).map((entry) => (Array.isArray(entry) ? entry.map(strip) : strip(entry)));
  // A new remark-gfm that moves the pass elsewhere must not leave this parser quietly different.
  if (found !== 1) throw new Error(`markdown.ts: expected GFM's autolink literal transform once among the parser's extensions, found it ${found} times.`);
}

const parserWithoutAutolinkLiterals = unified().use(remarkParse).use(remarkGfm).use(withoutAutolinkLiterals).freeze();

/** Parse a Markdown body into mdast (GFM tables, footnotes, strikethrough, autolinks). */
export function parseMarkdown(text: string): Root {
  const chosen = mayHoldAutolinkLiteral.test(text) ? parser : parserWithoutAutolinkLiterals;
  return chosen.runSync(chosen.parse(text)) as Root;
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

// Only these character sequences can make a link, image, definition or HTML node, so a body
// without them needs no parse (most documents of a large site): `](` of an inline link or image,
// `]:` of a definition (anywhere: in a quote or a list item, after a label over two lines), `<`.
// Footnote definitions (`[^1]: …`) are not references: a `]:` only they account for needs no parse.
const mayReference = /\]\(|</;
const definitionMark = /\]:/;
const footnoteDefinition = /\[\^[^\]\n\\]*\]:/g;

/** Whether a Markdown text may hold a link, image, definition or HTML node (false: it holds none). */
export function mayHoldReference(text: string): boolean {
  return mayReference.test(text) || (definitionMark.test(text) && definitionMark.test(text.replace(footnoteDefinition, '')));
}

/** A relative URL to a file of the content tree, which the renderer resolves (not `#frag`, `/site/path`, `//host`, `?query` or `scheme:`). */
export function isLocalUrl(url: string): boolean {
  return url !== '' && !url.startsWith('#') && !url.startsWith('/') && !url.startsWith('?') && !/^[a-zA-Z][a-zA-Z0-9+.-]*:/.test(url);
}

/** The relative URLs of a Markdown text's links, images and definitions, as written, each once. */
export function relativeLinksIn(text: string): string[] {
  if (!mayHoldReference(text)) return [];
  const urls = collectReferences(parseMarkdown(text)).flatMap((reference) => (reference.kind !== 'html' && isLocalUrl(reference.url) ? [reference.url] : []));
  return [...new Set(urls)];
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
