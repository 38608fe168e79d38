// Namespace URIs the XML feeds declare, and the disclosure metadata block shared by RSS and Atom.

import type { Disclosure } from './model.ts';
import { element } from './xml.ts';

export const ns = {
  atom: 'http://www.w3.org/2005/Atom',
  content: 'http://purl.org/rss/1.0/modules/content/',
  dc: 'http://purl.org/dc/elements/1.1/',
  /** RFC 5005 feed paging and archiving. */
  fh: 'http://purl.org/syndication/history/1.0',
  /** RFC 6721 tombstones. */
  at: 'http://purl.org/atompub/tombstones/1.0',
} as const;

/** The disclosure namespace of a site: stable as long as the site's base URL is. */
export function gazetteNamespace(baseUrl: string): string {
  return new URL('ns/gazette/1.0', baseUrl).href;
}

/** `<gazette:…>` elements for 索引号, 文号, 成文日期, 发布日期, 有效性, 期号, 发布机构, kind and version. */
export function disclosureXml(d: Disclosure): string {
  const parts = [
    element('gazette:kind', {}, d.kind),
    element('gazette:indexNumber', {}, d.indexNumber),
    d.docNumber === undefined ? '' : element('gazette:docNumber', {}, d.docNumber),
    d.signedDate === undefined ? '' : element('gazette:signedDate', {}, d.signedDate),
    element('gazette:date', {}, d.date),
    d.validity === undefined ? '' : element('gazette:validity', {}, d.validity),
    d.issue === undefined ? '' : element('gazette:issue', { year: d.issue.year, number: d.issue.number, totalNumber: d.issue.totalNumber }),
    element('gazette:department', { code: d.department.code }, d.department.name),
    element('gazette:version', {}, String(d.version)),
    // The SHA-256 of each file of this version, as the site's signed manifest lists them.
    ...(d.files ?? []).map((file) => element('gazette:file', { href: file.url, sha256: file.sha256, length: file.size })),
  ];
  return parts.join('');
}
