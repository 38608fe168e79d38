// Building the catalogue fixture against the embedded servers, for the catalogue and statistics
// tests: a real build, then a check that the bucket holds what a full render gives.

import type { Root } from 'hast';
import { fromHtml } from 'hast-util-from-html';
import { expect, vi } from 'vitest';
import type { ContentSet } from '../../src/content/model.ts';
import { catalogueOutputs } from '../../src/discovery/catalogue.ts';
import { type DerivedInput, derivedOutputs } from '../../src/discovery/outputs.ts';
import { statisticsOutputs } from '../../src/discovery/stats.ts';
import { buildSite, type BuildSummary } from '../../src/publish/build.ts';
import { sha256 } from '../../src/publish/digest.ts';
import { newestFirst } from '../../src/discovery/listings.ts';
import { createSiteRenderer } from '../../src/publish/siteRenderer.ts';
import { type ObjectStore, SITE_PREFIX } from '../../src/store/ports.ts';
import type { TestStores } from '../helpers/stores.ts';

export const now = new Date('2010-07-10T08:00:00+08:00');
export const later = new Date('2010-07-11T08:00:00+08:00');

/**
 * Build, then check that the bucket holds exactly what a full render of every derived output
 * (listings, catalogue, statistics, columns, permalinks, API, search, sitemaps) from the final
 * records gives, so `affected` (and `shows`) left nothing stale. `fullCatalogue` says whether the
 * build asked the catalogue and statistics for all their pages (a full build) or not, `rendered`
 * how many pages the build rendered of each output.
 */
export async function build(
  content: ContentSet,
  stores: TestStores,
  at = now,
): Promise<BuildSummary & { fullCatalogue: boolean; rendered: Record<string, number> }> {
  const renderer = await createSiteRenderer(content, { workers: 0, pdf: false });
  // Spies made per build and restored after it: Vitest restores every spy after each file, so a
  // module-level one would be inert in the next file that imports this module in the same process.
  const allPages = [...catalogueOutputs, ...statisticsOutputs].map((output) => vi.spyOn(output, 'all'));
  const renders = derivedOutputs.map((output) => [output.name, vi.spyOn(output, 'render')] as const);
  try {
    const summary = await buildSite({ content, objects: stores.objects, records: stores.records, renderer, now: at });
    const fullCatalogue = allPages.some((spy) => spy.mock.calls.length > 0);
    const rendered = Object.fromEntries(renders.map(([name, spy]) => [name, spy.mock.calls.length]));
    for (const [, spy] of renders) spy.mockRestore();
    const input: DerivedInput = {
      content,
      ctx: renderer.context,
      documents: [...summary.state.documents.values()].filter((record) => record.status !== 'scheduled').sort(newestFirst),
      issues: [...summary.state.issues.values()].sort((a, b) => a.year - b.year || a.number - b.number),
    };
    for (const output of derivedOutputs) {
      for (const page of await output.all(input)) {
        for (const expected of await output.render(input, page)) {
          const stored = await stores.objects.get(SITE_PREFIX + expected.key);
          expect(stored === undefined ? `missing ${expected.key}` : sha256(stored.body), expected.key).toBe(sha256(expected.body));
          expect(stored?.contentType).toBe(expected.contentType);
        }
      }
    }
    return { ...summary, fullCatalogue, rendered };
  } finally {
    for (const spy of [...allPages, ...renders.map(([, spy]) => spy)]) spy.mockRestore();
    await renderer.close();
  }
}

export async function page(objects: ObjectStore, path: string): Promise<Root> {
  const stored = await objects.get(`${SITE_PREFIX}${path}`);
  if (stored === undefined) throw new Error(`no object at ${path}`);
  return fromHtml(Buffer.from(stored.body).toString('utf8'));
}

/** sha256 of every public object under a prefix. */
export async function digests(objects: ObjectStore, prefix: string): Promise<Map<string, string>> {
  const found = new Map<string, string>();
  for await (const head of objects.listKeys(SITE_PREFIX + prefix)) {
    const stored = await objects.get(head.key);
    found.set(head.key.slice(SITE_PREFIX.length), sha256(stored?.body ?? new Uint8Array()));
  }
  return found;
}
