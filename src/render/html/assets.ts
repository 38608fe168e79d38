// Static files every page uses, published under content-hashed names so they can be cached
// for a year: a changed stylesheet gets a new name, and the pages that link it are re-rendered.

import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import type { SiteConfig } from '../../content/model.ts';
import { artifact, type Artifact } from '../../outputs.ts';
import type { AlternateLink, RenderContext } from './context.ts';

const stylesheetSource = new URL('../../../templates/site.css', import.meta.url);
/** Progressive enhancements, one file each: `templates/scripts/<name>.js`. Pages work without them. */
const scriptsFolder = new URL('../../../templates/scripts/', import.meta.url);

interface HashedFile {
  key: string;
  bytes: Buffer;
}

let stylesheet: HashedFile | undefined;
let scripts: Map<string, HashedFile> | undefined;

function hashed(bytes: Buffer, stem: string, extension: string): HashedFile {
  const hash = createHash('sha256').update(bytes).digest('hex').slice(0, 8);
  return { key: `assets/${stem}.${hash}.${extension}`, bytes };
}

function loadStylesheet(): HashedFile {
  stylesheet ??= hashed(readFileSync(stylesheetSource), 'site', 'css');
  return stylesheet;
}

function loadScripts(): Map<string, HashedFile> {
  if (scripts === undefined) {
    let names: string[] = [];
    try {
      names = readdirSync(scriptsFolder)
        .filter((name) => name.endsWith('.js'))
        .sort();
    } catch {
      names = [];
    }
    scripts = new Map(names.map((name) => [name.slice(0, -3), hashed(readFileSync(new URL(name, scriptsFolder)), name.slice(0, -3), 'js')]));
  }
  return scripts;
}

/** The stylesheet, the scripts and any other static file, as artifacts to publish. */
export function siteAssets(): Artifact[] {
  const { key, bytes } = loadStylesheet();
  return [artifact('asset', key, bytes), ...[...loadScripts().values()].map((script) => artifact('script', script.key, script.bytes))];
}

/** The context every render function takes, pointing at the hashed assets. */
export function createRenderContext(site: SiteConfig, feeds: AlternateLink[] = []): RenderContext {
  const scriptPaths = Object.fromEntries([...loadScripts()].map(([name, file]) => [name, `/${file.key}`]));
  return { site, assets: { stylesheet: `/${loadStylesheet().key}`, scripts: scriptPaths }, feeds };
}
