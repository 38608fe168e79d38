// A rendered page becomes an artifact: serialized HTML under the key of its URL path.

import type { Root } from 'hast';
import { toHtml } from 'hast-util-to-html';
import { pageKey } from '../../content/keys.ts';
import { artifact, type Artifact } from '../../outputs.ts';

/** Serialize a page tree to HTML; same tree, same bytes. */
export function pageHtml(tree: Root): string {
  return `${toHtml(tree)}\n`;
}

export function pageArtifact(urlPath: string, tree: Root): Artifact {
  return artifact('page', pageKey(urlPath), pageHtml(tree));
}
