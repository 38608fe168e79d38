// Elements that only group blocks: lay out their children.

import type { Element } from 'hast';
import type { BlockBox, RenderContext } from '../context.ts';

export function container(node: Element, ctx: RenderContext, box: BlockBox): void {
  ctx.all(node.children, box);
}
