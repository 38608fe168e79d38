// A thematic break: a thin centred rule occupying one line (an artifact, not content).

import type { BlockBox, RenderContext } from '../context.ts';

export function rule(_node: unknown, ctx: RenderContext, box: BlockBox): void {
  ctx.flow.ensure(box.leading);
  const y = ctx.flow.y + box.leading / 2;
  const length = box.width / 3;
  const x = box.x + (box.width - length) / 2;
  ctx.flow.add({ kind: 'rule', x1: x, y1: y, x2: x + length, y2: y, width: 0.5, color: '#000000' });
  ctx.flow.y += box.leading;
}
