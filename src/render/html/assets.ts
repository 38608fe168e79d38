// Static files every page uses, published under content-hashed names so they can be cached
// for a year: a changed stylesheet gets a new name, and the pages that link it are re-rendered.

import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { SiteConfig } from '../../content/model.ts';
import { artifact, type Artifact } from '../../outputs.ts';
import type { AlternateLink, RenderContext } from './context.ts';

const stylesheetSource = new URL('../../../templates/site.css', import.meta.url);

let stylesheet: { key: string; bytes: Buffer } | undefined;

function loadStylesheet(): { key: string; bytes: Buffer } {
  if (stylesheet === undefined) {
    const bytes = readFileSync(stylesheetSource);
    const hash = createHash('sha256').update(bytes).digest('hex').slice(0, 8);
    stylesheet = { key: `assets/site.${hash}.css`, bytes };
  }
  return stylesheet;
}

/** The stylesheet and any other static file, as artifacts to publish. */
export function siteAssets(): Artifact[] {
  const { key, bytes } = loadStylesheet();
  return [artifact('asset', key, bytes)];
}

/** The context every render function takes, pointing at the hashed assets. */
export function createRenderContext(site: SiteConfig, feeds: AlternateLink[] = []): RenderContext {
  return { site, assets: { stylesheet: `/${loadStylesheet().key}` }, feeds };
}
