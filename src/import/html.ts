// mammoth's HTML, read back into a tree. mammoth writes a small regular subset (p, h1–h6, table,
// lists, strong, em, a, img, sup, br), every attribute double-quoted and every text escaped, so a
// tokenizer for exactly that subset is enough; anything else is an assertion failure, not a guess.

export interface HtmlElement {
  type: 'element';
  tag: string;
  attrs: Record<string, string>;
  children: HtmlNode[];
}

export interface HtmlText {
  type: 'text';
  value: string;
}

export type HtmlNode = HtmlElement | HtmlText;

const voidTags = new Set(['img', 'br', 'hr']);
const token = /<(\/?)([a-z][a-z0-9]*)((?:\s+[a-z-]+="[^"]*")*)\s*(\/?)>|([^<]+)/gy;
const attribute = /([a-z-]+)="([^"]*)"/g;

export function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-f]+|#\d+|amp|lt|gt|quot|apos);/gi, (_, name: string) => {
    const lower = name.toLowerCase();
    if (lower.startsWith('#x')) return String.fromCodePoint(parseInt(lower.slice(2), 16));
    if (lower.startsWith('#')) return String.fromCodePoint(Number(lower.slice(1)));
    return { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" }[lower] as string;
  });
}

/** The children of a fragment written by mammoth. */
export function parseMammothHtml(html: string): HtmlNode[] {
  const root: HtmlElement = { type: 'element', tag: '#root', attrs: {}, children: [] };
  const stack: HtmlElement[] = [root];
  token.lastIndex = 0;
  while (token.lastIndex < html.length) {
    const at = token.lastIndex;
    const match = token.exec(html);
    if (match === null) throw new Error(`Unexpected HTML from mammoth at ${at}: ${html.slice(at, at + 40)}`);
    const [, closing, tag, attrs, selfClosing, text] = match;
    const parent = stack.at(-1) as HtmlElement;
    if (text !== undefined) {
      parent.children.push({ type: 'text', value: decodeEntities(text) });
    } else if (closing === '/') {
      if (parent.tag !== tag) throw new Error(`Unbalanced HTML from mammoth: </${tag}> closes <${parent.tag}>`);
      stack.pop();
    } else {
      const element: HtmlElement = { type: 'element', tag: tag as string, attrs: {}, children: [] };
      for (const [, name, value] of (attrs ?? '').matchAll(attribute)) element.attrs[name as string] = decodeEntities(value as string);
      parent.children.push(element);
      if (selfClosing !== '/' && !voidTags.has(element.tag)) stack.push(element);
    }
  }
  return root.children;
}
