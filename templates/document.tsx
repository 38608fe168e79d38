// The page of one document: an article of the gazette, a press release or a press conference.

import type { Root as HastRoot } from 'hast';
import type { ArticleDocument, GazetteDocument, GazetteIssue } from '../src/content/model.ts';
import type { LinkResolver, RenderContext, Translation } from '../src/render/html/context.ts';
import { conferenceSections } from './conference.tsx';
import { chineseDate, issueLabel, issuePath, pubDate } from './format.ts';
import type { Result } from './hast.ts';
import { layout, type Crumb } from './layout.tsx';
import { attachmentList, dateTime, fieldList, type Field } from './parts.tsx';

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
  /** Sizes in bytes of attachments, by their content-relative `file`. */
  attachmentSizes?: Record<string, number>;
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
    { term: '有效性', value: doc.validity },
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
        ];
  return (
    <section class="disclosure" aria-label="信息公开要素">
      {fieldList('disclosure-fields', fields)}
    </section>
  );
}

function pdfLink(pdfUrl: string | undefined): Result | undefined {
  if (pdfUrl === undefined) return undefined;
  return (
    <p class="pdf-link">
      <a href={pdfUrl} type="application/pdf">
        PDF 版
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

/** The page of one document, as a hast root. */
export function documentPage(ctx: RenderContext, doc: GazetteDocument, options: DocumentPageOptions): HastRoot {
  // The chrome speaks the site's language; a document in another language says so itself.
  const lang = doc.lang === ctx.site.lang ? undefined : doc.lang;
  const body = options.renderBody(doc.body, options.resolveLink);
  const main = (
    <article class={`document document-${doc.kind}`}>
      <header class="document-header">
        <h1 lang={lang}>{doc.title}</h1>
        {doc.kind === 'article' && doc.docNumber !== undefined ? <p class="doc-number">{doc.docNumber}</p> : undefined}
        {doc.kind === 'article' ? undefined : <p class="document-date">{chineseDate(doc.date)}</p>}
      </header>
      {disclosure(doc, options)}
      {pdfLink(options.pdfUrl)}
      {doc.kind === 'conference' ? (
        conferenceSections(doc, body, { ...options, lang })
      ) : (
        <div class="document-body" lang={lang}>
          {body}
        </div>
      )}
      {attachmentList(doc.attachments, options.attachmentSizes)}
      {translationLinks(options.translations)}
    </article>
  );
  return layout(ctx, {
    title: doc.title,
    urlPath: doc.urlPath,
    section: doc.kind === 'article' ? 'gazette' : 'press',
    description: doc.summary ?? doc.title,
    article: {
      title: doc.title,
      pubDate: pubDate(doc.date, doc.kind === 'conference' ? doc.time : undefined, doc.publishAt),
      contentSource: doc.department.name,
    },
    alternates: (options.translations ?? []).map((t) => ({ href: t.urlPath, hreflang: t.lang, title: t.title })),
    breadcrumbs: breadcrumbs(doc),
    main: [main],
  });
}
