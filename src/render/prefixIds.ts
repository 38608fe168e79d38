// Several Markdown fragments on one page (a conference's answers) each number their footnotes
// from 1; prefixing their ids and the in-page links to them keeps every id unique.

import type { Root } from 'hast';
import { visit } from 'unist-util-visit';

/** Prefix every id, fragment link and aria reference in the tree, in place. */
export function prefixIds(tree: Root, prefix: string): void {
  visit(tree, 'element', (node) => {
    const { properties } = node;
    if (typeof properties.id === 'string') properties.id = prefix + properties.id;
    if (typeof properties.href === 'string' && properties.href.startsWith('#')) properties.href = `#${prefix}${properties.href.slice(1)}`;
    for (const name of ['ariaDescribedBy', 'ariaLabelledBy'] as const) {
      const value = properties[name];
      if (Array.isArray(value)) properties[name] = value.map((id) => prefix + String(id));
    }
  });
}
