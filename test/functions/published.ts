// A site already published into fresh test stores (in-process, through the same use case the
// render function runs), with its site configuration and partners saved for the other functions.

import { loadContent } from '../../src/content/load.ts';
import { writeSiteConfig } from '../../src/aws/siteConfig.ts';
import { parsePartners, type Partner } from '../../src/delivery/partners.ts';
import { buildSite } from '../../src/publish/build.ts';
import { createSiteRenderer } from '../../src/publish/siteRenderer.ts';
import type { DocumentRecord } from '../../src/store/ports.ts';
import { createEmulatorStores, type EmulatorStores } from '../helpers/emulators.ts';
import { sampleFiles, writeSite } from '../publish/site.ts';

export interface PublishedSite {
  stores: EmulatorStores;
  partners: Partner[];
  documents: DocumentRecord[];
}

/** Publish the sample site at `now`; `partnersYaml` is a partners.yaml body. */
export async function publishedSite(partnersYaml: string, now = new Date('2010-06-25T08:00:00+08:00')): Promise<PublishedSite> {
  const stores = await createEmulatorStores();
  const root = await writeSite(sampleFiles());
  const { content, messages } = await loadContent(root);
  if (content === undefined) throw new Error(`sample site does not load: ${JSON.stringify(messages)}`);
  const parsed = parsePartners(partnersYaml, content.site);
  if (parsed.partners === undefined) throw new Error(`partners do not parse: ${JSON.stringify(parsed.messages)}`);
  const renderer = await createSiteRenderer(content, { workers: 0 });
  await buildSite({ content, objects: stores.objects, records: stores.records, renderer, now });
  await renderer.close();
  await writeSiteConfig(stores.objects, { site: content.site, partners: parsed.partners });
  const documents: DocumentRecord[] = [];
  for await (const record of stores.records.listDocuments()) documents.push(record);
  return { stores, partners: parsed.partners, documents };
}
