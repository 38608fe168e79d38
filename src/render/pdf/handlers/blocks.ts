// The block dispatcher: hast children → handlers by tag. Consecutive inline content at block
// level (a tight list item's text) becomes one paragraph; an element with an id becomes a named
// destination so in-document links (footnotes) land on it; an unknown tag is reported and its
// children are still laid out, so no text is lost. The table of handlers is passed in (index.ts
// binds it), and handlers recurse through `ctx.all`, so no handler module imports this one.

import type { Element, ElementContent, RootContent } from 'hast';
import type { BlockBox, RenderContext } from '../context.ts';
import { inlineHandlers } from '../inline.ts';
import { layoutParagraph } from './paragraph.ts';

export type BlockHandler = (node: Element, ctx: RenderContext, box: BlockBox) => void;

/** Lay out block-level hast children into the box, each element by its handler in `registry`. */
export function dispatchBlocks(registry: Record<string, BlockHandler>, nodes: (RootContent | ElementContent)[], ctx: RenderContext, box: BlockBox): void {
  let pending: ElementContent[] = [];
  const flush = (): void => {
    if (pending.some((n) => n.type !== 'text' || n.value.trim() !== '')) layoutParagraph(pending, ctx, box);
    pending = [];
  };
  for (const node of nodes) {
    if (node.type === 'text') {
      pending.push(node);
      continue;
    }
    if (node.type !== 'element') continue;
    if (inlineHandlers[node.tagName] && !registry[node.tagName]) {
      pending.push(node);
      continue;
    }
    flush();
    if (typeof node.properties.id === 'string') {
      ctx.flow.ensure(box.leading);
      ctx.flow.add({ kind: 'destination', name: ctx.destPrefix + node.properties.id, y: ctx.flow.y });
    }
    const handler = registry[node.tagName];
    if (handler) handler(node, ctx, box);
    else {
      ctx.problems.unknownTags.add(node.tagName);
      dispatchBlocks(registry, node.children, ctx, box);
    }
  }
  flush();
}
