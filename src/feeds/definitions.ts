// The table of subscription feeds: one row per feed, as data. Everything, the gazette, press,
// each department, each topic, each language, each special column and each partner's profile.

import type { Column, Lang, SiteConfig } from '../content/model.ts';
import { DEFAULT_TAG_DATE, DEFAULT_UTC_OFFSET } from '../content/siteSettings.ts';
import { type DocumentFacts, type Partner, partnerTakes } from '../delivery/partner.ts';
import { type ColumnFacts, columnTakes } from '../discovery/columns.ts';
import { feedFormats, type FeedFormat, type FormatUrls } from './model.ts';

export interface FeedDefinition {
  /** Path of the feed's folder under `feeds/`, e.g. `departments/szf`. */
  name: string;
  title: string;
  description: string;
  lang: Lang;
  /** The HTML page the feed mirrors (site path). */
  homePath: string;
  /** Whether the subscription document carries the body HTML. */
  fullText: boolean;
  /**
   * Whether the RFC 5005 archive documents carry the body HTML. The canonical `all` feed and the
   * partner feeds (as their profile says) do; the facet feeds' archives are summary-only by default,
   * since the `all` archive holds the full text of every entry under the same entry id.
   */
  archiveFullText: boolean;
  hubUrl?: string;
  /** What `takes` selects, as text: when it changes, the feed's archive is a different history and is rewritten. */
  selects: string;
  takes(doc: FeedFacts): boolean;
}

/** What a feed filters on: a document record or a feed log item. */
export type FeedFacts = DocumentFacts & ColumnFacts;

/** What the feeds need of a special column (专栏); the feeds function gets it from the site config. */
export type FeedColumn = Pick<Column, 'id' | 'title' | 'summary' | 'rule' | 'urlPath'>;

/** Feed name of a column: `columns/<id>`, served at `feeds/columns/<id>/`. */
export function columnFeedName(columnId: string): string {
  return `columns/${columnId}`;
}

export interface FeedSettings {
  /** Newest entries in a subscription feed (default 50). */
  headSize: number;
  /** Entries per RFC 5005 archive document; fixed for the life of the site (default 50). */
  archivePageSize: number;
  /** Offset of the site's calendar dates (site.yaml `utcOffset`). */
  utcOffset: string;
  /** Date part of the tag URIs of entry and feed ids; never change it (site.yaml `feeds.tagDate`). */
  tagDate: string;
  /** Hub named by the site-wide feeds, when there is one. */
  hubUrl?: string;
  /**
   * Full text in the archive documents: `canonical` (default) only in the `all` feed's archives and
   * in those of partners that take full text, the facet feeds' archives (gazette, press, departments,
   * topics, languages, columns) summary-only; `every` in every archive of a full-text feed.
   * Changing it rewrites the facet feeds' archives once.
   */
  archiveFullText: 'canonical' | 'every';
}

export const defaultFeedSettings: FeedSettings = {
  headSize: 50,
  archivePageSize: 50,
  utcOffset: DEFAULT_UTC_OFFSET,
  tagDate: DEFAULT_TAG_DATE,
  archiveFullText: 'canonical',
};

export function formatUrls(baseUrl: string, key: (format: FeedFormat) => string): FormatUrls {
  const entries = feedFormats.map((format) => [format, new URL(key(format), baseUrl).href] as const);
  return Object.fromEntries(entries) as FormatUrls;
}

export function tagPrefix(site: SiteConfig, settings: FeedSettings): string {
  return `tag:${new URL(site.baseUrl).hostname},${settings.tagDate}:`;
}

/** Every subscription feed of the site, in a fixed order. */
export function feedDefinitions(site: SiteConfig, partners: readonly Partner[], settings: FeedSettings, columns: readonly FeedColumn[] = []): FeedDefinition[] {
  const hub = settings.hubUrl === undefined ? {} : { hubUrl: settings.hubUrl };
  const facetArchiveFullText = settings.archiveFullText === 'every';
  const base = { lang: site.lang, fullText: true, archiveFullText: facetArchiveFullText, ...hub };
  const feeds: FeedDefinition[] = [
    {
      ...base,
      archiveFullText: true,
      name: 'all',
      title: `${site.name}`,
      description: `${site.name}发布的全部信息`,
      homePath: '/',
      selects: 'all',
      takes: () => true,
    },
    {
      ...base,
      name: 'gazette',
      title: site.gazetteTitle,
      description: `${site.gazetteTitle}刊登的文件`,
      homePath: '/gazette/',
      selects: 'kind=article',
      takes: (doc) => doc.kind === 'article',
    },
    {
      ...base,
      name: 'press',
      title: `${site.name}新闻发布`,
      description: '新闻发布稿和新闻发布会',
      homePath: '/press/',
      selects: 'kind!=article',
      takes: (doc) => doc.kind !== 'article',
    },
  ];
  for (const department of site.departments) {
    feeds.push({
      ...base,
      name: `departments/${department.id}`,
      title: `${department.name}`,
      description: `${department.name}发布的信息`,
      homePath: '/',
      selects: `department=${department.name}`,
      takes: (doc) => doc.department === department.name,
    });
  }
  for (const topic of site.topics) {
    feeds.push({
      ...base,
      name: `topics/${topic.id}`,
      title: `${site.name} · ${topic.name}`,
      description: `主题分类“${topic.name}”下的信息`,
      homePath: '/',
      selects: `topic=${topic.name}`,
      takes: (doc) => doc.category === topic.name,
    });
  }
  const languages: { lang: Lang; title: string; description: string }[] = [
    { lang: 'zh-CN', title: `${site.name}（中文）`, description: '中文信息' },
    { lang: 'en', title: site.nameEn ?? `${site.name} (English)`, description: 'Information published in English' },
  ];
  for (const { lang, title, description } of languages) {
    feeds.push({
      ...base,
      lang,
      name: `lang/${lang.toLowerCase()}`,
      title,
      description,
      homePath: '/',
      selects: `lang=${lang}`,
      takes: (doc) => doc.lang === lang,
    });
  }
  for (const column of columns) {
    const { rule } = column;
    feeds.push({
      ...base,
      name: columnFeedName(column.id),
      title: `${site.name} · 专栏：${column.title}`,
      description: column.summary ?? `专栏“${column.title}”收录的信息`,
      homePath: column.urlPath,
      // The rule in a fixed key order: a changed rule is a different history, an unchanged one is not.
      selects: `column=${JSON.stringify([rule.topics, rule.departments, rule.tags, rule.kinds, rule.documents, rule.from ?? null, rule.to ?? null])}`,
      takes: (doc) => columnTakes(rule, doc),
    });
  }
  for (const partner of partners) {
    feeds.push({
      name: `partners/${partner.id}`,
      title: `${site.name} → ${partner.name}`,
      description: `为${partner.name}提供的信息`,
      lang: site.lang,
      homePath: '/',
      fullText: partner.takes.fullText,
      archiveFullText: partner.takes.fullText,
      ...(partner.websubHub === undefined ? {} : { hubUrl: partner.websubHub }),
      selects: JSON.stringify(partner.takes),
      takes: (doc) => partnerTakes(partner.takes, doc),
    });
  }
  // Summary-only archives are other bytes for the same history: say so in `selects`, so a site that
  // switches between the two gets those archives rewritten. Full-text archives keep the plain text.
  return feeds.map((def) => (def.fullText && !def.archiveFullText ? { ...def, selects: `${def.selects};archive=summary` } : def));
}
