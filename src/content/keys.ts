// Every object key the platform writes, in one place: the two prefixes of the bucket, the site keys
// of pages, PDFs, deposit packages and feeds, and the private keys of feed entries and build state.
// Site keys (`gazette/2010/05/index.html`) are relative to the site root and have no leading slash;
// `siteKey()` puts them under the bucket's `site/` prefix. Keys are data a deployed bucket already
// holds, so none of them may change.

/** Public objects live under this prefix; the preview server and CloudFront serve only it. */
export const SITE_PREFIX = 'site/';
/** Never served: build state, scheduled (embargoed) renders, feed entries and logs. */
export const PRIVATE_PREFIX = 'private/';

/** The bucket key of a site key: `a/b.html` → `site/a/b.html`. */
export function siteKey(key: string): string {
  return SITE_PREFIX + key;
}

// ---- Site keys

/** Key of the page whose URL path is `urlPath` (`/a/b/` → `a/b/index.html`). */
export function pageKey(urlPath: string): string {
  if (!urlPath.startsWith('/')) throw new Error(`URL path must start with "/": ${urlPath}`);
  const path = urlPath.slice(1);
  return path === '' || path.endsWith('/') ? `${path}index.html` : path;
}

/** A document's own PDF beside its page, `<urlPath><slug>.pdf`. */
export function documentPdfKey(urlPath: string): string {
  const slug = urlPath.split('/').filter(Boolean).at(-1) ?? 'document';
  return `${urlPath.slice(1)}${slug}.pdf`;
}

interface IssueKeyParts {
  year: number;
  number: number;
  urlPath: string;
}

/** A gazette issue's whole-issue PDF, `gazette/2010/05/gazette-2010-05.pdf`. */
export function issuePdfKey(issue: IssueKeyParts): string {
  return `${issue.urlPath.slice(1)}gazette-${issue.year}-${twoDigits(issue.number)}.pdf`;
}

/** `gazette-2010-05-deposit`: an issue's deposit bag folder, and its ZIP's name without `.zip`. */
export function depositName(issue: Pick<IssueKeyParts, 'year' | 'number'>): string {
  return `gazette-${issue.year}-${twoDigits(issue.number)}-deposit`;
}

/** An issue's deposit package beside its page, `gazette/2010/05/gazette-2010-05-deposit.zip`. */
export function depositZipKey(issue: IssueKeyParts): string {
  return `${issue.urlPath.slice(1)}${depositName(issue)}.zip`;
}

// The file names of a feed's documents by format; the formats are those of src/feeds/model.ts.
const feedFileNames = { rss: 'rss.xml', atom: 'atom.xml', json: 'feed.json' } as const;
const feedArchiveSuffixes = { rss: '.rss.xml', atom: '.atom.xml', json: '.json' } as const;
type FeedFileFormat = keyof typeof feedFileNames;

/** A feed's subscription document, e.g. `feeds/all/atom.xml`. */
export function feedHeadKey(name: string, format: FeedFileFormat): string {
  return `feeds/${name}/${feedFileNames[format]}`;
}

/** A feed's archive document `page` (1 = oldest), e.g. `feeds/all/archive/3.atom.xml`. */
export function feedArchiveKey(name: string, page: number, format: FeedFileFormat): string {
  return `feeds/${name}/archive/${page}${feedArchiveSuffixes[format]}`;
}

// ---- Private keys (full bucket keys)

/** The feed entry fragment of one version of a document. */
export function entryKey(id: string, version: number): string {
  return `${PRIVATE_PREFIX}entries/${id}/v${String(version).padStart(6, '0')}.json`;
}

/** The feeds' state between rebuilds (src/publish/rebuildFeeds.ts). */
export const FEED_STATE_KEY = `${PRIVATE_PREFIX}feeds/state.json`;
/** The feed log up to some point, gzipped JSON (see src/publish/rebuildFeeds.ts). */
export const FEED_LOG_KEY = `${PRIVATE_PREFIX}feeds/log.json.gz`;
/** The render digest of each document as the feeds show it, one line each (see src/publish/rebuildFeeds.ts). */
export const FEED_SHOWN_KEY = `${PRIVATE_PREFIX}feeds/shown.tsv`;

/** The entry sources a feed's subscription document shows. */
export function feedHeadCacheKey(name: string): string {
  return `${PRIVATE_PREFIX}feeds/heads/${name}.json`;
}

/** The state one build leaves for the next (src/publish/buildState.ts). */
export const BUILD_STATE_KEY = `${PRIVATE_PREFIX}state/build.json`;
/** Withdrawals whose files are taken down and invalidated on the CDN. */
export const TAKE_DOWNS_KEY = `${PRIVATE_PREFIX}state/take-downs.json`;
/** The site configuration the render function publishes for the feeds function on AWS (src/aws/siteConfig.ts). */
export const SITE_CONFIG_KEY = `${PRIVATE_PREFIX}state/site-config.json`;
/** Embargoed renders, one folder per document. */
export const SCHEDULED_PREFIX = `${PRIVATE_PREFIX}scheduled/`;

/** The folder of one embargoed document's render, copied to the site when it is released. */
export function scheduledPrefix(id: string): string {
  return `${SCHEDULED_PREFIX}${id}/`;
}

/** Job manifests of fanned-out builds under way; removed by their finalize step. */
export const JOBS_PREFIX = `${PRIVATE_PREFIX}jobs/`;

/** The folder of one fanned-out build's jobs. */
export function buildJobsPrefix(buildId: string): string {
  return `${JOBS_PREFIX}${buildId}/`;
}

/** One fanned-out build's manifest. */
export function buildManifestKey(buildId: string): string {
  return `${buildJobsPrefix(buildId)}build.json`;
}

/** One chunk of a fanned-out build's document jobs. */
export function buildChunkKey(buildId: string, chunk: number): string {
  return `${buildJobsPrefix(buildId)}chunks/${String(chunk).padStart(5, '0')}.json`;
}

function twoDigits(n: number): string {
  return String(n).padStart(2, '0');
}
