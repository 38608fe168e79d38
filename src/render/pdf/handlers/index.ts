// Block handlers by hast tag. Every tag markdownToHast can produce at block level is listed;
// one missing here is reported by layoutBlocks, never silently dropped.

import type { ElementContent, RootContent } from 'hast';
import type { BlockBox, RenderContext } from '../context.ts';
import { type BlockHandler, dispatchBlocks } from './blocks.ts';
import { blockquote } from './blockquote.ts';
import { code } from './code.ts';
import { container } from './container.ts';
import { figcaption, figure, image } from './figure.ts';
import { section } from './footnotes.ts';
import { heading } from './heading.ts';
import { list } from './list.ts';
import { paragraph } from './paragraph.ts';
import { rule } from './rule.ts';
import { table } from './table.ts';

export const blockHandlers: Record<string, BlockHandler> = {
  p: paragraph,
  h1: heading,
  h2: heading,
  h3: heading,
  h4: heading,
  h5: heading,
  h6: heading,
  ul: list,
  ol: list,
  blockquote,
  pre: code,
  hr: rule,
  table,
  figure,
  figcaption,
  img: image,
  div: container,
  section,
};

/** Lay out block-level hast children into the box (the dispatcher bound to this table). */
export function layoutBlocks(nodes: (RootContent | ElementContent)[], ctx: RenderContext, box: BlockBox): void {
  dispatchBlocks(blockHandlers, nodes, ctx, box);
}
