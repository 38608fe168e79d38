// Small helpers for templates written in hastscript JSX.

import type { Element } from 'hast';
import type { Result } from 'hastscript';

export type { Child, Result } from 'hastscript';

/** JSX yields `Element | Root`; an intrinsic tag is always an element. */
export function asElement(node: Result): Element {
  if (node.type !== 'element') throw new Error('Expected a JSX element, got a root: wrap fragments in an element.');
  return node;
}
