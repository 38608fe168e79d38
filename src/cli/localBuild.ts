// The local build both `gazette build` and `gazette preview --build` run, once or on every change
// (watch.ts): parse the shared options, load and validate content and partners.yaml, publish
// into the local stores, and mirror the public site into a folder.

import { execFile } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import { copyFile, link, mkdir, rm, writeFile } from 'node:fs/promises';
import { promisify } from 'node:util';
import { dirname, join, resolve, sep } from 'node:path';
import { loadContent } from '../content/load.ts';
import { type ContentFiles, createFileContentCache, type DocumentMemo, type FileContentCache } from '../content/load.ts';
import { formatMessages, hasErrors } from '../content/messages.ts';
import { notifyPartners } from '../delivery/notify.ts';
import { loadPartners, type Partner } from '../delivery/partners.ts';
import { environmentSecrets } from '../delivery/secrets.ts';
import { environmentSigningKey, SIGNING_KEY_VARIABLE, type SigningKey } from '../manifest/signing.ts';
import type { ContentSet } from '../content/model.ts';
import { type BuildSummary, type Provenance, PublishStateError } from '../publish/build.ts';
import { processJobRunner } from '../publish/jobProcesses.ts';
import { createSiteRenderer } from '../publish/siteRenderer.ts';
import { openSqliteBodyCache, type SqliteBodyCache } from '../store/sqliteBodyCache.ts';
import type { BodyCache } from '../publish/bodyCache.ts';
import { type DocumentRecord, type ObjectStore, SITE_PREFIX } from '../store/ports.ts';
import { type CliIo, shownPath } from './io.ts';
import { type LocalStores, parseStoreSet, type StoreSet } from './localStores.ts';
import { progressReporter } from './progress.ts';
import { buildWithSnapshot, type SnapshotKeeper } from './snapshotFile.ts';
import { writePublishedIndex } from './publishedIndex.ts';
import { parseCommand } from './args.ts';

/** What a local build may keep between builds of one process; a one-shot run keeps nothing. */
export interface LocalSession {
  cache: FileContentCache;
  files?: ContentFiles;
  documents?: DocumentMemo;
  snapshots?: SnapshotKeeper;
  /**
   * Leave writing the content cache and the published index to the caller (watch mode writes
   * them when idle), instead of before and after publishing: the build leaves its records in
   * `published` for the index.
   */
  background?: boolean;
  published?: DocumentRecord[];
  /**
   * The body cache, opened by the first build for the render code's version and kept open for
   * the next (watch mode): a build then neither opens the SQLite file nor closes it (the close,
   * which checkpoints its log, took 35 ms of a first save at 10,000 documents). Each build starts
   * it afresh (the keys another process may have written since are read again), and a cache that
   * failed is opened again. Closed by the session's owner (`closeSession`).
   */
  bodies?: { codeVersion: string; cache: SqliteBodyCache };
}

/** Close what a session keeps open between its builds. */
export function closeSession(session: LocalSession): void {
  session.bodies?.cache.close();
  session.bodies = undefined;
}

/** The body cache a build opens: the session's, kept open between its builds, or one of its own. */
function bodyCacheOpener(args: BuildArgs, session: LocalSession | undefined): (codeVersion: string) => BodyCache {
  const open = (codeVersion: string) => openSqliteBodyCache(join(args.data, 'cache', 'bodies.sqlite'), codeVersion);
  if (session === undefined) return open;
  return (codeVersion) => {
    if (session.bodies?.codeVersion !== codeVersion || !session.bodies.cache.usable()) {
      session.bodies?.cache.close();
      session.bodies = { codeVersion, cache: open(codeVersion) };
    }
    const { cache } = session.bodies;
    cache.nextBuild();
    // The build's close writes what it kept; the file stays open for the next build.
    return { ...cache, close: () => cache.flush() };
  };
}

