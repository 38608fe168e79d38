// Images: scaled to fit the text block (never enlarged past 1 px = 0.75 pt), centred, tagged as
// a Figure with the alt text, followed by the caption. An image that cannot be embedded keeps
// its alt text in the flow instead of leaving a hole.

import type { Element } from 'hast';
import { keyOfUrlPath, urlPathOfKey } from '../../../content/sitePath.ts';
import { linesFor, type BlockBox, type RenderContext } from '../context.ts';
import { textOf } from '../inline.ts';
import { structNode } from '../layout.ts';
import { layoutParagraph } from './paragraph.ts';

/** `figure`: its image and caption. */
export function figure(node: Element, ctx: RenderContext, box: BlockBox): void {
  const img = node.children.find((c): c is Element => c.type === 'element' && c.tagName === 'img');
  const caption = node.children.find((c): c is Element => c.type === 'element' && c.tagName === 'figcaption');
  if (img) image(img, ctx, box);
  if (caption) figcaption(caption, ctx, box);
}

/** A block-level `img`. */
export function image(node: Element, ctx: RenderContext, box: BlockBox): void {
  const alt = typeof node.properties.alt === 'string' ? node.properties.alt : '';
  const data = imageBytes(ctx, node.properties.src);
  const info = data && ctx.imageInfo(data);
  if (!data || !info) {
    layoutParagraph([{ type: 'text', value: `［图：${alt || '图片'}］` }], ctx, { ...box, indent: 0 });
    return;
  }
  const maxHeight = ctx.style.page.textHeight * 0.6;
  const scale = Math.min(box.width / info.width, maxHeight / info.height, 0.75);
  const width = info.width * scale;
  const height = info.height * scale;
  ctx.flow.ensure(height);
  const struct = structNode('Figure', box.struct, { alt: alt || '图片' });
  ctx.flow.add({ kind: 'image', x: box.x + (box.width - width) / 2, y: ctx.flow.y, width, height, data, struct });
  ctx.flow.y += height;
  ctx.flow.snapToGrid();
}

export function figcaption(node: Element, ctx: RenderContext, box: BlockBox): void {
  const style = ctx.style.figureCaption;
  const text = textOf(node.children).trim();
  if (!text) return;
  const captionBox: BlockBox = { ...box, text: style, fullWidth: undefined, indent: 0 };
  const lines = linesFor(ctx, [{ text, style: { ...style } }], captionBox, 0, false);
  const struct = structNode('Caption', box.struct);
  ctx.flow.placeLines(lines, { x: box.x, width: box.width, leading: box.leading, align: 'center', struct });
}

function imageBytes(ctx: RenderContext, src: unknown): Uint8Array | undefined {
  if (typeof src !== 'string' || !ctx.assets) return undefined;
  let path = src;
  if (path.startsWith(ctx.baseUrl)) path = `/${path.slice(ctx.baseUrl.length)}`;
  if (!path.startsWith('/')) return undefined;
  // Print links are absolute and fully encoded; assets are looked up by the path as content gives it.
  return ctx.assets(urlPathOfKey(keyOfUrlPath(path)));
}
