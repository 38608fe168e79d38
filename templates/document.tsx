// The page of one document: an article of the gazette, a press release or a press conference.

import type { Root as HastRoot } from 'hast';
import type { ArticleDocument, GazetteDocument, GazetteIssue, Lang } from '../src/content/model.ts';
import type { ArtifactRef } from '../src/content/records.ts';
import { keyOfUrlPath, urlPathOfKey } from '../src/content/sitePath.ts';
import { MANIFEST_PATH } from '../src/manifest/manifest.ts';
import type { LinkResolver, RenderContext, Translation } from '../src/render/html/context.ts';
import { conferenceSections } from './conference.tsx';
import { chineseDate, issueLabel, issuePath, pubDate } from './format.ts';
import type { Result } from './hast.ts';
import { layout, type Crumb } from './layout.tsx';
import { textFor } from './strings.ts';
import { attachmentList, dateTime, fieldList, fileChecksums, type Field } from './parts.tsx';
import { absoluteUrl, breadcrumbJsonLd, documentJsonLd, modifiedTime, publishedTime, type PublishedFile } from './structuredData.ts';

export interface DocumentPageOptions {
  /** 索引号, allocated by the publish step. */
  indexNumber: string;
  /** The issue an article appears in. */
  issue?: GazetteIssue;
  /** URL path of the PDF edition, when one is published. */
  pdfUrl?: string;
  /** Other language versions of this document. */
  translations?: Translation[];
  /** Converts the body's Markdown, links already resolved. */
  renderBody: (markdown: string, resolveLink: LinkResolver) => HastRoot;
  resolveLink: LinkResolver;
  /** Sizes in bytes of attachments, by their content-relative `file` (default: from `files`). */
  attachmentSizes?: Record<string, number>;
  /**
   * The document's published files with their SHA-256 and size, as its record keeps them: the
   * PDF (at `pdfUrl`), attachments and body images. Listed under 文件校验 and in the JSON-LD.
   */
  files?: ArtifactRef[];
  /** The version shown (1 for the first publish). */
  version?: number;
  /** Every published version, oldest first, each at its stable URL. */
  versions?: VersionEntry[];
  /** Set on the immutable copy of an earlier version, at `<urlPath>v<n>/`. */
  versionOf?: { currentUrl: string };
  /** Errata (勘误) published for this article. */
  errata?: PageLink[];
  /** The document that replaces this one (validity 失效 or 废止). */
  supersededBy?: PageLink;
  /** Documents this one replaces. */
  supersedes?: PageLink[];
  /** Special columns (专栏) the document belongs to, in column order. */
  columns?: PageLink[];
}

export interface PageLink {
  title: string;
  urlPath: string;
}

export interface VersionEntry {
  version: number;
  /** When the version was published, YYYY-MM-DD. */
  date: string;
  changeNote?: string;
  /** Stable URL of the version, `<urlPath>v<n>/`. */
  urlPath: string;
}

const languageNames = { 'zh-CN': '中文', en: 'English' } as const;

function articleFields(doc: ArticleDocument, options: DocumentPageOptions): Field[] {
  const issueHref = options.issue?.urlPath ?? issuePath(doc.issue.year, doc.issue.number);
  return [
    { term: '索引号', value: options.indexNumber },
    { term: '发布机构', value: doc.department.name },
    { term: '主题分类', value: doc.category.name },
    { term: '成文日期', value: dateTime(doc.signedDate) },
    { term: '发布日期', value: dateTime(doc.date) },
    { term: '文号', value: doc.docNumber },
    { term: '有效性', value: doc.status === 'withdrawn' ? '已撤回' : doc.validity },
    { term: '期号', value: <a href={issueHref}>{issueLabel(doc.issue)}</a> },
  ];
}

