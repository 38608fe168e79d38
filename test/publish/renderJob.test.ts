// A document job's page embeds the body HTML it serialized for the feed entry (articles and
// releases) instead of serializing the body's tree again: the bytes must be those of the page
// rendered from the tree, for every kind of document and body the example content and the bench
// corpus hold; and a page never embeds raw HTML the renderer did not make.

import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { toHtml } from 'hast-util-to-html';
import { h } from 'hastscript';
import { describe, expect, it } from 'vitest';
import { generateCorpus } from '../../bench/corpus.ts';
import { resolveContentLink } from '../../src/content/links.ts';
import { loadContent } from '../../src/content/load.ts';
import type { ContentSet } from '../../src/content/model.ts';
import { alternateFeedLinks } from '../../src/feeds/discovery.ts';
import { feedContext, renderDocumentJob } from '../../src/publish/renderJob.ts';
import { createRenderContext, renderDocumentPage } from '../../src/render/html/index.ts';
import { pageHtml } from '../../src/render/html/page.ts';
import { markdownToHast } from '../../src/render/markdown.ts';

async function loaded(root: string): Promise<ContentSet> {
  const result = await loadContent(root);
  if (result.content === undefined) throw new Error(`${root} did not load: ${JSON.stringify(result.messages.slice(0, 3))}`);
  return result.content;
}

async function benchCorpus(): Promise<string> {
  const root = await mkdtemp(join(tmpdir(), 'gazette-corpus-'));
  for (const [file, text] of generateCorpus(80).files) {
    await mkdir(dirname(join(root, file)), { recursive: true });
    await writeFile(join(root, file), text);
  }
  return root;
}

describe('renderDocumentJob', () => {
  it('gives the bytes of the page rendered from the body tree, and the body HTML of that tree', async () => {
    let compared = 0;
    for (const content of [await loaded('content'), await loaded(await benchCorpus())]) {
      const ctx = createRenderContext(content.site);
      const resolve = (from: string, href: string) => resolveContentLink(content, from, href);
      for (const doc of content.documents) {
        const versions = [{ version: 1, date: doc.date, urlPath: `${doc.urlPath}v1/` }];
        const job = { doc, indexNumber: '003210003/2010-00007', translations: [], version: 1, versions, supersedes: [] };
        const rendered = await renderDocumentJob({ ctx, root: content.root, pdf: false, resolve }, job);
        const resolveLink = (href: string) => resolve(doc.file, href);
        const fromTree = renderDocumentPage({ ...ctx, feeds: alternateFeedLinks(ctx.site, feedContext(doc)) }, doc, {
          renderBody: (markdown, links) => markdownToHast(markdown, { resolveLink: links, lang: doc.lang }),
          indexNumber: job.indexNumber,
          translations: [],
          resolveLink,
          version: 1,
          versions,
          supersedes: [],
        });
        expect(rendered.artifacts.map((artifact) => artifact.key)).toEqual([fromTree.key]);
        expect(Buffer.from(rendered.artifacts[0]?.body ?? []).toString('utf8'), doc.file).toBe(Buffer.from(fromTree.body).toString('utf8'));
        if (doc.kind !== 'conference' && doc.status !== 'withdrawn') {
          expect(rendered.bodyHtml).toBe(toHtml(markdownToHast(doc.body, { resolveLink, lang: doc.lang })));
        }
        compared++;
      }
    }
    expect(compared).toBeGreaterThan(100);
  });

  it('refuses to write a document page holding raw HTML it did not serialize itself; other pages write raw nodes as text', () => {
    const tree = { type: 'root' as const, children: [h('div', [{ type: 'raw' as const, value: '<script>alert(1)</script>' }])] };
    expect(() => pageHtml(tree, { embeds: true })).toThrow(/raw HTML that the renderer did not serialize itself/);
    expect(pageHtml(tree)).toBe('<div>&#x3C;script>alert(1)&#x3C;/script></div>\n');
  });
});
