// The publish the render and release functions run: mirror the source bucket's content into a
// local folder, then the same load → validate → buildSite the CLI's `gazette build` runs.

import { loadContent } from '../content/load.ts';
import { formatMessages } from '../content/messages.ts';
import type { ContentMessage } from '../content/model.ts';
import { loadPartners } from '../delivery/partners.ts';
import { type BuildSummary, buildSite, type JobRunner, type Provenance, PublishStateError } from '../publish/build.ts';
import type { ManifestSigner } from '../publish/signedManifest.ts';
import { createSiteRenderer } from '../publish/siteRenderer.ts';
import type { CdnInvalidator } from '../publish/takeDowns.ts';
import type { ObjectStore, RecordStore } from '../store/ports.ts';
import { type EmbargoRelease, pendingReleases } from './embargoSchedules.ts';
import { writeSiteConfig } from './siteConfig.ts';
import { type SyncSummary, syncSource } from './syncSource.ts';

/** Key prefix of the editors' sources in the source bucket. */
export const SOURCE_PREFIX = 'content/';

export interface PublishFromSourceOptions {
  /** The source bucket (editors' CI uploads under `content/`). */
  source: ObjectStore;
  /** The site bucket. */
  objects: ObjectStore;
  records: RecordStore;
  /** Local mirror of the sources, e.g. /tmp/content. */
  contentDir: string;
  now: Date;
  /** Commit and author of the upload, for the audit log. */
  provenance?: Provenance;
  /** CloudFront, told of the files a withdrawal takes down. */
  cdn?: CdnInvalidator;
  /** Where document jobs run when there are many (the fan-out: src/aws/fanOut.ts); default here. */
  jobRunner?: JobRunner;
  /** How long to wait for the build lease (from the invocation's remaining time: src/aws/env.ts leaseWaitMs). */
  leaseWaitMs?: number;
  /** The signing key of the site's manifest (src/aws/signingKey.ts). */
  manifest?: ManifestSigner;
}

export type PublishFromSourceResult =
  | { status: 'published'; sync: SyncSummary; summary: BuildSummary; messages: ContentMessage[]; pending: EmbargoRelease[] }
  /**
   * The content has errors, alone or against what is published (e.g. a changed document without a
   * change note): nothing was written. Retrying cannot help; the editors must fix it. `report` is
   * the messages as `gazette check` prints them.
   */
  | { status: 'invalid'; sync: SyncSummary; messages: ContentMessage[]; report: string };

export async function publishFromSource(options: PublishFromSourceOptions): Promise<PublishFromSourceResult> {
  const { source, objects, records, contentDir, now } = options;
  const sync = await syncSource({ source, prefix: SOURCE_PREFIX, dir: contentDir });
  const { content, messages } = await loadContent(contentDir, { now });
  const invalid = (all: ContentMessage[], report = formatMessages(all)) => ({ status: 'invalid' as const, sync, messages: all, report });
  if (content === undefined) return invalid(messages);
  const partners = await loadPartners(contentDir, content.site);
  if (partners.partners === undefined) return invalid([...messages, ...partners.messages]);
  // No worker threads: they load TypeScript through tsx, which a bundle does not carry.
  const renderer = await createSiteRenderer(content, { workers: 0 });
  const columns = content.columns.map(({ id, title, summary, rule, urlPath }) => ({ id, title, ...(summary === undefined ? {} : { summary }), rule, urlPath }));
  // Before the build's first write: the table stream's functions (feeds, notify) read the partners
  // and site from it, and the stream may deliver this build's records (an embargo's early notice
  // to a partner added in this same upload) before the build ends.
  const siteConfig = () => writeSiteConfig(objects, { site: content.site, partners: partners.partners ?? [], columns });
  try {
    let summary: BuildSummary;
    try {
      summary = await buildSite({
        content,
        objects,
        records,
        renderer,
        now,
        ...(options.provenance === undefined ? {} : { provenance: options.provenance }),
        ...(options.cdn === undefined ? {} : { cdn: options.cdn }),
        ...(options.jobRunner === undefined ? {} : { jobRunner: options.jobRunner }),
        ...(options.leaseWaitMs === undefined ? {} : { leasing: { waitMs: options.leaseWaitMs } }),
        ...(options.manifest === undefined ? {} : { manifest: options.manifest }),
        beforeWrites: siteConfig,
      });
    } catch (error) {
      if (error instanceof PublishStateError) return invalid(error.messages, error.message);
      throw error;
    }
    return { status: 'published', sync, summary, messages: [...messages, ...partners.messages], pending: pendingReleases(content, now) };
  } finally {
    await renderer.close();
  }
}