function disclosure(doc: GazetteDocument, options: DocumentPageOptions): Result {
  const fields: Field[] =
    doc.kind === 'article'
      ? articleFields(doc, options)
      : [
          { term: '索引号', value: options.indexNumber },
          { term: '发布机构', value: doc.department.name },
          { term: '主题分类', value: doc.category.name },
          { term: '发布日期', value: dateTime(doc.date) },
          { term: '有效性', value: doc.status === 'withdrawn' ? '已撤回' : undefined },
        ];
  return (
    <section class="disclosure" aria-label="信息公开要素">
      {fieldList('disclosure-fields', fields)}
    </section>
  );
}

function pdfLink(pdfUrl: string | undefined, docLang: Lang, lang: string | undefined): Result | undefined {
  if (pdfUrl === undefined) return undefined;
  return (
    <p class="pdf-link" lang={lang}>
      <a href={pdfUrl} type="application/pdf">
        {textFor(docLang).pdfEdition}
      </a>
    </p>
  );
}

function translationLinks(translations: Translation[] | undefined): Result | undefined {
  if (translations === undefined || translations.length === 0) return undefined;
  return (
    <nav class="translations" aria-label="其他语言版本">
      <ul>
        {translations.map((t) => (
          <li>
            <a href={t.urlPath} hrefLang={t.lang} lang={t.lang}>
              {languageNames[t.lang]}：{t.title}
            </a>
          </li>
        ))}
      </ul>
    </nav>
  );
}

function breadcrumbs(doc: GazetteDocument): Crumb[] {
  const home = { label: '首页', href: '/' };
  if (doc.kind !== 'article') return [home, { label: '新闻发布', href: '/press/' }];
  return [
    home,
    { label: '政府公报', href: '/gazette/' },
    { label: `${doc.issue.year}年第${doc.issue.number}期`, href: issuePath(doc.issue.year, doc.issue.number) },
  ];
}

/** In place of the body, attachments and Q&A of a withdrawn document: when and why. */
function withdrawalNotice(doc: GazetteDocument): Result {
  return (
    <section class="withdrawal-notice" role="note" aria-labelledby="withdrawal-title">
      <h2 id="withdrawal-title">已撤回</h2>
      <p>本文已于{doc.withdrawnDate === undefined ? undefined : dateTime(doc.withdrawnDate)}撤回，原文不再公开。</p>
      {doc.withdrawnReason === undefined ? undefined : <p class="withdrawal-reason">撤回原因：{doc.withdrawnReason}</p>}
    </section>
  );
}

/** At the top of the body of a later version: what this version corrected, and when. */
function changeNote(doc: GazetteDocument, version: number): Result | undefined {
  if (version < 2 || doc.changeNote === undefined) return undefined;
  return (
    <aside class="change-note" aria-label="更正说明">
      <p>
        <span class="change-label">更正/修订</span>
        {doc.changeDate === undefined ? undefined : dateTime(doc.changeDate)}：{doc.changeNote}
      </p>
    </aside>
  );
}

/**
 * 版本记录: every version with its date, note and stable URL; shown once there are two. A
 * withdrawal takes the earlier copies down: then the list names the versions without links, and
 * the current version is the withdrawal, dated by it.
 */
function versionHistory(versions: VersionEntry[] | undefined, current: number, withdrawal: { date?: string } | undefined): Result | undefined {
  const withdrawn = withdrawal !== undefined;
  if (versions === undefined || versions.length < 2) return undefined;
  return (
    <section class="versions" aria-labelledby="versions-title">
      <h2 id="versions-title">版本记录</h2>
      <ol>
        {[...versions]
          .sort((a, b) => a.version - b.version)
          .map((entry) => (
            <li>
              {withdrawn ? (
                <span aria-current={entry.version === current ? 'page' : undefined}>第{entry.version}版</span>
              ) : (
                <a href={entry.urlPath} aria-current={entry.version === current ? 'page' : undefined}>
                  第{entry.version}版
                </a>
              )}
              {withdrawn && entry.version === current && withdrawal.date !== undefined ? dateTime(withdrawal.date) : dateTime(entry.date)}
              {withdrawn && entry.version === current ? (
                <span class="version-note">撤回</span>
              ) : entry.changeNote === undefined ? (
                entry.version === 1 ? (
                  <span class="version-note">首次发布</span>
                ) : undefined
              ) : (
                <span class="version-note">{entry.changeNote}</span>
              )}
            </li>
          ))}
      </ol>
    </section>
  );
}

