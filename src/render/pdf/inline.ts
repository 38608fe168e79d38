// Inline hast → styled runs, one handler per tag. Emphasis changes the face the way Chinese
// print does (strong → 黑体, em → 楷体), not by slanting or fake bold.

import type { ElementContent, Element } from 'hast';
import { LINE_BREAK, type InlineRun, type InlineStyle } from './linebreak.ts';
import { linkTarget, type RenderContext } from './context.ts';

type InlineHandler = (node: Element, style: InlineStyle, ctx: RenderContext) => InlineRun[];

const withRole =
  (role: InlineStyle['role']): InlineHandler =>
  (node, style, ctx) =>
    inlineRuns(node.children, { ...style, role }, ctx);
const transparent: InlineHandler = (node, style, ctx) => inlineRuns(node.children, style, ctx);

export const inlineHandlers: Record<string, InlineHandler> = {
  strong: (node, style, ctx) => withRole(ctx.style.strong.role)(node, style, ctx),
  b: (node, style, ctx) => withRole(ctx.style.strong.role)(node, style, ctx),
  em: (node, style, ctx) => withRole(ctx.style.emphasis.role)(node, style, ctx),
  i: (node, style, ctx) => withRole(ctx.style.emphasis.role)(node, style, ctx),
  code: (node, style, ctx) => withRole(ctx.style.code.role)(node, style, ctx),
  // Struck text stays readable in print; strike lines are not drawn (noted in the report).
  del: transparent,
  s: transparent,
  span: transparent,
  ins: transparent,
  sub: transparent,
  sup: (node, style, ctx) => inlineRuns(node.children, { ...style, superscript: true }, ctx),
  a: (node, style, ctx) => {
    // Footnote back-references are screen navigation ("↩"): the printed note needs none.
    if (node.properties.dataFootnoteBackref !== undefined) return [];
    const target = linkTarget(ctx, node.properties.href);
    return inlineRuns(node.children, target ? { ...style, link: target } : style, ctx);
  },
  br: (_node, style) => [{ text: LINE_BREAK, style }],
  img: (node, style) => {
    const alt = typeof node.properties.alt === 'string' ? node.properties.alt : '';
    return alt ? [{ text: `［图：${alt}］`, style }] : [];
  },
  input: (node, style) => [{ text: node.properties.checked ? '■ ' : '□ ', style }],
};

/** Runs of a list of inline nodes; unknown tags are reported and their text kept. */
export function inlineRuns(nodes: ElementContent[], style: InlineStyle, ctx: RenderContext): InlineRun[] {
  const runs: InlineRun[] = [];
  for (const node of nodes) {
    if (node.type === 'text') {
      runs.push({ text: node.value, style });
    } else if (node.type === 'element') {
      const handler = inlineHandlers[node.tagName];
      if (handler) runs.push(...handler(node, style, ctx));
      else {
        ctx.problems.unknownTags.add(node.tagName);
        runs.push(...inlineRuns(node.children, style, ctx));
      }
    }
  }
  return runs;
}

/** Plain text of a subtree (alt text, outline titles). */
export function textOf(nodes: ElementContent[]): string {
  return nodes.map((n) => (n.type === 'text' ? n.value : n.type === 'element' ? textOf(n.children) : '')).join('');
}
