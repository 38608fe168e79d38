// The render fingerprint's code parts: a change to any code a page is made with (the Markdown
// parser in src/content, a package the render code runs, however deep) renders the site again; a
// change elsewhere does not. And a Lambda bundle, which has no sources, carries the same parts.

import { mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../../infra/functions.ts';
import { collectRenderCodeParts, importedSpecifiers, RENDER_CODE_FILE, type RenderCodeParts, renderCodeParts } from '../../src/publish/renderCode.ts';
import { bundled } from '../functions/harness.ts';

const names = (parts: string[]) => parts.map((part) => part.split('\0')[0] as string);

async function tree(files: Record<string, string>): Promise<string> {
  const root = await mkdtemp(join(tmpdir(), 'gazette-render-code-'));
  for (const [name, text] of Object.entries(files)) {
    await mkdir(dirname(join(root, name)), { recursive: true });
    await writeFile(join(root, name), text);
  }
  return root;
}

const lock = (versions: Record<string, string>) =>
  JSON.stringify({
    lockfileVersion: 3,
    packages: {
      '': { name: 'site' },
      'node_modules/remark-gfm': { version: versions['remark-gfm'] ?? '4.0.1', dependencies: { 'micromark-extension-gfm': '^3.0.0' } },
      'node_modules/remark-gfm/node_modules/micromark-extension-gfm': { version: versions['nested'] ?? '3.0.0' },
      'node_modules/micromark-extension-gfm': { version: versions['top'] ?? '2.0.0' },
      'node_modules/hastscript': { version: '9.0.1' },
      'node_modules/@aws-sdk/client-s3': { version: versions['aws'] ?? '3.1175.0' },
    },
  });

const site = (changes: Record<string, string> = {}) =>
  tree({
    'templates/document.tsx':
      "import { h } from 'hastscript';\nimport { bodyOf } from '../src/render/markdown.ts';\nexport const page = () => h('main', bodyOf());\n",
    'templates/site.css': 'body { font-family: "Noto Serif SC"; }\n',
    'templates/fonts/NotoSerifSC.otf': 'font bytes',
    'templates/scaffolds/article.md': '---\ntitle: 标题\n---\n',
    'src/render/markdown.ts':
      "import type { Root } from '../content/model.ts';\nimport {\n  parse,\n  type Options,\n} from '../content/markdown.ts';\nimport gfm from 'remark-gfm';\nexport const bodyOf = (): Root => parse(gfm);\n",
    'src/content/markdown.ts': '// parses every body\nexport const parse = (plugin: unknown) => plugin;\nexport type Options = object;\n',
    'src/content/model.ts': 'export interface Root { type: "root" }\n',
    'src/content/lazyBody.ts': "import { readFileSync } from 'node:fs';\nexport const body = (file: string) => readFileSync(file, 'utf8');\n",
    'src/discovery/sitemaps.ts': "export const sitemap = (urls: string[]) => urls.join('\\n');\n",
    'src/feeds/definitions.ts': "export const feeds = ['all'];\n",
    'src/feeds/entries.ts': 'export const fragment = (html: string) => ({ html });\n',
    'src/publish/rebuildFeeds.ts': "import { feeds } from '../feeds/definitions.ts';\nexport const rebuild = () => feeds;\n",
    'src/publish/renderJob.ts': "import { page } from '../../templates/document.tsx';\nexport const render = () => page();\n",
    'src/publish/siteRenderer.ts': "import { render } from './renderJob.ts';\nexport const renderer = { render };\n",
    'src/delivery/send.ts': "import { S3Client } from '@aws-sdk/client-s3';\nexport const client = new S3Client();\n",
    'docs/api/document.schema.json': '{ "title": "公文" }\n',
    'package-lock.json': lock({}),
    ...changes,
  });

describe('render code parts', () => {
  it("follow the render code into the modules and packages it imports, and no further; the pages' code is all but the derived outputs'", async () => {
    const parts = collectRenderCodeParts(await site());
    const pages = [
      'templates/fonts/NotoSerifSC.otf',
      'docs/api/document.schema.json',
      // How a cached document's body is read from its file.
      'src/content/lazyBody.ts',
      'src/content/markdown.ts',
      // The fragment of a document's feed entry, made with its page.
      'src/feeds/entries.ts',
      'src/publish/renderJob.ts',
      'src/publish/siteRenderer.ts',
      'src/render/markdown.ts',
      'templates/document.tsx',
      'templates/site.css',
      'node_modules/hastscript@9.0.1 ',
      'node_modules/remark-gfm@4.0.1 ',
      // remark-gfm's own copy, not the top-level one nothing here imports
      'node_modules/remark-gfm/node_modules/micromark-extension-gfm@3.0.0 ',
    ];
    expect(names(parts.pages)).toEqual(pages);
    expect(names(parts.all)).toEqual([...pages.slice(0, 4), 'src/discovery/sitemaps.ts', ...pages.slice(4)]);
    // The feeds' code has a version of its own: which feeds there are, and how they are written.
    expect(names(parts.feeds)).toEqual(['src/feeds/definitions.ts', 'src/feeds/entries.ts', 'src/publish/rebuildFeeds.ts']);
  });

  it('change with the parser, a template or a package deep in the render code, and not with other code or packages', async () => {
    const before = collectRenderCodeParts(await site());
    const changed = async (files: Record<string, string>) => collectRenderCodeParts(await site(files)).all.join('') !== before.all.join('');
    const pagesChanged = async (files: Record<string, string>) => collectRenderCodeParts(await site(files)).pages.join('') !== before.pages.join('');
    // A derived output's code: the derived outputs are made again, no document page.
    const sitemapCode = { 'src/discovery/sitemaps.ts': "export const sitemap = (urls: string[]) => urls.join('\\r\\n');\n" };
    expect(await changed(sitemapCode)).toBe(true);
    expect(await pagesChanged(sitemapCode)).toBe(false);
    expect(await pagesChanged({ 'templates/site.css': 'body { font-family: "Noto Sans SC"; }\n' })).toBe(true);
    const feedsChanged = async (files: Record<string, string>) => collectRenderCodeParts(await site(files)).feeds.join('') !== before.feeds.join('');
    // Which feeds there are: the feeds are written again, and no page.
    const feedCode = { 'src/feeds/definitions.ts': "export const feeds = ['all', 'press'];\n" };
    expect(await feedsChanged(feedCode)).toBe(true);
    expect(await pagesChanged(feedCode)).toBe(false);
    expect(await feedsChanged({ 'templates/site.css': 'body { font-family: "Noto Sans SC"; }\n' })).toBe(false);
    // The fragment each document's feed entry is written from is made with its page: both change.
    const fragmentCode = { 'src/feeds/entries.ts': 'export const fragment = (html: string) => ({ html: html.trim() });\n' };
    expect(await pagesChanged(fragmentCode)).toBe(true);
    expect(await feedsChanged(fragmentCode)).toBe(true);
    expect(
      await pagesChanged({
        'src/content/lazyBody.ts': "import { readFileSync } from 'node:fs';\nexport const body = (file: string) => readFileSync(file, 'utf8').trim();\n",
      }),
    ).toBe(true);
    expect(await changed({ 'src/content/markdown.ts': '// parses every body, now with 全角 punctuation\nexport const parse = (p: unknown) => p;\n' })).toBe(
      true,
    );
    expect(await changed({ 'templates/site.css': 'body { font-family: "Noto Sans SC"; }\n' })).toBe(true);
    expect(await changed({ 'package-lock.json': lock({ nested: '3.0.1' }) })).toBe(true);
    expect(await changed({ 'docs/api/document.schema.json': '{ "title": "政府公文" }\n' })).toBe(true);
    // Type-only imports leave no code behind; delivery code and the AWS SDK make no page.
    expect(await changed({ 'src/content/model.ts': 'export interface Root { type: "root"; children: [] }\n' })).toBe(false);
    expect(await changed({ 'src/delivery/send.ts': 'export const client = undefined;\n' })).toBe(false);
    expect(await changed({ 'package-lock.json': lock({ top: '2.1.0', aws: '3.1200.0' }) })).toBe(false);
    expect(await changed({ 'templates/scaffolds/article.md': '---\ntitle: 新标题\n---\n' })).toBe(false);
  });

  it('read the import forms the sources use', () => {
    const source = [
      "import { a, type B } from './a.ts';",
      "import type { C } from './c.ts';",
      "export { d } from './d.ts';",
      "export type { E } from './e.ts';",
      "export * from './f.ts';",
      "import './g.ts';",
      'import {\n  h,\n  i,\n} from "./h.ts";',
      "const j = await import('./j.ts');",
      "const pool = createWorkerPool(new URL('./renderWorker.ts', import.meta.url), 2);",
      "const css = new URL('../../templates/site.css', import.meta.url);",
      "export const k = 'from ./not-a-module.ts';",
      'export type L = {\n  m: string\n}',
      "import { n } from './n.ts';",
    ].join('\n');
    expect(importedSpecifiers(source)).toEqual(['./a.ts', './d.ts', './f.ts', './g.ts', './h.ts', './n.ts', './j.ts', './renderWorker.ts']);
  });

  it('of this repository include the Markdown parser in src/content and the micromark packages', async () => {
    const collected = collectRenderCodeParts(repoRoot);
    const parts = names(collected.all);
    expect(names(collected.pages)).toContain('src/content/markdown.ts');
    expect(names(collected.pages)).toContain('templates/document.tsx');
    expect(names(collected.pages)).not.toContain('src/discovery/sitemaps.ts');
    expect(names(collected.pages)).not.toContain('src/feeds/definitions.ts');
    expect(names(collected.pages)).toContain('src/feeds/entries.ts');
    expect(names(collected.feeds)).toEqual(expect.arrayContaining(['src/feeds/definitions.ts', 'src/feeds/rss.ts', 'src/publish/rebuildFeeds.ts']));
    expect(names(collected.feeds).filter((part) => part.startsWith('templates/'))).toEqual([]);
    // Which columns a document is in is worked out in planning, and is in its render digest.
    expect(names(collected.pages)).not.toContain('src/discovery/columns.ts');
    // How a cached document's body is read from its file: the body its page shows.
    expect(names(collected.pages)).toContain('src/content/lazyBody.ts');
    // What decides which pages are rendered again makes no byte of one.
    expect(parts).not.toContain('src/publish/renderCode.ts');
    expect(parts).toContain('src/discovery/sitemaps.ts');
    expect(parts).toContain('src/content/markdown.ts');
    expect(parts).toContain('src/content/links.ts');
    expect(parts).toContain('templates/document.tsx');
    expect(parts.some((part) => part.startsWith('node_modules/micromark@'))).toBe(true);
    expect(parts.some((part) => part.startsWith('node_modules/remark-gfm@'))).toBe(true);
    // The CLI, sending and storage code, the AWS SDK, and how threads load the sources (tsx, esbuild) make no page.
    const notRender =
      /^(?:src\/cli\/|src\/delivery\/(?!partner\.ts)|src\/store\/(?!ports\.ts)|bin\/|src\/publish\/tsWorker\.mjs|node_modules\/(?:@aws-sdk|tsx|esbuild|@esbuild)\b)/;
    expect(parts.filter((part) => notRender.test(part))).toEqual([]);
  });

  it('stop at an import they cannot follow, rather than leave it uncounted', async () => {
    const root = await site({ 'src/render/markdown.ts': "import { parse } from '../content/markdown';\nexport const bodyOf = () => parse;\n" });
    expect(() => collectRenderCodeParts(root)).toThrow(/src\/content\/markdown is not a file\. Import modules by their file name with its extension/);
  });

  it('travel in the bundle of a function that renders, as computed from the sources', async () => {
    const dir = dirname(await bundled('render'));
    const carried = JSON.parse(await readFile(join(dir, RENDER_CODE_FILE), 'utf8')) as RenderCodeParts;
    expect(carried).toEqual(collectRenderCodeParts(repoRoot));
    expect(await renderCodeParts(dir)).toEqual(carried);
  });
});