/** Notices at the top of the page: an archived version, a replacing document. */
function topNotices(doc: GazetteDocument, options: DocumentPageOptions, version: number): Result[] {
  const notices: Result[] = [];
  if (options.versionOf !== undefined) {
    notices.push(
      <p class="version-notice" role="note">
        本页为第{version}版存档，内容不再更新。现行版本见：<a href={options.versionOf.currentUrl}>{doc.title}</a>
      </p>,
    );
  }
  if (options.supersededBy !== undefined) {
    notices.push(
      <p class="superseded-notice" role="note">
        本文件已{doc.kind === 'article' && doc.validity === '废止' ? '废止' : '失效'}，现行文件见：
        <a href={options.supersededBy.urlPath}>{options.supersededBy.title}</a>
      </p>,
    );
  }
  return notices;
}

/** Documents this one replaces, and errata that correct it. */
function relations(options: DocumentPageOptions): Result | undefined {
  const supersedes = options.supersedes ?? [];
  const errata = options.errata ?? [];
  if (supersedes.length === 0 && errata.length === 0) return undefined;
  const links = (list: PageLink[]) => (
    <ul>
      {list.map((link) => (
        <li>
          <a href={link.urlPath}>{link.title}</a>
        </li>
      ))}
    </ul>
  );
  return (
    <section class="relations" aria-labelledby="relations-title">
      <h2 id="relations-title">相关文件</h2>
      {fieldList('relation-fields', [
        { term: '本文件替代', value: supersedes.length === 0 ? undefined : links(supersedes) },
        { term: '勘误', value: errata.length === 0 ? undefined : links(errata) },
      ])}
    </section>
  );
}

/**
 * The disclosure block as `<meta>` tags, named after the page metadata of the 政府网站发展指引
 * (国办发〔2017〕47号) where it has a name (Keywords, Url), and in the same style otherwise.
 * The names are stable: partners' crawlers read them (see the README).
 */
function disclosureMeta(ctx: RenderContext, doc: GazetteDocument, options: DocumentPageOptions, urlPath: string): { name: string; content: string }[] {
  const entries: [string, string | undefined][] = [
    ['IndexNumber', options.indexNumber],
    ['Department', doc.department.name],
    ['Category', doc.category.name],
    ['SignedDate', doc.kind === 'article' ? doc.signedDate : undefined],
    ['DocNumber', doc.kind === 'article' ? doc.docNumber : undefined],
    ['Validity', doc.status === 'withdrawn' ? '已撤回' : doc.kind === 'article' ? doc.validity : undefined],
    ['Keywords', doc.tags === undefined || doc.tags.length === 0 ? undefined : doc.tags.join(',')],
    ['Url', absoluteUrl(ctx.site.baseUrl, urlPath)],
  ];
  return entries.flatMap(([name, content]) => (content === undefined ? [] : [{ name, content }]));
}

/** 所属专栏: links to the special columns the document belongs to; nothing when none. */
function columnLinks(columns: PageLink[] | undefined): Result | undefined {
  if (columns === undefined || columns.length === 0) return undefined;
  return (
    <nav class="document-columns" aria-labelledby="document-columns-title">
      <h2 id="document-columns-title">所属专栏</h2>
      <ul>
        {columns.map((column) => (
          <li>
            <a href={column.urlPath}>{column.title}</a>
          </li>
        ))}
      </ul>
    </nav>
  );
}

/**
 * 署名 over 成文日期 after an article's body, from its front matter and dated as its PDF dates
 * them (GB/T 9704 7.3.5); the body itself ends before them (`signature-in-body`).
 */
