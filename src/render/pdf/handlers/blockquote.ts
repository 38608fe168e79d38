// A quotation: set in 楷体 and indented two characters on both sides.

import type { Element } from 'hast';
import type { BlockBox, RenderContext } from '../context.ts';
import { structNode } from '../layout.ts';

export function blockquote(node: Element, ctx: RenderContext, box: BlockBox): void {
  const pitch = box.text.size * (box.fullWidth ?? 1);
  const inset = ctx.style.blockquote.indent * pitch;
  const struct = structNode('BlockQuote', box.struct);
  ctx.all(node.children, {
    ...box,
    x: box.x + inset,
    width: box.width - 2 * inset,
    struct,
    text: { ...box.text, role: ctx.style.blockquote.role },
  });
}
