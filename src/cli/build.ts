// `gazette build` and `gazette release`: validate content, then publish what changed into the local
// stores, once or (`--watch`) on every change.

import type { CliIo } from './io.ts';
import { startLocalStores, STORES_USAGE } from './localStores.ts';
import { type BuildArgs, gitProvenance, loadAndReport, parseBuildArgs, publishLocally } from './localBuild.ts';

const help = `Usage: gazette build [options]

Validate content/, then publish every changed document: pages and files to the object store,
records to the record store, then the listing pages. Unchanged documents are skipped.

Options:
  --content DIR   content folder (default: content)
  --data DIR      local data folder of the stores (default: .gazette; with the embedded
                  stores the public site is the folder .gazette/objects/site/)
${STORES_USAGE}
  --out DIR       also write the public site as plain files (exactly the store's site/ objects;
                  hard links to the embedded store's files where the file system allows)
  --now ISO       the clock, e.g. 2010-06-01T09:00:00+08:00 (default: now)
  --verbose       list every document, including unchanged ones
  --no-pdf        render no PDFs of documents and issues (HTML, feeds and the rest only)
  --jobs N        render and commit changed documents in N worker processes, then write the
                  listings, search and feeds once in this one (default 1: this process, which
                  spreads rendering over worker threads when many documents changed)
  --watch         keep running and publish again whenever content/ changes
  -h, --help      show this help
`;
const releaseHelp = `Usage: gazette release [options]

Publish every embargoed document whose publishAt has come (by --now), exactly once: the same
flow as \`gazette build\`, which releases what is due too. Run it from a timer, or keep
\`gazette preview --build\` running, which releases documents when they are due.

Options: as for \`gazette build\` (--content, --data, --stores, --out, --now, --verbose, --jobs).
  -h, --help      show this help
`;

export async function runBuild(argv: string[], io: CliIo, command: 'build' | 'release' = 'build'): Promise<number> {
  const usage = command === 'build' ? help : releaseHelp;
  const parsed = parseBuildArgs(argv, io, {
    name: `gazette ${command}`,
    help: usage,
    extra: command === 'build' ? { watch: { type: 'boolean' }, jobs: { type: 'string' } } : { jobs: { type: 'string' } },
  });
  if (typeof parsed === 'number') return parsed;
  if (parsed.values['watch'] === true) return watchBuild(parsed.args, typeof parsed.values['now'] === 'string', io);
  // git runs while the content loads.
  const provenance = gitProvenance(parsed.args.content);
  const site = await loadAndReport(parsed.args, io);
  if (site === undefined) return 1;
  const stores = await startLocalStores(parsed.args.data, { stores: parsed.args.stores });
  try {
    return await publishLocally(site, stores, parsed.args, io, undefined, { provenance });
  } finally {
    await stores.stop();
  }
}

/** `gazette build --watch`: publish, then again on every change, until Ctrl+C. */
async function watchBuild(args: BuildArgs, fixedNow: boolean, io: CliIo): Promise<number> {
  const stores = await startLocalStores(args.data, { stores: args.stores });
  try {
    const { watchAndPublish } = await import('./watch.ts');
    const watch = await watchAndPublish({ args, stores, io, now: () => (fixedNow ? args.now : io.now()), releases: !fixedNow });
    await new Promise<void>((stop) => {
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    });
    await watch.close();
    return 0;
  } finally {
    await stores.stop();
  }
}
