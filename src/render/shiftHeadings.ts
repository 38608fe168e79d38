// A Markdown fragment placed under a lower heading (a conference's statement under h2, an
// answer under h3) moves its own headings down too, so the page's outline stays in order.

import type { Root } from 'hast';
import { visit } from 'unist-util-visit';

const heading = /^h([1-6])$/;

/** Move every heading `by` ranks down (h2 → h3 for 1), never past h6, in place. */
export function shiftHeadings(tree: Root, by: number): void {
  visit(tree, 'element', (node) => {
    const rank = heading.exec(node.tagName);
    if (rank) node.tagName = `h${Math.min(6, Number(rank[1]) + by)}`;
  });
}
