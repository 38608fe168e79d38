// schema.org JSON-LD of a document's page: `Legislation` for a gazette article with a 文号
// (a normative document), `Article` for the other articles (speeches, data), `NewsArticle` for
// releases and conferences; and the page's breadcrumbs as a `BreadcrumbList`.
// Plain data: the layout puts each object in its own `<script type="application/ld+json">`.

import type { GazetteDocument, Lang, SiteConfig } from '../src/content/model.ts';

/** A JSON-LD object (always with its own `@context` at the top level). */
export type JsonLd = { [key: string]: JsonLdValue };
type JsonLdValue = string | number | boolean | JsonLd | JsonLdValue[];

const context = 'https://schema.org';

/** The absolute URL of a site path; `baseUrl` may itself have a path, so the path is made relative. */
export function absoluteUrl(baseUrl: string, urlPath: string): string {
  return new URL(urlPath.replace(/^\//, ''), baseUrl).href;
}

export interface DocumentFacts {
  /** 索引号. */
  indexNumber: string;
  /** The version shown (1 for the first publish). */
  version: number;
  /** Site path of the page (the version copy's when it is one). */
  urlPath: string;
  /** The gazette issue of an article: title, date and site path. */
  issue?: { title: string; date: string; urlPath: string };
  /** Other language versions of the document. */
  translations?: { lang: Lang; urlPath: string }[];
  /** The files the document publishes (its PDF edition first), with their digests. */
  files?: PublishedFile[];
}

/** One file a document publishes, as its page lists it. */
export interface PublishedFile {
  /** Site path of the file. */
  urlPath: string;
  /** File name, as a download saves it. */
  name: string;
  /** What the editor called it (an attachment's title). */
  title?: string;
  /** Media type as the file is served. */
  mediaType: string;
  /** Size in bytes. */
  size: number;
  /** SHA-256 of its bytes, lower-case hex. */
  sha256: string;
  /** The document's own PDF edition (not an attachment that happens to be a PDF). */
  edition?: boolean;
}

/**
 * A file as a schema.org `MediaObject`: what a machine needs to fetch it and check the bytes
 * (`contentSize` is the exact size, in bytes, with its unit; `sha256` is schema.org's own property).
 */
function mediaObject(site: SiteConfig, file: PublishedFile): JsonLd {
  return {
    '@type': 'MediaObject',
    name: file.title ?? file.name,
    contentUrl: absoluteUrl(site.baseUrl, file.urlPath),
    encodingFormat: (file.mediaType.split(';')[0] as string).trim(),
    contentSize: `${file.size} B`,
    sha256: file.sha256,
  };
}

/** When the document came out: the embargo time when it had one (an ISO time with offset), else its date. */
export function publishedTime(doc: GazetteDocument): string {
  return doc.publishAt ?? doc.date;
}

/** When the text last changed: the date of the correction, else publication. */
export function modifiedTime(doc: GazetteDocument): string {
  return doc.changeDate ?? publishedTime(doc);
}

/** Whether a document is normative (规范性文件): a gazette article with a 文号. */
export function isLegislation(doc: GazetteDocument): boolean {
  return doc.kind === 'article' && doc.docNumber !== undefined;
}

/**
 * `legislationLegalForce` from 有效性: 有效 is in force; 失效, 废止 and a withdrawn document are
 * not.
 */
export function legalForce(doc: GazetteDocument): string {
  const inForce = doc.status !== 'withdrawn' && doc.kind === 'article' && doc.validity === '有效';
  return `${context}/${inForce ? 'InForce' : 'NotInForce'}`;
}

function organization(name: string, url?: string): JsonLd {
  return { '@type': 'GovernmentOrganization', name, ...(url === undefined ? {} : { url }) };
}

/** The schema.org description of a document's page. A withdrawn document's summary stays out. */
export function documentJsonLd(site: SiteConfig, doc: GazetteDocument, facts: DocumentFacts): JsonLd {
  const url = absoluteUrl(site.baseUrl, facts.urlPath);
  const type = doc.kind !== 'article' ? 'NewsArticle' : isLegislation(doc) ? 'Legislation' : 'Article';
  const author = organization(doc.department.name);
  const data: JsonLd = {
    '@context': context,
    '@type': type,
    '@id': `${url}#document`,
    name: doc.title,
    headline: doc.title,
    url,
    mainEntityOfPage: url,
    inLanguage: doc.lang,
    datePublished: publishedTime(doc),
    dateModified: modifiedTime(doc),
    version: facts.version,
    identifier: { '@type': 'PropertyValue', propertyID: '索引号', value: facts.indexNumber },
    author,
    publisher: organization(site.name, site.baseUrl),
    about: { '@type': 'Thing', name: doc.category.name },
  };
  if (doc.summary !== undefined && doc.status !== 'withdrawn') data.description = doc.summary;
  if (doc.tags !== undefined && doc.tags.length > 0) data.keywords = doc.tags.join(',');
  if (doc.kind === 'article') {
    if (isLegislation(doc)) {
      data.legislationIdentifier = doc.docNumber as string;
      data.legislationDate = doc.signedDate;
      data.legislationLegalForce = legalForce(doc);
      data.legislationPassedBy = author;
    } else {
      data.dateCreated = doc.signedDate;
    }
    if (facts.issue !== undefined) {
      data.isPartOf = {
        '@type': 'PublicationIssue',
        issueNumber: String(doc.issue.number),
        name: facts.issue.title,
        datePublished: facts.issue.date,
        url: absoluteUrl(site.baseUrl, facts.issue.urlPath),
        isPartOf: { '@type': 'Periodical', name: site.gazetteTitle, publisher: organization(site.publisher) },
      };
    }
  }
  const translations = facts.translations ?? [];
  const original = doc.lang === site.lang ? undefined : translations.find((t) => t.lang === site.lang);
  if (original !== undefined) data.translationOfWork = { '@id': `${absoluteUrl(site.baseUrl, original.urlPath)}#document` };
  const others = translations.filter((t) => t !== original);
  if (others.length > 0) {
    data.workTranslation = others.map((t) => ({ '@id': `${absoluteUrl(site.baseUrl, t.urlPath)}#document`, inLanguage: t.lang }));
  }
  // The PDF encodes the document itself; attachments and images are media that go with it.
  const files = facts.files ?? [];
  const edition = files.find((file) => file.edition === true);
  if (edition !== undefined) data.encoding = mediaObject(site, edition);
  const media = files.filter((file) => file !== edition);
  if (media.length > 0) data.associatedMedia = media.map((file) => mediaObject(site, file));
  if (doc.status === 'withdrawn') data.creativeWorkStatus = 'Withdrawn';
  return data;
}

/** The trail above a page's content, ending with the page itself. */
export function breadcrumbJsonLd(site: SiteConfig, crumbs: { label: string; href: string }[]): JsonLd {
  return {
    '@context': context,
    '@type': 'BreadcrumbList',
    itemListElement: crumbs.map((crumb, i) => ({
      '@type': 'ListItem',
      position: i + 1,
      name: crumb.label,
      item: absoluteUrl(site.baseUrl, crumb.href),
    })),
  };
}

/**
 * JSON text safe inside `<script>`: the HTML parser ends a script at `</script` and treats
 * `<!--` specially, and the text is not escaped when serialized, so `<`, `>` and `&` are
 * written as JSON escapes (the parsed value is the same). U+2028/2029 are escaped for old
 * JavaScript parsers that read the block as code.
 */
export function jsonLdText(data: JsonLd): string {
  return JSON.stringify(data)
    .replace(/</g, '\\u003c')
    .replace(/>/g, '\\u003e')
    .replace(/&/g, '\\u0026')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}
