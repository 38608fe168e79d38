// The Lambda functions, as data: entry file, memory, timeout and the files each bundle carries
// besides its code. The bundler, the stack and the benchmark all read this one table.

import { fileURLToPath } from 'node:url';

export interface FunctionSpec {
  /** Entry file, relative to the repository root. */
  entry: string;
  summary: string;
  memoryMb: number;
  timeoutSeconds: number;
  /** Size of `/tmp` (Lambda allows 512 to 10,240 MB; above 512 MB it is billed by the GB-second). */
  ephemeralStorageMb: number;
  /**
   * Files read at run time (relative to the repository root, copied to the same place in the
   * bundle): code that resolves files through `import.meta.url` keeps working unchanged.
   */
  assets: string[];
}

/** Lambda gives a function one vCPU at this much memory, and a share in proportion below it. */
export const LAMBDA_MB_PER_VCPU = 1769;

/**
 * Read at run time by the HTML renderer (stylesheet, scripts), the PDF renderer (fonts, pdfkit's
 * data) and the JSON API (its published schemas). The render fingerprint's parts are computed when
 * the function is bundled (bundle.ts, src/publish/renderCode.ts).
 */
const renderAssets = ['templates', 'docs/api', 'node_modules/pdfkit/js/data'];

/**
 * `/tmp` of the functions that publish. They mirror the whole `content/` tree there (CONTENT_DIR),
 * and it stays between warm invocations so that only changed objects are downloaded: every
 * attachment of the archive, each up to 50 MiB (MAX_ATTACHMENT_BYTES), plus the PDFs being written.
 * The default 512 MB holds ten such attachments; the maximum holds about two hundred. Sizing it
 * smaller saves nothing worth a failed publish: 10 GB for a 20-second build costs about
 * $0.000006 (see "Costs" in docs/deploy.md).
 */
const publishStorageMb = 10_240;

export const functionSpecs = {
  // PDF rendering parses CJK fonts of ~10 MB each and needs about 1 GB; HTML alone fits in 512 MB.
  render: {
    entry: 'functions/render.ts',
    summary: 'S3 upload -> SQS -> publish changed documents',
    memoryMb: 1536,
    timeoutSeconds: 120,
    ephemeralStorageMb: publishStorageMb,
    assets: renderAssets,
  },
  // A stream batch takes a second or two; a deploy of new feed code, or a change to site.yaml's feed
  // settings, writes every feed document again. At 10,000 documents that rewrite took 13–15 s of CPU
  // through the AWS adapters against s3rver (the feed work and the SDK's cost per request; `npm run
  // bench`, feeds), and more with the records' query it leaves out: at 512 MB, 0.29 of a vCPU, about
  // 50 s before any wait for S3, too close to a 60 s timeout. One vCPU, and five minutes for S3's
  // waits and a larger archive.
  feeds: {
    entry: 'functions/feeds.ts',
    summary: 'table stream -> feeds, outbox, WebSub',
    memoryMb: LAMBDA_MB_PER_VCPU,
    timeoutSeconds: 300,
    ephemeralStorageMb: 512,
    assets: [],
  },
  notify: { entry: 'functions/notify.ts', summary: 'SQS -> signed partner webhooks', memoryMb: 256, timeoutSeconds: 60, ephemeralStorageMb: 512, assets: [] },
  release: {
    entry: 'functions/release.ts',
    summary: 'Scheduler one-time schedule -> publish embargoed documents',
    memoryMb: 1536,
    timeoutSeconds: 120,
    ephemeralStorageMb: publishStorageMb,
    assets: renderAssets,
  },
  // One chunk of a fanned-out build (25 documents by default, about 0.2 s each with PDFs, fonts parsed once per
  // container): PDF memory as render; 300 s leaves room for a chunk of long documents. /tmp holds only the chunk's attachments.
  renderJob: {
    entry: 'functions/renderJob.ts',
    summary: 'SQS render job -> render, write and commit a chunk of documents',
    memoryMb: 1536,
    timeoutSeconds: 300,
    ephemeralStorageMb: 2048,
    assets: renderAssets,
  },
  // The finalize step of a fanned-out build: the whole site's listings, issue PDFs and derived outputs
  // (about a minute for 10,000 documents), after waiting for the build lease: Lambda's longest timeout.
  finalize: {
    entry: 'functions/finalize.ts',
    summary: 'SQS finalize -> issues, listings, derived outputs under the build lease',
    memoryMb: 1536,
    timeoutSeconds: 900,
    ephemeralStorageMb: publishStorageMb,
    assets: renderAssets,
  },
} as const satisfies Record<string, FunctionSpec>;

export type FunctionName = keyof typeof functionSpecs;
export const functionNames = Object.keys(functionSpecs) as FunctionName[];

export const repoRoot = fileURLToPath(new URL('../', import.meta.url));
/** `dist/functions/<name>/index.mjs` plus its assets; git-ignored. */
export const bundlesDir = fileURLToPath(new URL('../dist/functions/', import.meta.url));
