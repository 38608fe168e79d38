// The frame of every page: head with the metadata Chinese government sites carry, a skip
// link, the site header and navigation, one <main>, and the footer.

import type { Root } from 'hast';
import type { Lang } from '../src/content/model.ts';
import type { AlternateLink, RenderContext } from '../src/render/html/context.ts';
import { asElement, type Result } from './hast.ts';
import { absoluteUrl, jsonLdText, type JsonLd } from './structuredData.ts';

export type SiteSection = 'home' | 'gazette' | 'press' | 'disclosure' | 'columns' | 'search';

const nav: { section: SiteSection; label: string; href: string }[] = [
  { section: 'home', label: '首页', href: '/' },
  { section: 'gazette', label: '政府公报', href: '/gazette/' },
  { section: 'press', label: '新闻发布', href: '/press/' },
  { section: 'disclosure', label: '信息公开', href: '/xxgk/' },
  { section: 'columns', label: '专栏', href: '/zhuanlan/' },
  { section: 'search', label: '搜索', href: '/search/' },
];

const columnNames: Record<SiteSection, string> = {
  home: '首页',
  gazette: '政府公报',
  press: '新闻发布',
  disclosure: '政府信息公开',
  columns: '专题专栏',
  search: '站内搜索',
};

export interface Crumb {
  label: string;
  href: string;
}

export interface PageFrame {
  /** Page title without the site name. */
  title: string;
  /** Site path of this page, e.g. /press/; used for the canonical link and aria-current. */
  urlPath: string;
  section?: SiteSection;
  description?: string;
  /** Present on a document's page only. */
  article?: { title: string; pubDate: string; contentSource: string };
  alternates?: AlternateLink[];
  /** Trail above the main content, not counting the page itself. */
  breadcrumbs?: Crumb[];
  main: (Result | undefined)[];
  /** False for pages served at many URLs (the not-found page). */
  canonical?: boolean;
  /** Names of the scripts (`templates/scripts/<name>.js`) this page enhances itself with. */
  scripts?: string[];
  /** Language of the page's content (default: the site's), for og:locale. */
  lang?: Lang;
  /** Open Graph `article` times (ISO 8601) of a document's page; other pages are `website`. */
  openGraph?: { publishedTime: string; modifiedTime: string };
  /** The page in every language, itself included: hreflang links, x-default the site's language. */
  languages?: { lang: Lang; urlPath: string }[];
  /** Further `<meta name>` tags, e.g. a document's disclosure metadata. */
  meta?: { name: string; content: string }[];
  /** schema.org objects, each in its own `<script type="application/ld+json">` (a data block: not run, not subject to script-src). */
  structuredData?: JsonLd[];
}

const ogLocales: Record<Lang, string> = { 'zh-CN': 'zh_CN', en: 'en_US' };

function property(name: string, content: string): Result {
  return <meta property={name} content={content} />;
}

/** Open Graph: title, type, URL, site name, locale (and the other languages), description, times. */
function openGraph(ctx: RenderContext, page: PageFrame, canonical: string): Result[] {
  const lang = page.lang ?? ctx.site.lang;
  const others = (page.languages ?? []).filter((other) => other.lang !== lang);
  return [
    property('og:title', page.title),
    property('og:type', page.openGraph === undefined ? 'website' : 'article'),
    ...(page.canonical === false ? [] : [property('og:url', canonical)]),
    property('og:site_name', ctx.site.name),
    property('og:locale', ogLocales[lang]),
    ...others.map((other) => property('og:locale:alternate', ogLocales[other.lang])),
    ...(page.description === undefined ? [] : [property('og:description', page.description)]),
    ...(page.openGraph === undefined
      ? []
      : [property('article:published_time', page.openGraph.publishedTime), property('article:modified_time', page.openGraph.modifiedTime)]),
  ];
}

/** hreflang links for every language of the page, and x-default for the one in the site's language. */
function languageLinks(ctx: RenderContext, languages: { lang: Lang; urlPath: string }[] | undefined): Result[] {
  if (languages === undefined || languages.length < 2) return [];
  const links = languages.map((entry) => <link rel="alternate" hrefLang={entry.lang} href={absoluteUrl(ctx.site.baseUrl, entry.urlPath)} />);
  const fallback = languages.find((entry) => entry.lang === ctx.site.lang);
  if (fallback !== undefined) links.push(<link rel="alternate" hrefLang="x-default" href={absoluteUrl(ctx.site.baseUrl, fallback.urlPath)} />);
  return links;
}