export interface BuildArgs {
  content: string;
  data: string;
  out?: string;
  now: Date;
  verbose: boolean;
  /** Worker processes for the document jobs; 1 runs them in the build's own process. */
  jobs: number;
  /** Render PDFs of documents and issues (`--no-pdf`: false). */
  pdf: boolean;
  /** Which local stores to open under `data`. */
  stores: StoreSet;
}

/**
 * Parse the options shared by build, release and preview (plus the command's `extra` ones): the
 * arguments and the options as given, or the exit code once it has printed the help or a usage error.
 */
export function parseBuildArgs(
  argv: string[],
  io: CliIo,
  command: { name: string; help: string; extra?: Record<string, { type: 'string' | 'boolean' }> },
): { args: BuildArgs; values: Record<string, string | boolean | undefined> } | number {
  const parsed = parseCommand(argv, io, {
    name: command.name,
    help: command.help,
    negatives: true,
    options: {
      content: { type: 'string', default: 'content' },
      data: { type: 'string', default: '.gazette' },
      stores: { type: 'string' },
      out: { type: 'string' },
      now: { type: 'string' },
      verbose: { type: 'boolean', default: false },
      pdf: { type: 'boolean', default: true },
      ...command.extra,
    },
  });
  if (typeof parsed === 'number') return parsed;
  try {
    return buildArgs(parsed.values, io);
  } catch (error) {
    // Every error here is about an option's value (--now, --jobs, --stores).
    io.stderr.write(`${command.name}: ${(error as Error).message}\n\n${command.help}`);
    return 1;
  }
}

function buildArgs(given: object, io: CliIo): { args: BuildArgs; values: Record<string, string | boolean | undefined> } {
  const values = given as Record<string, string | boolean | undefined>;
  let now = io.now();
  if (typeof values['now'] === 'string') {
    now = new Date(values['now']);
    if (Number.isNaN(now.getTime()) || !/^\d{4}-\d{2}-\d{2}(T|$)/.test(values['now'])) {
      throw new UsageError(`--now "${values['now']}" is not an ISO 8601 date-time. Write it like 2010-06-01T09:00:00+08:00.`);
    }
  }
  const args: BuildArgs = {
    content: resolve(io.cwd, values['content'] as string),
    data: resolve(io.cwd, values['data'] as string),
    now,
    verbose: values['verbose'] === true,
    pdf: values['pdf'] !== false,
    jobs: 1,
    stores: parseStoreSet(values['stores']),
  };
  if (typeof values['jobs'] === 'string') {
    const jobs = Number(values['jobs']);
    if (!Number.isInteger(jobs) || jobs < 1 || jobs > 64) throw new UsageError(`--jobs "${values['jobs']}" is not a number of worker processes from 1 to 64.`);
    args.jobs = jobs;
  }
  if (typeof values['out'] === 'string') args.out = resolve(io.cwd, values['out']);
  return { args, values };
}

export class UsageError extends Error {
  override name = 'UsageError';
}

export interface LoadedSite {
  content: ContentSet;
  partners: Partner[];
}

/** What to do after refused content: a one-shot build is run again; watch mode builds at the next save. */
function fixAndAgain(session: LocalSession | undefined): string {
  return session?.background === true ? 'fix the errors above and save; the site is built again then.' : 'fix the errors above and build again.';
}

