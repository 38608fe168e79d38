// Earlier versions stay readable at `<urlPath>v<n>/`. The copy is made when the next version
// replaces the page, from the page's own stored bytes, so it is exactly what readers saw, with
// a notice that says which version it is and where the current one is.

import { toHtml } from '../render/html/serialize.ts';
import { h } from 'hastscript';
import { versionPath } from '../render/html/index.ts';
import { type ObjectStore, SITE_PREFIX } from '../store/ports.ts';
import { pageKey } from '../content/keys.ts';

const MAIN_OPEN = /<main\b[^>]*>/;

/** The archived page: the stored HTML with the version notice as the first thing in `<main>`. */
export function archivedPage(html: string, version: number, currentUrl: string, title: string): string {
  // The copy keeps the 文件校验 block of its version: the digests of the files as that version
  // published them, while the links lead to the current files. Say so, or a reader checking a
  // download against this page would take the difference for tampering.
  const files = html.includes('class="file-checksums"') ? `本页“文件校验”所列为第${version}版发布时的文件及其校验值，文件链接指向现行文件。` : '';
  const notice = toHtml(
    h('p', { class: 'version-notice', role: 'note' }, [`本页为第${version}版存档，内容不再更新。${files}现行版本见：`, h('a', { href: currentUrl }, title)]),
  );
  const match = MAIN_OPEN.exec(html);
  if (match === null) throw new Error(`Cannot archive a page without <main>: ${currentUrl}`);
  const at = match.index + match[0].length;
  return html.slice(0, at) + notice + html.slice(at);
}

/** Copy the current page of a document to its version's stable URL, once. */
export async function archiveCurrentPage(objects: ObjectStore, urlPath: string, version: number, title: string): Promise<void> {
  const target = SITE_PREFIX + pageKey(versionPath(urlPath, version));
  if ((await objects.head(target)) !== undefined) return;
  const current = await objects.get(SITE_PREFIX + pageKey(urlPath));
  if (current === undefined) return;
  const html = archivedPage(Buffer.from(current.body).toString('utf8'), version, urlPath, title);
  await objects.put({
    key: target,
    body: Buffer.from(html, 'utf8'),
    contentType: current.contentType,
    ...(current.cacheControl === undefined ? {} : { cacheControl: current.cacheControl }),
  });
}
