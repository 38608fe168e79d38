// Body headings: the shallowest level used gets 黑体 (一、), then 楷体 (（一）), then 仿宋 (1., （1）),
// as GB/T 9704 sets them; indented like paragraphs, kept with the line that follows, and listed
// in the bookmarks.

import type { Element } from 'hast';
import { linesFor, type BlockBox, type RenderContext } from '../context.ts';
import { inlineRuns, textOf } from '../inline.ts';
import { structNode } from '../layout.ts';

export function heading(node: Element, ctx: RenderContext, box: BlockBox): void {
  const level = Number(node.tagName.slice(1));
  const depth = Math.max(0, Math.min(ctx.style.headings.length - 1, level - ctx.headingBase));
  const base = ctx.style.headings[depth]!;
  // Inside notes and tables a heading keeps the box's size and only changes face.
  const text = box.text.size === ctx.style.body.size ? base : { ...box.text, role: ctx.style.strong.role };
  const runs = inlineRuns(node.children, { role: text.role, size: text.size, color: text.color }, ctx);
  const lines = linesFor(ctx, runs, { ...box, text }, box.indent, false);
  if (lines.length === 0) return;
  ctx.flow.ensure(box.leading * Math.min(lines.length + 1, 3));
  const struct = structNode(`H${Math.min(6, depth + 2)}`, box.struct);
  if (depth === 0 && box.text.size === ctx.style.body.size) {
    ctx.flow.add({ kind: 'outline', title: textOf(node.children).trim(), level: ctx.outlineLevel + 1, y: ctx.flow.y });
  }
  ctx.flow.placeLines(lines, { x: box.x, width: box.width, leading: box.leading, firstIndent: box.indent, struct });
}