function meta(name: string, content: string): Result {
  return <meta name={name} content={content} />;
}

/** Alternates are read by crawlers and feed readers away from the page: give absolute URLs. */
function alternateLink(baseUrl: string, link: AlternateLink): Result {
  const href = new URL(link.href.replace(/^\//, ''), baseUrl).href;
  return <link rel="alternate" type={link.type} hrefLang={link.hreflang} title={link.title} href={href} />;
}

function siteNav(current: string, section: SiteSection | undefined): Result {
  return (
    <nav class="site-nav" aria-label="主导航">
      <ul>
        {nav.map((item) => (
          <li>
            <a href={item.href} aria-current={item.href === current ? 'page' : item.section === section ? 'true' : undefined}>
              {item.label}
            </a>
          </li>
        ))}
      </ul>
    </nav>
  );
}

function breadcrumbTrail(crumbs: Crumb[], here: string): Result {
  return (
    <nav class="breadcrumbs" aria-label="当前位置">
      <ol>
        {crumbs.map((crumb) => (
          <li>
            <a href={crumb.href}>{crumb.label}</a>
          </li>
        ))}
        <li aria-current="page">{here}</li>
      </ol>
    </nav>
  );
}

/** The whole page as a hast root, doctype included. */
export function layout(ctx: RenderContext, page: PageFrame): Root {
  const { site } = ctx;
  const canonical = new URL(page.urlPath.replace(/^\//, ''), site.baseUrl).href;
  const section = page.section;
  const head = (
    <head>
      <meta charset="utf-8" />
      <meta name="viewport" content="width=device-width, initial-scale=1" />
      <title>{page.urlPath === '/' ? site.name : `${page.title} - ${site.name}`}</title>
      {page.description === undefined ? undefined : meta('description', page.description)}
      {meta('SiteName', site.name)}
      {meta('SiteDomain', new URL(site.baseUrl).host)}
      {section === undefined ? undefined : meta('ColumnName', columnNames[section])}
      {page.article === undefined
        ? undefined
        : [meta('ArticleTitle', page.article.title), meta('PubDate', page.article.pubDate), meta('ContentSource', page.article.contentSource)]}
      {(page.meta ?? []).map((entry) => meta(entry.name, entry.content))}
      {openGraph(ctx, page, canonical)}
      {page.canonical === false ? undefined : <link rel="canonical" href={canonical} />}
      <link rel="stylesheet" href={ctx.assets.stylesheet} />
      {(page.scripts ?? []).map((name) => {
        const src = ctx.assets.scripts?.[name];
        if (src === undefined) throw new Error(`No script templates/scripts/${name}.js for page ${page.urlPath}.`);
        return <script src={src} defer />;
      })}
      {[...(ctx.feeds ?? []), ...(page.alternates ?? [])].map((link) => alternateLink(site.baseUrl, link))}
      {languageLinks(ctx, page.languages)}
      {(page.structuredData ?? []).map((data) => (
        <script type="application/ld+json">{jsonLdText(data)}</script>
      ))}
    </head>
  );
  const body = (
    <body>
      <a class="skip-link" href="#main">
        跳到主要内容
      </a>
      <header class="site-header">
        <div class="wrap">
          <a class="site-name" href="/">
            {site.name}
          </a>
          {siteNav(page.urlPath, section)}
        </div>
      </header>
      <main id="main" class="wrap" tabIndex={-1}>
        {page.breadcrumbs === undefined || page.breadcrumbs.length === 0 ? undefined : breadcrumbTrail(page.breadcrumbs, page.title)}
        {page.main}
      </main>
      <footer class="site-footer">
        <div class="wrap">
          <p>主办：{site.publisher}</p>
          <p>
            <a href="/gazette/">{site.gazetteTitle}</a>
            {' · '}
            <a href="/press/">新闻发布</a>
          </p>
        </div>
      </footer>
    </body>
  );
  return {
    type: 'root',
    children: [{ type: 'doctype' }, asElement(<html lang={site.lang}>{[head, body]}</html>)],
  };
}
