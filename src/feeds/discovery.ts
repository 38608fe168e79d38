// Feed discovery: the `<link rel="alternate">` elements an HTML page carries, so readers and
// partner crawlers find the feeds from any page.

import type { Lang, SiteConfig } from '../content/model.ts';
import { feedHeadKey } from '../content/keys.ts';
import { type FeedFormat, feedFormats } from './model.ts';

export interface AlternateLink {
  rel: 'alternate';
  type: string;
  href: string;
  title: string;
}

/** What a page is about: listing pages give `section`; document pages give all four. */
export interface PageFeedContext {
  section?: 'gazette' | 'press';
  /** Department name (发布机构). */
  department?: string;
  /** Topic name (主题分类). */
  topic?: string;
  lang?: Lang;
}

const linkTypes: Record<FeedFormat, string> = { rss: 'application/rss+xml', atom: 'application/atom+xml', json: 'application/feed+json' };
const formatLabels: Record<FeedFormat, string> = { rss: 'RSS', atom: 'Atom', json: 'JSON Feed' };

/** Links for the site-wide feed, then the page's section, department, topic and language feeds. */
export function alternateFeedLinks(site: SiteConfig, context: PageFeedContext = {}): AlternateLink[] {
  const feeds: { name: string; title: string }[] = [{ name: 'all', title: site.name }];
  if (context.section === 'gazette') feeds.push({ name: 'gazette', title: site.gazetteTitle });
  if (context.section === 'press') feeds.push({ name: 'press', title: `${site.name}新闻发布` });
  const department = site.departments.find((entry) => entry.name === context.department);
  if (department !== undefined) feeds.push({ name: `departments/${department.id}`, title: department.name });
  const topic = site.topics.find((entry) => entry.name === context.topic);
  if (topic !== undefined) feeds.push({ name: `topics/${topic.id}`, title: `主题分类：${topic.name}` });
  if (context.lang !== undefined && context.lang !== site.lang) {
    feeds.push({ name: `lang/${context.lang.toLowerCase()}`, title: context.lang === 'en' ? (site.nameEn ?? site.name) : site.name });
  }
  return feeds.flatMap(({ name, title }) => feedLinks(site, name, title));
}

/** The three formats of one feed (`feeds/<name>/…`) as links, titled `<title>（RSS）` etc. */
export function feedLinks(site: SiteConfig, name: string, title: string): AlternateLink[] {
  return feedFormats.map((format) => ({
    rel: 'alternate' as const,
    type: linkTypes[format],
    href: new URL(feedHeadKey(name, format), site.baseUrl).href,
    title: `${title}（${formatLabels[format]}）`,
  }));
}
