// The render stage of a build: per-document jobs. Each job writes its document's own files, renders
// the document (page, PDF, feed entry, an erratum page; the page lists the files' and the PDF's
// SHA-256), writes those objects, then commits the document's record — the commit point — on
// condition that the record is still at the version the plan saw, so a job run twice (a
// redelivered message, a retried build) converges. The same function runs in the build's own
// process, in local worker processes (`gazette build --jobs N`) and in the renderJob Lambda.

import { scheduledPrefix } from '../content/keys.ts';
import type { SiteConfig } from '../content/model.ts';
import type { DeliveryStore } from '../delivery/store.ts';
import type { Partner } from '../delivery/partners.ts';
import { recordEmbargoedDeliveries } from '../delivery/outbox.ts';
import { feedEntryArtifact } from '../feeds/entries.ts';
import { mapLimit } from '../concurrency.ts';
import type { Artifact } from '../outputs.ts';
import type { ErratumPageData } from '../render/html/index.ts';
import {
  type AuditEvent,
  type DocumentRecord,
  type ObjectStore,
  type PutDocumentEntry,
  PutDocumentsError,
  VersionConflictError,
  type RecordStore,
  type StoredObject,
} from '../store/ports.ts';
import { archiveCurrentPage } from './archive.ts';
import type { DocumentOutcome, DocumentPageJob, Provenance } from './build.ts';
import type { BucketMemory } from './bucketMemory.ts';
import type { DocumentJob } from './planJobs.ts';
import { documentRecord } from './records.ts';
import { writeAttachments } from './attachments.ts';
import { artifactRef, type WriteCounts, writeArtifacts } from './writes.ts';

/** Records committed per batch while rendering goes on (4 transactions of 25 in the adapter). */
const RECORD_BATCH = 100;

/** What a job needs of the renderer: a worker process builds one from a JobContext (jobRenderer.ts). */
export interface DocumentRenderer {
  documentArtifacts(job: DocumentPageJob): Promise<{ artifacts: Artifact[]; bodyHtml: string }>;
  erratumPage(erratum: ErratumPageData): Artifact;
}

/** The settings every job of one build shares: plain values, sent to worker processes as they are. */
export interface JobSettings {
  /** Absolute path of the content folder (attachments and images are read from it). */
  root: string;
  site: SiteConfig;
  /** ISO time of the build's clock. */
  now: string;
  provenance?: Provenance;
  /** Object writes in flight at once. */
  concurrency: number;
  /** The bucket held no site object when the build began. */
  emptyBefore: boolean;
}

export interface JobStores {
  objects: ObjectStore;
  records: RecordStore;
  /** What this process knows the bucket holds (watch mode), when the jobs run in the build's process. */
  memory?: BucketMemory | undefined;
}

export interface JobsResult {
  /** The committed record of each job, in job order. */
  records: DocumentRecord[];
  counts: WriteCounts;
  /** The feed entries written, for the feeds rebuilt in the same process (else read back). */
  entries: StoredObject[];
}

/** What a document job did, for the summary and the audit trail. */
export function outcomeOf(job: DocumentJob, record: DocumentRecord): DocumentOutcome {
  return !job.newVersion
    ? 'refreshed'
    : record.status === 'withdrawn'
      ? 'withdrawn'
      : job.previous !== undefined
        ? 'updated'
        : job.released
          ? 'released'
          : 'created';
}

function entryOf(job: DocumentJob, record: DocumentRecord, settings: JobSettings): PutDocumentEntry {
  const outcome = outcomeOf(job, record);
  return {
    record,
    // A re-render in place keeps its version (expected = the same version).
    expectedVersion: job.previous?.version ?? 0,
    ...(job.newVersion && job.page.doc.changeNote !== undefined ? { changeNote: job.page.doc.changeNote } : {}),
    // The audit entry commits with the change it records.
    ...(outcome === 'refreshed'
      ? {}
      : {
          audit: {
            id: record.id,
            at: settings.now,
            event: outcome === 'created' ? ('published' as const) : (outcome as AuditEvent),
            version: record.version,
            digest: record.digest,
            ...settings.provenance,
          },
        }),
  };
}

