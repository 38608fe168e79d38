// The validated site configuration and partner list, as the last accepted publish saw them.
// The render and release functions write it once a build's plan is accepted, before its first
// write, so the stream events of that build already see its partners; the feeds and notify
// functions read it instead of loading and validating the whole content tree themselves.

import type { SiteConfig } from '../content/model.ts';
import type { Partner } from '../delivery/partners.ts';
import type { FeedColumn } from '../feeds/definitions.ts';
import { outputFormats } from '../outputs.ts';
import { SITE_CONFIG_KEY } from '../content/keys.ts';
import type { ObjectStore } from '../store/ports.ts';

export interface PublishedSiteConfig {
  site: SiteConfig;
  partners: Partner[];
  /** Special columns (专栏), for their feeds; absent in configs written before columns existed. */
  columns?: FeedColumn[];
}

export class SiteConfigMissingError extends Error {
  override name = 'SiteConfigMissingError';
}

export async function writeSiteConfig(objects: ObjectStore, config: PublishedSiteConfig): Promise<void> {
  await objects.put({ key: SITE_CONFIG_KEY, body: Buffer.from(JSON.stringify(config), 'utf8'), contentType: outputFormats.json.mediaType });
}

export async function readSiteConfig(objects: ObjectStore): Promise<PublishedSiteConfig> {
  const stored = await objects.get(SITE_CONFIG_KEY);
  if (stored === undefined) {
    throw new SiteConfigMissingError(
      `${SITE_CONFIG_KEY} is not in the site bucket: no publish has succeeded yet. Upload the content (gazette publish --target aws); this event is retried.`,
    );
  }
  return JSON.parse(Buffer.from(stored.body).toString('utf8')) as PublishedSiteConfig;
}
