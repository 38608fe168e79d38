// Relative links between content files, resolved to site URLs through ContentSet.routes.

import { posix } from 'node:path';
import type { ContentSet } from './model.ts';

/** The site URL of a relative link written in `fromFile` (content-relative), keeping its
 * `#fragment`: `./x.md`, `../05/x.md#frag`, `photo.jpg`, URL-encoded names. Undefined for
 * external URLs, site-absolute paths and links to files that are not published. */
export function resolveContentLink(content: Pick<ContentSet, 'routes'>, fromFile: string, href: string): string | undefined {
  if (href === '' || href.startsWith('#') || href.startsWith('/') || /^[a-zA-Z][a-zA-Z0-9+.-]*:/.test(href)) return undefined;
  const hash = href.indexOf('#');
  const fragment = hash === -1 ? '' : href.slice(hash);
  let path = hash === -1 ? href : href.slice(0, hash);
  const query = path.indexOf('?');
  if (query !== -1) path = path.slice(0, query);
  try {
    path = decodeURIComponent(path);
  } catch {
    // Keep the text as written.
  }
  if (path === '') return undefined;
  const target = posix.normalize(posix.join(posix.dirname(fromFile), path));
  const route = target.endsWith('/') ? content.routes.get(`${target}index.md`) : (content.routes.get(target) ?? content.routes.get(`${target}/index.md`));
  return route === undefined ? undefined : `${route}${fragment}`;
}

/** A link to another page (`x.md`, `../05/`) rather than to a file published beside this one. */
export function isPageLink(path: string): boolean {
  return path.endsWith('.md') || path.endsWith('/');
}

/** A URL as written, split into its decoded path (query dropped) and `#fragment`. */
export function splitUrl(url: string): { path: string; fragment: string } {
  const hash = url.indexOf('#');
  const beforeHash = hash === -1 ? url : url.slice(0, hash);
  const query = beforeHash.indexOf('?');
  const raw = query === -1 ? beforeHash : beforeHash.slice(0, query);
  let path = raw;
  try {
    path = decodeURIComponent(raw);
  } catch {
    // A stray `%`: keep the text as written.
  }
  return { path, fragment: hash === -1 ? '' : url.slice(hash) };
}

/** The content file a page link written in `fromFile` points at: `x.md`, or `dir/index.md` for `dir/`. */
export function pageLinkTarget(fromFile: string, path: string): string {
  const target = posix.normalize(posix.join(posix.dirname(fromFile), path));
  return path.endsWith('/') ? `${target.replace(/\/$/, '')}/index.md` : target;
}