/**
 * Render, write and commit documents. Records are committed in batches while later documents
 * still render, so the table's work overlaps the rendering. Throws after the last job if any
 * commit failed (the others are written).
 */
export async function runDocumentJobs(
  jobs: readonly DocumentJob[],
  renderer: DocumentRenderer,
  stores: JobStores,
  settings: JobSettings,
  onJobDone: () => void = () => {},
): Promise<JobsResult> {
  const { objects, records, memory } = stores;
  const now = new Date(settings.now);
  const counts: WriteCounts = { objectsWritten: 0, objectsUnchanged: 0 };
  const writing = { concurrency: 4, counts, memory, emptyBefore: settings.emptyBefore, skipUnchanged: false };
  const batch: PutDocumentEntry[] = [];
  let committing: Promise<void> = Promise.resolve();
  let commitError: unknown;
  const commit = () => {
    const entries = batch.splice(0);
    if (entries.length === 0) return;
    committing = committing
      .then(() => records.putDocuments(entries))
      .catch((error: unknown) => {
        commitError ??= error;
      });
  };
  const entries: StoredObject[] = [];
  const committed = await mapLimit(jobs, settings.concurrency, async (job) => {
    const { page, digest, newVersion, previous } = job;
    const withdrawing = page.doc.status === 'withdrawn';
    // The version being replaced keeps its page at a stable URL before the new one goes up;
    // a withdrawal keeps none of the text public.
    if (newVersion && previous !== undefined && !withdrawing) await archiveCurrentPage(objects, page.doc.urlPath, previous.version, previous.title);
    // The document's files first (the page links them), each uploaded only when its bytes are new.
    // A first publish of an embargoed document is its release: its files are staged already.
    // Their digests, known from loading or hashed once here, go on to the page, which lists them.
    const staged = previous === undefined && page.doc.publishAt !== undefined ? scheduledPrefix(page.doc.id) : undefined;
    const files = withdrawing ? [] : await writeAttachments({ objects, root: settings.root, doc: page.doc, previous, counts, staged });
    const rendered = await renderer.documentArtifacts(withdrawing ? page : { ...page, files });
    const erratumPages = job.erratum === undefined ? [] : [renderer.erratumPage(job.erratum.page)];
    const artifacts = [...rendered.artifacts, ...erratumPages];
    await writeArtifacts(objects, artifacts, writing);
    onJobDone();
    const refs = [...rendered.artifacts.map(artifactRef), ...files, ...erratumPages.map(artifactRef)];
    const record = documentRecord({ doc: page.doc, indexNumber: page.indexNumber, digest, artifacts: refs, previous, now });
    record.version = page.version;
    if (!newVersion && previous !== undefined) record.updatedAt = previous.updatedAt;
    const errata = [...(previous?.errata ?? []), ...(job.erratum === undefined ? [] : [job.erratum.ref])];
    if (errata.length > 0) record.errata = errata;
    // The feed entry of this version, private and immutable, written before the record names it.
    const feedEntry = feedEntryArtifact(page.doc, rendered.bodyHtml, record, settings.site);
    await objects.put(feedEntry);
    entries.push({ key: feedEntry.key, body: feedEntry.body, contentType: feedEntry.contentType });
    batch.push(entryOf(job, record, settings));
    if (batch.length >= RECORD_BATCH) commit();
    return record;
  });
  commit();
  await committing;
  if (commitError !== undefined) await converged(commitError, jobs, committed, records);
  return { records: committed, counts, entries };
}

/**
 * A job run again (a redelivered message, a retried chunk) finds its record committed by the
 * first run: the conflict is that run's success, not a failure. Any other conflict is thrown.
 */