/** Load and validate content and partners.yaml; print the messages; undefined when there are errors. */
export async function loadAndReport(args: BuildArgs, io: CliIo, session?: LocalSession): Promise<LoadedSite | undefined> {
  const cache = session?.cache ?? (await createFileContentCache(join(args.data, 'cache', 'content.json')));
  const loaded = await loadContent(args.content, {
    cache,
    now: args.now,
    workerThreads: true,
    ...(session?.files === undefined ? {} : { files: session.files }),
    ...(session?.documents === undefined ? {} : { documents: session.documents }),
  });
  // partners.yaml is checked whenever site.yaml is valid, so one run lists every problem, as `gazette check` does.
  const site = loaded.content?.site ?? loaded.partial?.site;
  const partners = site === undefined ? undefined : await loadPartners(args.content, site);
  const messages = [...loaded.messages, ...(partners?.messages ?? [])];
  const failed = loaded.content === undefined || partners?.partners === undefined || hasErrors(messages);
  if (messages.length > 0) (failed ? io.stderr : io.stdout).write(formatMessages(messages, { contentDir: shownPath(io, args.content) }));
  if (failed || loaded.content === undefined || partners?.partners === undefined) {
    io.stderr.write(`Nothing was published: ${fixAndAgain(session)}\n`);
    return undefined;
  }
  // Watch mode writes the cache file, which only serves the next process, when it is idle (watch.ts).
  if (session?.background !== true) await cache.save();
  return { content: loaded.content, partners: partners.partners };
}

export async function publishLocally(
  { content, partners }: LoadedSite,
  stores: LocalStores,
  args: BuildArgs,
  io: CliIo,
  session?: LocalSession,
  options: PublishOptions = {},
): Promise<number> {
  const started = performance.now();
  let signingKey: SigningKey | undefined;
  try {
    signingKey = environmentSigningKey(process.env);
  } catch (error) {
    io.stderr.write(`gazette build: ${(error as Error).message}\nNothing was published. Fix or unset ${SIGNING_KEY_VARIABLE} and build again.\n`);
    return 1;
  }
  const provenance = await (options.provenance ?? gitProvenance(args.content));
  const renderer = await createSiteRenderer(content, {
    pdf: args.pdf,
    bodyCache: bodyCacheOpener(args, session),
  });
  let summary: BuildSummary;
  try {
    summary = await buildWithSnapshot(
      {
        content,
        objects: stores.objects,
        records: stores.records,
        renderer,
        now: args.now,
        provenance,
        feeds: { partners, deliveries: stores.deliveries },
        manifest: { key: async () => signingKey },
        ...(args.jobs > 1 ? { jobRunner: processJobRunner({ workers: args.jobs, address: stores.address }) } : {}),
        onEvent: progressReporter(io.stdout, io.isTTY === true, args.verbose || content.documents.length <= 200),
      },
      session?.snapshots ?? args.data,
      io.now,
    );
  } catch (error) {
    if (error instanceof PublishStateError) {
      // Refused by the plan, before anything was written: the problems, with the paths as the editor names them.
      io.stderr.write(`${formatMessages(error.messages, { contentDir: shownPath(io, args.content) })}Nothing was published: ${fixAndAgain(session)}\n`);
      return 1;
    }
    io.stderr.write(`gazette build: ${(error as Error).message}\n`);
    io.stderr.write('What was written before the error is complete and consistent; run the build again to finish.\n');
    return 1;
  } finally {
    await renderer.close();
  }
  if (session?.background === true) session.published = summary.published;
  else await writePublishedIndex(args.data, summary.published);
  // Partners hear of the change after the feeds are written; retries wait for `gazette deliveries send`.
  const notify = async (): Promise<string> => {
    const { deliveries } = await notifyPartners({
      store: stores.deliveries,
      partners,
      changedFeeds: summary.changedFeeds,
      secrets: environmentSecrets(process.env),
      clock: { now: io.now, sleep: (ms) => new Promise((done) => setTimeout(done, ms)) },
      mode: 'local',
    });
    if (summary.deliveriesQueued === 0 && deliveries.attempts === 0) return '';
    return (
      `Partners: ${summary.deliveriesQueued} deliveries queued; ${deliveries.delivered} delivered, ${deliveries.pending} waiting for a retry, ${deliveries.dead} dead` +
      (deliveries.pending > 0 ? ' (see `gazette deliveries`).\n' : '.\n')
    );
  };
  const partnersLine = options.notifyLater === undefined ? await notify() : undefined;
  if (args.out !== undefined) {
    const count = await mirrorSite(stores.objects, args.out, stores.kind === 'embedded' ? stores.objectsRoot : undefined);
    io.stdout.write(`Wrote ${count} files to ${shownPath(io, args.out)}\n`);
  }
  const seconds = ((performance.now() - started) / 1000).toFixed(2);
  io.stdout.write(
    `Published ${summary.created} new and ${summary.updated} changed documents, ${summary.unchanged} unchanged` +
      (summary.released > 0 ? `, ${summary.released} released from embargo` : '') +
      (summary.withdrawn > 0 ? `, ${summary.withdrawn} withdrawn` : '') +
      (summary.refreshed > 0 ? `, ${summary.refreshed} re-rendered` : '') +
      (summary.scheduled > 0 ? `, ${summary.scheduled} scheduled for later` : '') +
      (summary.drafts > 0 ? `, ${summary.drafts} drafts skipped` : '') +
      `; ${summary.issuesWritten} issue pages; ${summary.objectsWritten} objects written, ${summary.objectsUnchanged} unchanged; ` +
      `${summary.feedsWritten} feed documents written, in ${seconds} s` +
      (args.jobs > 1 ? `; document jobs in ${args.jobs} worker processes.\n` : '.\n'),
  );
  if (summary.manifest !== undefined) io.stdout.write(manifestLine(summary.manifest));
  if (partnersLine !== undefined) io.stdout.write(partnersLine);
  else options.notifyLater?.(async () => void io.stdout.write(await notify()));
  return 0;
}

