// The last pass over a sanitized body, adding only markup we control: external links get
// `rel`, tables a scrollable region and header scopes, a lone image becomes a figure, and
// links or images whose URL was refused (unknown target, unsafe scheme) keep just their text.

import type { Element, ElementContent, Root, RootContent } from 'hast';
import { textFor } from '../../templates/strings.ts';

type Child = RootContent | ElementContent;

const external = /^(?:[a-z][a-z\d+.-]*:|\/\/)/i;

/** The language of the page the body is shown on: it picks the words of the markup we add. */
export type BodyLang = 'zh-CN' | 'en';

/** Apply every finishing rule to the tree, in place. */
export function finishHast(tree: Root, lang: BodyLang = 'zh-CN'): void {
  tree.children = finishChildren(tree.children, false, lang);
}

function finishChildren(children: Child[], inHead: boolean, lang: BodyLang): Child[] {
  const out: Child[] = [];
  for (const child of children) {
    if (child.type !== 'element') {
      out.push(child);
      continue;
    }
    const isHead = inHead || child.tagName === 'thead';
    child.children = finishChildren(child.children, isHead, lang) as ElementContent[];
    out.push(...finishElement(child, isHead, lang));
  }
  return out;
}

function finishElement(node: Element, inHead: boolean, lang: BodyLang): Child[] {
  switch (node.tagName) {
    case 'a':
      return finishLink(node);
    case 'img':
      return finishImage(node);
    case 'p':
      return [figureOf(node) ?? node];
    case 'table':
      return [scrollRegion(node, lang)];
    case 'th':
    case 'td':
      return [finishCell(node, inHead)];
    default:
      return [node];
  }
}

/** A link keeps its text when its URL was refused; an external one may not reach back to us. */
function finishLink(node: Element): Child[] {
  const href = node.properties.href;
  if (typeof href !== 'string' || href === '') return node.children;
  if (external.test(href) && !href.startsWith('mailto:')) node.properties.rel = ['noopener', 'external'];
  return [node];
}

/** An image with a refused source is replaced by its alt text, so no broken image is shown. */
function finishImage(node: Element): Child[] {
  const src = node.properties.src;
  const alt = typeof node.properties.alt === 'string' ? node.properties.alt : '';
  if (typeof src !== 'string' || src === '') return alt === '' ? [] : [{ type: 'text', value: alt }];
  node.properties.alt = alt;
  node.properties.loading = 'lazy';
  return [node];
}

/** A paragraph holding nothing but one image is a photo: a figure captioned by title or alt. */
function figureOf(paragraph: Element): Element | undefined {
  const content = paragraph.children.filter((c) => !(c.type === 'text' && c.value.trim() === ''));
  const image = content[0];
  if (content.length !== 1 || image?.type !== 'element' || image.tagName !== 'img') return undefined;
  const title = image.properties.title;
  const caption = typeof title === 'string' && title !== '' ? title : String(image.properties.alt ?? '');
  delete image.properties.title;
  const children: ElementContent[] = [image];
  if (caption !== '') children.push({ type: 'element', tagName: 'figcaption', properties: {}, children: [{ type: 'text', value: caption }] });
  return { type: 'element', tagName: 'figure', properties: {}, children };
}

/** Wide tables scroll sideways inside a focusable region instead of widening the page. A labelled
 *  <section> is a region by itself, so it needs no role attribute (html-validate: prefer-native-element). */
function scrollRegion(table: Element, lang: BodyLang): Element {
  return {
    type: 'element',
    tagName: 'section',
    properties: { className: ['table-scroll'], ariaLabel: textFor(lang).tableScrollRegion, tabIndex: 0 },
    children: [table],
  };
}

/** Header cells name their scope; alignment moves from the obsolete attribute to a class. */
function finishCell(cell: Element, inHead: boolean): Element {
  const align = cell.properties.align;
  delete cell.properties.align;
  if (typeof align === 'string' && ['left', 'center', 'right'].includes(align)) cell.properties.className = [`align-${align}`];
  if (cell.tagName === 'th') cell.properties.scope = inHead ? 'col' : 'row';
  return cell;
}