function signature(doc: ArticleDocument, lang: string | undefined): Result {
  return (
    <div class="signature" lang={lang}>
      <p class="signature-name">{doc.department.name}</p>
      <p class="signature-date">{dateTime(doc.signedDate, undefined, (date) => textFor(doc.lang).date(date))}</p>
    </div>
  );
}

/**
 * The document's files as its page lists them: its PDF edition, then attachments (with their
 * titles) and body images, in the order given; nothing of a withdrawn document.
 */
function publishedFiles(doc: GazetteDocument, options: DocumentPageOptions): PublishedFile[] {
  if (doc.status === 'withdrawn') return [];
  const pdfKey = options.pdfUrl === undefined ? undefined : keyOfUrlPath(options.pdfUrl);
  const own = new Map([...doc.attachments, ...(doc.assets ?? [])].map((file) => [keyOfUrlPath(file.urlPath), file]));
  return (options.files ?? []).map((ref) => {
    const file = own.get(ref.key);
    return {
      urlPath: file?.urlPath ?? urlPathOfKey(ref.key),
      name: file?.name ?? (ref.key.split('/').at(-1) as string),
      ...(file === undefined || file.title === file.name ? {} : { title: file.title }),
      mediaType: ref.contentType,
      size: ref.size,
      sha256: ref.sha256,
      ...(file === undefined && ref.key === pdfKey ? { edition: true } : {}),
    };
  });
}

/** Attachment sizes for the attachment list, from the files' record when not given. */
function attachmentSizes(doc: GazetteDocument, files: PublishedFile[], given: Record<string, number> | undefined): Record<string, number> {
  if (given !== undefined) return given;
  const sizes = new Map(files.map((file) => [file.urlPath, file.size]));
  return Object.fromEntries(
    doc.attachments.flatMap((attachment) => (sizes.has(attachment.urlPath) ? [[attachment.file, sizes.get(attachment.urlPath) as number]] : [])),
  );
}

/** The page of one document, as a hast root. */
export function documentPage(ctx: RenderContext, doc: GazetteDocument, options: DocumentPageOptions): HastRoot {
  // The chrome speaks the site's language; a document in another language says so itself.
  const lang = doc.lang === ctx.site.lang ? undefined : doc.lang;
  const withdrawn = doc.status === 'withdrawn';
  const version = options.version ?? 1;
  const files = publishedFiles(doc, options);
  // A withdrawn document's text is no longer public: not in the body, nor in the description.
  const content: (Result | Result[] | undefined)[] = withdrawn
    ? [withdrawalNotice(doc)]
    : [
        pdfLink(options.pdfUrl, doc.lang, lang),
        changeNote(doc, version),
        doc.kind === 'conference' ? (
          conferenceSections(doc, options.renderBody(doc.body, options.resolveLink), { ...options, lang })
        ) : (
          <div class="document-body" lang={lang}>
            {options.renderBody(doc.body, options.resolveLink)}
          </div>
        ),
        doc.kind === 'article' ? signature(doc, lang) : undefined,
        attachmentList(doc.attachments, attachmentSizes(doc, files, options.attachmentSizes), doc.lang, lang),
        fileChecksums(files, absoluteUrl(ctx.site.baseUrl, `/${MANIFEST_PATH}`), doc.lang, lang),
      ];
  const main = (
    <article class={`document document-${doc.kind}${withdrawn ? ' document-withdrawn' : ''}`}>
      {topNotices(doc, options, version)}
      <header class="document-header">
        <h1 lang={lang}>{doc.title}</h1>
        {doc.kind === 'article' && doc.docNumber !== undefined ? <p class="doc-number">{doc.docNumber}</p> : undefined}
        {doc.kind === 'article' ? undefined : <p class="document-date">{chineseDate(doc.date)}</p>}
      </header>
      {disclosure(doc, options)}
      {content.flat()}
      {relations(options)}
      {columnLinks(options.columns)}
      {versionHistory(options.versions, version, withdrawn ? { date: doc.withdrawnDate } : undefined)}
      {translationLinks(options.translations)}
    </article>
  );
  const urlPath = options.versionOf === undefined ? doc.urlPath : versionPath(doc.urlPath, version);
  const trail = breadcrumbs(doc);
  // An archived version stands alone: only the current page pairs with its translations.
  const translations = options.versionOf === undefined ? (options.translations ?? []) : [];
  const title = options.versionOf === undefined ? doc.title : `${doc.title}（第${version}版）`;
  return layout(ctx, {
    title,
    urlPath,
    section: doc.kind === 'article' ? 'gazette' : 'press',
    description: withdrawn ? doc.title : (doc.summary ?? doc.title),
    article: {
      title: doc.title,
      pubDate: pubDate(doc.date, doc.kind === 'conference' ? doc.time : undefined, doc.publishAt),
      contentSource: doc.department.name,
    },
    lang: doc.lang,
    languages: translations.length === 0 ? undefined : [{ lang: doc.lang, urlPath }, ...translations.map((t) => ({ lang: t.lang, urlPath: t.urlPath }))],
    openGraph: { publishedTime: publishedTime(doc), modifiedTime: modifiedTime(doc) },
    meta: disclosureMeta(ctx, doc, options, urlPath),
    structuredData: [
      documentJsonLd(ctx.site, doc, {
        indexNumber: options.indexNumber,
        version,
        urlPath,
        translations,
        ...(doc.kind === 'article' && options.issue !== undefined ? { issue: options.issue } : {}),
        ...(files.length === 0 ? {} : { files }),
      }),
      breadcrumbJsonLd(ctx.site, [...trail, { label: title, href: urlPath }]),
    ],
    breadcrumbs: trail,
    main: [main],
  });
}