async function converged(error: unknown, jobs: readonly DocumentJob[], committed: DocumentRecord[], records: RecordStore): Promise<void> {
  if (!(error instanceof PutDocumentsError)) throw error;
  const index = new Map(jobs.map((job, i) => [job.page.doc.id, i]));
  const left: PutDocumentsError['failures'] = [];
  for (const failure of error.failures) {
    const i = index.get(failure.id) as number;
    const job = jobs[i] as DocumentJob;
    const stored = failure.error instanceof VersionConflictError ? await records.getDocument(failure.id) : undefined;
    if (stored !== undefined && stored.digest === job.digest && stored.version === job.page.version) committed[i] = stored;
    else left.push(failure);
  }
  if (left.length > 0) throw new PutDocumentsError(left);
}

export interface ScheduledJobsInput {
  renderer: DocumentRenderer;
  stores: JobStores;
  settings: JobSettings;
  /** Partners trusted with embargoes hear of each one now (locally; on AWS the table stream does it). */
  feeds?: { partners: readonly Partner[]; deliveries: DeliveryStore } | undefined;
  onJobDone?: () => void;
}

/** Embargoed documents are rendered now, into the private prefix the site never serves. Returns deliveries queued. */
export async function runScheduledJobs(jobs: readonly DocumentJob[], input: ScheduledJobsInput): Promise<{ counts: WriteCounts; deliveriesQueued: number }> {
  const { renderer, settings, feeds } = input;
  const { objects, records, memory } = input.stores;
  const counts: WriteCounts = { objectsWritten: 0, objectsUnchanged: 0 };
  let deliveriesQueued = 0;
  await mapLimit(jobs, settings.concurrency, async ({ page, digest }) => {
    const prefix = scheduledPrefix(page.doc.id);
    // Staged again (its text or embargo changed), the files it staged before stay when their bytes do.
    const files = await writeAttachments({ objects, root: settings.root, doc: page.doc, counts, prefix, staged: prefix });
    // The staged page lists the same files and digests as the page its release publishes.
    const artifacts = (await renderer.documentArtifacts({ ...page, files })).artifacts;
    await writeArtifacts(objects, artifacts, { concurrency: 4, counts, memory, emptyBefore: settings.emptyBefore, skipUnchanged: false, prefix });
    await records.putScheduled({
      id: page.doc.id,
      kind: page.doc.kind,
      title: page.doc.title,
      file: page.doc.file,
      urlPath: page.doc.urlPath,
      publishAt: page.doc.publishAt as string,
      digest,
      indexNumber: page.indexNumber,
      artifactKeys: [...artifacts, ...files].map((item) => prefix + item.key),
      scheduledAt: settings.now,
      // What partners' profiles match on: on AWS the table stream announces the staging from these.
      lang: page.doc.lang,
      department: page.doc.department.name,
      category: page.doc.category.name,
      ...(page.doc.summary === undefined ? {} : { summary: page.doc.summary }),
    });
    await records.putAudit({ id: page.doc.id, at: settings.now, event: 'scheduled', version: 0, digest, ...settings.provenance });
    // Partners trusted with embargoes hear of it now, with the embargo time; no one else does.
    if (feeds !== undefined) {
      const { doc } = page;
      const queued = await recordEmbargoedDeliveries({
        store: feeds.deliveries,
        site: settings.site,
        partners: feeds.partners,
        now: new Date(settings.now),
        documents: [
          {
            id: doc.id,
            kind: doc.kind,
            title: doc.title,
            lang: doc.lang,
            department: doc.department.name,
            category: doc.category.name,
            urlPath: doc.urlPath,
            publishAt: doc.publishAt as string,
            digest,
            ...(doc.summary === undefined ? {} : { summary: doc.summary }),
          },
        ],
      });
      deliveriesQueued += queued.length;
    }
    input.onJobDone?.();
  });
  return { counts, deliveriesQueued };
}
