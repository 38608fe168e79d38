// Elements that only group blocks: lay out their children.

import type { Element } from 'hast';
import type { BlockBox, RenderContext } from '../context.ts';
import { layoutBlocks } from './blocks.ts';

export function container(node: Element, ctx: RenderContext, box: BlockBox): void {
  layoutBlocks(node.children, ctx, box);
}
