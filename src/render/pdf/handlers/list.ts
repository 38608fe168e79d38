// Ordered and unordered lists: a label hanging in the indent, the item's blocks beside it.
// Structure: L > LI > (Lbl, LBody).

import type { Element } from 'hast';
import { linesFor, type BlockBox, type RenderContext } from '../context.ts';
import { structNode } from '../layout.ts';

export function list(node: Element, ctx: RenderContext, box: BlockBox): void {
  const ordered = node.tagName === 'ol';
  const start = ordered && typeof node.properties.start === 'number' ? node.properties.start : 1;
  const struct = structNode('L', box.struct);
  const pitch = box.text.size * (box.fullWidth ?? 1);
  const indent = ctx.style.list.indent * pitch;
  let n = start;
  for (const child of node.children) {
    if (child.type !== 'element') continue;
    if (child.tagName !== 'li') {
      ctx.problems.unknownTags.add(`${node.tagName}>${child.tagName}`);
      continue;
    }
    const item = structNode('LI', struct);
    const label = structNode('Lbl', item);
    const body = structNode('LBody', item);
    const labelText = ordered ? `${n++}.` : ctx.style.list.bullet;
    const labelBox: BlockBox = { ...box, text: ordered ? box.text : { ...box.text, size: box.text.size * 0.5 } };
    const [labelLine] = linesFor(ctx, [{ text: labelText, style: { ...labelBox.text } }], labelBox, 0, false);
    const itemBox: BlockBox = { ...box, x: box.x + box.indent + indent, width: box.width - box.indent - indent, struct: body, indent: 0 };
    ctx.flow.ensure(box.leading);
    const page = ctx.flow.page;
    const mark = page.ops.length;
    const top = ctx.flow.y;
    if (child.properties.id) ctx.flow.add({ kind: 'destination', name: ctx.destPrefix + String(child.properties.id), y: top });
    ctx.all(child.children, itemBox);
    // The label sits on the baseline of the item's first line (wherever that line landed).
    const first = ctx.flow.pages.flatMap((p) => (p === page ? p.ops.slice(mark) : [])).find((op) => op.kind === 'line');
    const baseline = first?.kind === 'line' ? first.baseline : top + box.leading * 0.7;
    if (labelLine) {
      const x = box.x + box.indent + indent - labelLine.width - pitch * 0.4;
      const at = first ? page.ops.indexOf(first) : page.ops.length;
      page.ops.splice(at, 0, { kind: 'line', x, baseline, line: labelLine, struct: label });
    }
  }
}