/** Stable URL of one version of a document: `<urlPath>v<n>/`. */
export function versionPath(urlPath: string, version: number): string {
  return `${urlPath}v${version}/`;
}

/** What an erratum (勘误) page shows: which article, which version, what was corrected. */
export interface ErratumPageData {
  id: string;
  /** 关于《…》的勘误 */
  title: string;
  /** Publication date of the erratum, YYYY-MM-DD. */
  date: string;
  /** The issue whose contents list the erratum, e.g. 2010年第6期（总第54期）. */
  issueLabel: string;
  corrected: { title: string; urlPath: string; version: number; versionUrl: string };
  changeNote: string;
  urlPath: string;
}

/** The page of an erratum, linking the corrected article and the version it corrects. */
export function erratumPage(ctx: RenderContext, erratum: ErratumPageData): HastRoot {
  const { corrected } = erratum;
  const main = (
    <article class="document document-erratum">
      <header class="document-header">
        <h1>{erratum.title}</h1>
      </header>
      <section class="disclosure" aria-label="信息公开要素">
        {fieldList('disclosure-fields', [
          { term: '发布日期', value: dateTime(erratum.date) },
          { term: '刊登期号', value: erratum.issueLabel },
          { term: '更正文件', value: <a href={corrected.urlPath}>{corrected.title}</a> },
        ])}
      </section>
      <div class="document-body">
        <p>
          《{corrected.title}》更正如下：{erratum.changeNote}
        </p>
        <p>
          更正后的文件为<a href={corrected.versionUrl}>第{corrected.version}版</a>，现行版本见<a href={corrected.urlPath}>{corrected.title}</a>。
        </p>
      </div>
    </article>
  );
  return layout(ctx, {
    title: erratum.title,
    urlPath: erratum.urlPath,
    section: 'gazette',
    description: erratum.title,
    article: { title: erratum.title, pubDate: erratum.date, contentSource: ctx.site.publisher },
    breadcrumbs: [
      { label: '首页', href: '/' },
      { label: '政府公报', href: '/gazette/' },
    ],
    main: [main],
  });
}
