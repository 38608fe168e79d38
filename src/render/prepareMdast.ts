// Prepare a parsed body for conversion to hast, in one walk over the tree:
// - relative URLs go through the site's resolver (a `.md` link becomes the other document's
//   page, an image its published URL); an unknown one becomes empty, and the hast stage then
//   keeps only the link text or the image's alt text;
// - the text inside inline raw `<script>`-like elements is dropped with their tags;
// - headings move down one rank when the body uses `#`: the page title is the only h1.

import type { Heading, Nodes, Parent, Root } from 'mdast';
import { visit } from 'unist-util-visit';
import { isLocalUrl } from '../content/markdown.ts';

/** Maps a relative URL written in a body to its published URL; undefined when it leads nowhere. */
export type LinkResolver = (href: string) => string | undefined;

/** Rewrite the tree in place as described above. */
export function prepareMdast(tree: Root, resolveLink: LinkResolver): void {
  const headings: Heading[] = [];
  visit(tree, (node: Nodes) => {
    switch (node.type) {
      case 'link':
      case 'image':
      case 'definition':
        if (isLocalUrl(node.url)) node.url = resolveLink(node.url) ?? '';
        return;
      case 'heading':
        headings.push(node);
        dropRawCode(node);
        return;
      default:
        if ('children' in node) dropRawCode(node);
        return;
    }
  });
  if (headings.some((h) => h.depth === 1)) {
    for (const h of headings) h.depth = Math.min(6, h.depth + 1) as Heading['depth'];
  }
}

const rawTextElement = /^<(script|style|iframe|noscript|textarea|template|title|xmp)\b/i;

/**
 * Raw HTML is never rendered (remark-rehype drops `html` nodes), but inline HTML arrives as an
 * open tag, text and a close tag: drop the text between an inline `<script>` (or another
 * element whose content is code, not prose) and its closing tag too.
 */
function dropRawCode(parent: Parent): void {
  if (!parent.children.some((child) => child.type === 'html')) return;
  const kept: typeof parent.children = [];
  let closing: RegExp | undefined;
  for (const child of parent.children) {
    if (closing !== undefined) {
      if (child.type === 'html' && closing.test(child.value)) closing = undefined;
      continue;
    }
    const open = child.type === 'html' ? rawTextElement.exec(child.value) : null;
    if (open && child.type === 'html' && !new RegExp(`</${open[1]}\\s*>`, 'i').test(child.value)) {
      closing = new RegExp(`^</${open[1]}\\s*>`, 'i');
    }
    kept.push(child);
  }
  parent.children = kept;
}
