// A rendered page becomes an artifact: serialized HTML under the key of its URL path.

import type { Root, RootContent } from 'hast';
import { toHtml } from './serialize.ts';
import { pageKey } from '../../content/keys.ts';
import { artifact, type Artifact } from '../../outputs.ts';

/** hast's raw node (declared by mdast-util-to-hast, which remark-rehype uses). */
type Raw = Extract<RootContent, { type: 'raw' }>;

/** Raw nodes made by `serializedHtml` in this thread: the only ones a page may embed as they are. */
const serialized = new WeakSet<Raw>();

/**
 * HTML this code serialized itself from a sanitized tree, to stand in a page for that tree: the
 * page embeds the string as it is instead of serializing the same tree again.
 */
export function serializedHtml(html: string): Raw {
  const node: Raw = { type: 'raw', value: html };
  serialized.add(node);
  return node;
}

/**
 * Serialize a page tree to HTML; same tree, same bytes. Raw nodes are written as text, unless the
 * page `embeds` bodies `serializedHtml` made (a document's page): then every raw node must be one.
 */
export function pageHtml(tree: Root, { embeds = false } = {}): string {
  if (embeds) checkEmbedded(tree);
  return `${toHtml(tree, embeds ? { allowDangerousHtml: true } : {})}\n`;
}

/**
 * Defence in depth: bodies are sanitized and raw HTML in Markdown is never parsed, so no other raw
 * node can reach a page; one that did stops the render rather than be written as markup.
 */
function checkEmbedded(tree: Root): void {
  const stack: (Root | RootContent)[] = [tree];
  for (let node = stack.pop(); node !== undefined; node = stack.pop()) {
    if (node.type === 'raw') {
      if (!serialized.has(node)) throw new Error('A page tree holds raw HTML that the renderer did not serialize itself; it is not written.');
    } else if ('children' in node) {
      stack.push(...node.children);
    }
  }
}

export function pageArtifact(urlPath: string, tree: Root, options: { embeds?: boolean } = {}): Artifact {
  return artifact('page', pageKey(urlPath), pageHtml(tree, options));
}
