// A paragraph: justified lines on the box's grid, first line indented two characters.

import type { Element, ElementContent } from 'hast';
import { linesFor, type BlockBox, type RenderContext } from '../context.ts';
import { inlineRuns } from '../inline.ts';
import { structNode } from '../layout.ts';

/** Lay out inline content as one paragraph (P) of the box. */
export function layoutParagraph(children: ElementContent[], ctx: RenderContext, box: BlockBox): void {
  const runs = inlineRuns(children, { role: box.text.role, size: box.text.size, color: box.text.color }, ctx);
  const lines = linesFor(ctx, runs, box, box.indent);
  if (lines.length === 0) return;
  const struct = structNode('P', box.struct);
  ctx.flow.placeLines(lines, { x: box.x, width: box.width, leading: box.leading, firstIndent: box.indent, struct });
}

export function paragraph(node: Element, ctx: RenderContext, box: BlockBox): void {
  layoutParagraph(node.children, ctx, box);
}
