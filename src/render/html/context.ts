// What every page template receives. Passed in by the caller; nothing global or mutable.

import type { Lang, SiteConfig } from '../../content/model.ts';
import type { LinkResolver } from '../prepareMdast.ts';

/** A `<link rel="alternate">`: a feed (filled in by the feeds work) or a translation. */
export interface AlternateLink {
  href: string;
  title: string;
  /** Media type, e.g. application/rss+xml; omitted for translations of a page. */
  type?: string;
  hreflang?: Lang;
}

export interface RenderContext {
  site: SiteConfig;
  /** URL paths of the hashed static files (see `siteAssets`). */
  /** `scripts` by name: `templates/scripts/<name>.js` → its hashed URL path (load with `defer`). */
  assets: { stylesheet: string; scripts?: Record<string, string> };
  /** Site-wide feed links put in every page's head. */
  feeds?: AlternateLink[];
}

export interface Translation {
  lang: Lang;
  title: string;
  urlPath: string;
}

export type { LinkResolver };
