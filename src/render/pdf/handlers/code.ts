// A code block: its lines kept as written (no justification), in 黑体.

import type { Element } from 'hast';
import { linesFor, type BlockBox, type RenderContext } from '../context.ts';
import { textOf } from '../inline.ts';
import { structNode } from '../layout.ts';

export function code(node: Element, ctx: RenderContext, box: BlockBox): void {
  const text = textOf(node.children).replace(/\n$/, '');
  const style = { ...box.text, role: ctx.style.code.role };
  const lines = linesFor(ctx, [{ text, style }], { ...box, text: style }, 0, false);
  const struct = structNode('Code', box.struct);
  ctx.flow.placeLines(lines, { x: box.x + box.indent, width: box.width - box.indent, leading: box.leading, struct });
}
