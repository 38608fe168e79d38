// The footnotes section: a short rule, then the notes in a smaller size, off the body grid.

import type { Element } from 'hast';
import type { BlockBox, RenderContext } from '../context.ts';
import { structNode } from '../layout.ts';

export function section(node: Element, ctx: RenderContext, box: BlockBox): void {
  // The HTML table's scroll region only groups its table for the screen: no Sect in the PDF's tags.
  if (Array.isArray(node.properties.className) && node.properties.className.includes('table-scroll')) {
    ctx.all(node.children, box);
    return;
  }
  const isNotes = node.properties.dataFootnotes !== undefined;
  const struct = structNode(isNotes ? 'Note' : 'Sect', box.struct);
  if (!isNotes) {
    ctx.all(node.children, { ...box, struct });
    return;
  }
  const { text, leading, ruleWidth } = ctx.style.footnotes;
  ctx.flow.ensure(leading * 3);
  const y = ctx.flow.y + leading / 2;
  ctx.flow.add({ kind: 'rule', x1: box.x, y1: y, x2: box.x + ruleWidth, y2: y, width: 0.5, color: '#000000' });
  ctx.flow.y += leading;
  ctx.all(node.children, { x: box.x, width: box.width, struct, text, leading, indent: 0 });
  ctx.flow.snapToGrid();
}