export interface PublishOptions {
  /**
   * Take the sending of the partners' deliveries (already recorded in the outbox) to run it later,
   * instead of before publishLocally returns: `gazette preview --build` serves the site first.
   */
  notifyLater?: (notify: () => Promise<void>) => void;
  /** The content's git provenance, read while the content loaded (`gitProvenance`); read now if absent. */
  provenance?: Promise<Provenance>;
}

/** The build's line about the signed manifest; an unsigned one says how to sign. */
function manifestLine(manifest: NonNullable<BuildSummary['manifest']>): string {
  const what = `Manifest #${manifest.sequence} of ${manifest.files} files (/.well-known/gazette-manifest.json)${manifest.written ? '' : ', unchanged'}`;
  if (manifest.keyId !== undefined) return `${what}, signed with key ${manifest.keyId}.\n`;
  return `${what}, not signed: ${SIGNING_KEY_VARIABLE} is not set. Partners can check files against it but not who published it; set ${SIGNING_KEY_VARIABLE} (an Ed25519 key, PKCS#8 PEM) to sign (docs/partners.md).\n`;
}

/**
 * Make `dir` hold exactly the store's public objects. From the embedded store the files are hard
 * links: it never changes a file in place, only replaces it by rename, so a link keeps the bytes
 * it was made with, and linking costs no copy. Bytes are copied where links cannot be made
 * (another file system) and from any other store.
 */
export async function mirrorSite(objects: ObjectStore, dir: string, objectsRoot?: string): Promise<number> {
  await rm(dir, { recursive: true, force: true });
  let count = 0;
  const made = new Set<string>();
  for await (const head of objects.list(SITE_PREFIX)) {
    const path = join(dir, head.key.slice(SITE_PREFIX.length));
    if (!path.startsWith(dir + sep)) throw new Error(`Refusing to write outside ${dir}: ${head.key}`);
    const folder = dirname(path);
    if (!made.has(folder)) {
      await mkdir(folder, { recursive: true });
      made.add(folder);
    }
    if (objectsRoot !== undefined && (await linkOrCopy(join(objectsRoot, ...head.key.split('/')), path))) {
      count++;
      continue;
    }
    const stored = await objects.get(head.key);
    if (stored === undefined) continue;
    await writeFile(path, stored.body);
    count++;
  }
  return count;
}

/** Hard-link `from` at `to`, or copy it when no link can be made; false when `from` is gone. */
async function linkOrCopy(from: string, to: string): Promise<boolean> {
  try {
    await link(from, to);
    return true;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return false;
    if (code !== 'EXDEV' && code !== 'EMLINK' && code !== 'ENOTSUP' && code !== 'EPERM') throw error;
  }
  try {
    await copyFile(from, to);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw error;
  }
}

