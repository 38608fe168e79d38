// What the render fingerprints know of the code: every file that shapes a page, a PDF or a derived
// output, and the version of every package those files run. A change to any of them renders
// again what it shapes; a change elsewhere (delivery, storage, the CLI) does not. There are three
// sets: the code of the document and issue pages (templates and render code), all the render code
// (the derived outputs: listings, catalogue, statistics, columns, API, search and sitemaps,
// besides), and the feeds' code, which has a version of its own in the feeds' state. A change to
// a sitemap's code rewrites the derived outputs, and one to a feed's serializer the feeds, not
// 10,000 document pages.
//
// The files are found the way the bundler finds them: from the render code's roots, each relative
// import is followed to its file (so `src/content/markdown.ts`, which parses every body, counts
// because `src/render` imports it), and each package import to the package's locked version and
// those of its dependencies, as `package-lock.json` records them. Type-only imports do not count:
// they leave no code behind. The API's published schemas count by their bytes, fonts by name and
// size.
//
// A Lambda bundle carries no sources to read: the bundler writes the parts into the bundle
// (`RENDER_CODE_FILE`) from the same function, and `renderCodeParts` reads them from there.

import { readdirSync, readFileSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { builtinModules } from 'node:module';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { sha256 } from './digest.ts';

/**
 * Where the code of the pages starts (the templates are TSX, with the stylesheet and scripts beside
 * them); everything they import counts too. And how a cached document's body is read from its
 * file (lazyBody.ts): the body a page shows; and the fragment of the document's feed entry,
 * made with its page (src/feeds/entries.ts): the feeds are written from the fragments.
 */
const pageRoots = ['templates', 'src/render', 'src/publish/renderJob.ts', 'src/publish/siteRenderer.ts', 'src/content/lazyBody.ts', 'src/feeds/entries.ts'];
/** Where all the render code starts: the pages' and the derived outputs'. */
const codeRoots = [...pageRoots, 'src/discovery'];
/**
 * Where the feeds' code starts: which feeds there are, their titles and which documents each
 * takes (column and partner rules), the serializers, and how the feed documents are paged and
 * written. It has a version of its own, kept in the feeds' state (rebuildFeeds.ts): new feed
 * code rewrites the feeds, and no page.
 */
const feedRoots = ['src/feeds', 'src/publish/rebuildFeeds.ts'];
/**
 * Not the render code: what the templates folder holds besides code (fonts, counted by name and
 * size; the scaffolds of `gazette new`), how threads load the sources (the worker bootstrap and
 * the bundler behind it), which runs the code but makes no byte of a page, and this file, which
 * decides what is rendered again but makes no byte either (a change to its roots changes the
 * parts it finds).
 */
const notCode = ['templates/fonts/', 'templates/scaffolds/', 'src/publish/tsWorker.mjs', 'src/publish/renderCode.ts', 'bin/'];
/** Files the render code reads as data. */
const dataRoots = ['templates/fonts', 'docs/api'];
/** The parts, as a Lambda bundle carries them (relative to the bundle's root). */
export const RENDER_CODE_FILE = 'render-code.json';

/** The parts of the render code, one string each (a file or a package). */
export interface RenderCodeParts {
  /** All the render code: what the derived outputs are made with (the build state's fingerprint). */
  all: string[];
  /** The code of document and issue pages, their PDFs and bodies: a part of `all`. */
  pages: string[];
  /** The code of the feeds (feedsCodeVersion). */
  feeds: string[];
}

/** The render code's parts under `root`: read from `RENDER_CODE_FILE` when the bundler left one. */
export async function renderCodeParts(root: string): Promise<RenderCodeParts> {
  let text: string;
  try {
    text = await readFile(join(root, RENDER_CODE_FILE), 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return collectRenderCodeParts(root);
    throw error;
  }
  const parts = JSON.parse(text) as Partial<Record<keyof RenderCodeParts, unknown>> | null;
  const strings = (list: unknown): list is string[] => Array.isArray(list) && list.every((part) => typeof part === 'string');
  if (parts !== null && strings(parts.all) && strings(parts.pages) && strings(parts.feeds)) return { all: parts.all, pages: parts.pages, feeds: parts.feeds };
  throw new Error(`${RENDER_CODE_FILE} does not hold the lists \`all\`, \`pages\` and \`feeds\` of the code's parts: bundle the function again.`);
}

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
let processPartsOnce: Promise<RenderCodeParts> | undefined;

/**
 * The parts of the code this process runs, read once per process (its modules are loaded once
 * too, so a change to them takes effect, and counts, from the next process on). As
 * scripts/compare-builds.sh pins them (GAZETTE_CODE_FINGERPRINT), to hold two versions of the
 * code to the same bytes apart from it (the digests published in the API and deposits include
 * it), unless `real`.
 */
export function processCodeParts({ real = false }: { real?: boolean } = {}): Promise<RenderCodeParts> {
  const pin = process.env['GAZETTE_CODE_FINGERPRINT'];
  if (!real && pin !== undefined && pin !== '') return Promise.resolve({ all: [pin], pages: [pin], feeds: [pin] });
  processPartsOnce ??= renderCodeParts(repoRoot);
  return processPartsOnce;
}

/** The version of the feeds' code this process runs, for the feeds' state (rebuildFeeds.ts). */
export async function feedsCodeVersion(): Promise<string> {
  return sha256((await processCodeParts()).feeds.join(''));
}

/**
 * The parts from the sources under `root`: data files, then code files, then packages, each sorted.
 * Read synchronously: a few hundred small files, once per process, read faster so than through
 * the thread pool one by one.
 */
export function collectRenderCodeParts(root: string): RenderCodeParts {
  const data: string[] = [];
  for (const source of dataRoots) {
    for (const file of filesUnder(join(root, source))) {
      const name = relative(root, file).split('\\').join('/');
      if (name.startsWith('templates/fonts/')) data.push(`${name}\0${statSync(file).size}\0`);
      else data.push(`${name}\0${sha256(readFileSync(file))}\0`);
    }
  }
  const lock = JSON.parse(readFileSync(join(root, 'package-lock.json'), 'utf8')) as PackageLock;
  // Each file is hashed once: the pages' closure is part of the whole one.
  const hashed = new Map<string, string>();
  const codeOf = ({ files, packages }: Closure) => [
    ...[...files]
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([name, bytes]) => `${name}\0${hashed.get(name) ?? hashed.set(name, sha256(bytes)).get(name)}\0`),
    ...lockedClosure(lock, packages).map((entry) => `${entry}\0`),
  ];
  // The whole closure goes on from the pages' one: the files they reach are not read or walked again.
  const pages = importClosure(root, pageRoots);
  const all = importClosure(
    root,
    codeRoots.filter((source) => !pageRoots.includes(source)),
    pages,
  );
  const feeds = importClosure(root, feedRoots);
  // No data file (a font, a schema) makes a feed byte.
  return { all: [...data, ...codeOf(all)], pages: [...data, ...codeOf(pages)], feeds: codeOf(feeds) };
}

/** Files reachable by imports (name → bytes) and the packages they import. */
interface Closure {
  files: ReadonlyMap<string, Buffer>;
  packages: ReadonlySet<string>;
}

/**
 * The files reachable from `roots` by imports that leave code behind, and the packages they
 * import; with `from`, those of `from`'s roots too (its files are not walked again).
 */
function importClosure(root: string, roots: readonly string[], from?: Closure): Closure {
  const files = new Map<string, Buffer>(from?.files);
  const packages = new Set<string>(from?.packages);
  const queue: string[] = [];
  for (const source of roots) queue.push(...filesUnder(join(root, source)));
  while (queue.length > 0) {
    const file = queue.pop() as string;
    const name = relative(root, file).split('\\').join('/');
    if (files.has(name) || name.startsWith('..') || notCode.some((folder) => name.startsWith(folder))) continue;
    let bytes: Buffer;
    try {
      bytes = readFileSync(file);
    } catch (error) {
      // A dependency the fingerprint cannot read would go uncounted: say so rather than guess.
      const code = (error as NodeJS.ErrnoException).code;
      if (code !== 'ENOENT' && code !== 'EISDIR') throw error;
      throw new Error(
        `The render fingerprint follows the render code's imports, and ${name} is not a file. Import modules by their file name with its extension (\`./links.ts\`), as the sources do.`,
      );
    }
    files.set(name, bytes);
    if (!/\.[cm]?[jt]sx?$/.test(file) || file.endsWith('.d.ts')) continue;
    for (const specifier of importedSpecifiers(bytes.toString('utf8'))) {
      if (specifier.startsWith('.')) queue.push(resolve(dirname(file), specifier));
      else if (!specifier.startsWith('node:') && !builtinModules.includes(specifier.split('/')[0] as string)) packages.add(packageName(specifier));
    }
  }
  return { files, packages };
}

/**
 * The modules a source imports for their code: static imports and re-exports (not `import type`
 * or `export type`), side-effect imports, dynamic imports, and worker entries (`new URL('./x.ts',
 * import.meta.url)`).
 */
export function importedSpecifiers(source: string): string[] {
  const found: string[] = [];
  // Between the keyword and `from`: no quote, no `;` and no other statement, so a type alias
  // without a semicolon cannot swallow the import after it.
  for (const match of source.matchAll(
    /(?:^|[\n;])\s*(?:import|export)\s+(type\s+)?(?:(?:(?!\n\s*(?:import|export)\b)[^'";])*?\sfrom\s*)?['"]([^'"\n]+)['"]/g,
  )) {
    if (match[1] === undefined) found.push(match[2] as string);
  }
  for (const match of source.matchAll(/\bimport\(\s*['"]([^'"\n]+)['"]\s*\)/g)) found.push(match[1] as string);
  for (const match of source.matchAll(/new URL\(\s*['"](\.[^'"\n]+\.[cm]?[jt]sx?)['"]\s*,\s*import\.meta\.url\s*\)/g)) found.push(match[1] as string);
  return found;
}

/** `hast-util-to-html` of `hast-util-to-html`, `@scope/name` of `@scope/name/sub`. */
function packageName(specifier: string): string {
  const parts = specifier.split('/');
  return (specifier.startsWith('@') ? parts.slice(0, 2) : parts.slice(0, 1)).join('/');
}

interface PackageLock {
  packages: Record<string, { version?: string; integrity?: string; dependencies?: Record<string, string>; optionalDependencies?: Record<string, string> }>;
}

/** `path@version integrity` of each named package as locked, and of everything it depends on (Node's resolution: nearest node_modules first). */
export function lockedClosure(lock: PackageLock, names: Iterable<string>): string[] {
  const seen = new Set<string>();
  const visit = (from: string, name: string) => {
    // From node_modules/a/node_modules/b, `d` is node_modules/a/node_modules/b/node_modules/d, then …/a/node_modules/d, then node_modules/d.
    let base = from;
    for (;;) {
      const path = `${base === '' ? '' : `${base}/`}node_modules/${name}`;
      if (lock.packages[path] !== undefined) {
        if (seen.has(path)) return;
        seen.add(path);
        const entry = lock.packages[path];
        for (const dependency of Object.keys({ ...entry.dependencies, ...entry.optionalDependencies })) visit(path, dependency);
        return;
      }
      if (base === '') return; // not installed (an optional dependency of another platform)
      const at = base.lastIndexOf('/node_modules/');
      base = at < 0 ? '' : base.slice(0, at);
    }
  };
  for (const name of names) visit('', name);
  return [...seen].sort().map((path) => `${path}@${lock.packages[path]?.version ?? ''} ${lock.packages[path]?.integrity ?? ''}`);
}

function filesUnder(path: string): string[] {
  if (!statSync(path).isDirectory()) return [path];
  const entries = readdirSync(path, { withFileTypes: true, recursive: true });
  return entries
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath, entry.name))
    .sort();
}