/** The commit and author of the content folder's checkout, for the audit trail; none outside git. Never rejects. */
export async function gitProvenance(dir: string): Promise<Provenance> {
  try {
    const { stdout } = await promisify(execFile)('git', ['log', '-1', '--format=%H%n%an <%ae>'], { cwd: dir });
    const [commit, author] = stdout.trim().split('\n');
    return commit ? { commit, ...(author ? { author } : {}) } : {};
  } catch {
    return {};
  }
}

/**
 * `gitProvenance` for a process that builds again and again (watch mode): git runs again only when
 * the checkout's HEAD, or the branch it names, moved. Spawning git cost each save about 20 ms of
 * the main thread (profiled) for an answer that changes only with a commit or a checkout. What
 * moved is read from git's own files: HEAD, then the branch's file, or `packed-refs` when the
 * branch has none (a ref is rewritten by renaming a new file over it, so its inode changes).
 * Where they cannot be read (no repository, refs kept another way), git runs every time.
 */
export function gitProvenanceOfCheckout(dir: string): () => Promise<Provenance> {
  const dirs = gitDirectories(dir);
  let last: { stamp: string; provenance: Promise<Provenance> } | undefined;
  return async () => {
    const stamp = dirs === undefined ? undefined : headStamp(dirs.gitDir, dirs.commonDir);
    if (stamp !== undefined && last?.stamp === stamp) return last.provenance;
    const provenance = gitProvenance(dir);
    last = stamp === undefined ? undefined : { stamp, provenance };
    return provenance;
  };
}

/**
 * The repository folder holding `dir`'s HEAD and the one holding its branches (a linked worktree's
 * differ), found as git finds them: the nearest `.git` folder, or `.git` file naming one, above
 * `dir`. Undefined outside a repository, or where the environment points git elsewhere.
 */
function gitDirectories(dir: string): { gitDir: string; commonDir: string } | undefined {
  if (process.env['GIT_DIR'] !== undefined || process.env['GIT_COMMON_DIR'] !== undefined) return undefined;
  try {
    for (let at = resolve(dir); ; at = dirname(at)) {
      const dotGit = join(at, '.git');
      const stats = statSync(dotGit, { throwIfNoEntry: false });
      let gitDir: string | undefined;
      if (stats?.isDirectory() === true) gitDir = dotGit;
      else if (stats?.isFile() === true) {
        const named = /^gitdir: (.+)$/m.exec(readFileSync(dotGit, 'utf8'))?.[1];
        if (named === undefined) return undefined;
        gitDir = resolve(at, named.trim());
      }
      if (gitDir !== undefined) {
        const common =
          statSync(join(gitDir, 'commondir'), { throwIfNoEntry: false }) === undefined ? undefined : readFileSync(join(gitDir, 'commondir'), 'utf8').trim();
        return { gitDir, commonDir: common === undefined ? gitDir : resolve(gitDir, common) };
      }
      if (dirname(at) === at) return undefined;
    }
  } catch {
    return undefined;
  }
}

/** What HEAD names and the identity of the file holding that commit; undefined when it cannot be told. */
function headStamp(gitDir: string, commonDir: string): string | undefined {
  try {
    const head = readFileSync(join(gitDir, 'HEAD'), 'utf8');
    const ref = /^ref: (\S+)\s*$/.exec(head)?.[1];
    if (ref === undefined) return head; // detached: HEAD holds the commit itself
    for (const file of [join(commonDir, ref), join(commonDir, 'packed-refs')]) {
      const stats = statSync(file, { bigint: true, throwIfNoEntry: false });
      if (stats !== undefined) return `${head}\0${file}\0${stats.ino}:${stats.size}:${stats.mtimeNs}`;
    }
    return undefined;
  } catch {
    return undefined;
  }
}
