// `gazette deposit YEAR-NN` (or YEAR): the deposit package of a published issue for the reading points
// (查阅点), a BagIt bag written as a folder (and a ZIP with --zip); `gazette deposit --verify PATH`
// validates a bag folder or ZIP and says what is wrong with it.

import { mkdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join, relative, resolve } from 'node:path';
import { loadContent } from '../content/load.ts';
import { type Bag, baggingDate, depositName, issueDeposit, issuePdfRef, openBag, publishedArticles, verifyBag, zipBag } from '../deposit/index.ts';
import type { RecordStore, ObjectStore } from '../store/ports.ts';
import { parseCommand } from './args.ts';
import type { CliIo } from './io.ts';
import { startLocalStores } from './localStores.ts';

const help = `Usage: gazette deposit YEAR-NN [options]     one issue
       gazette deposit YEAR [options]        every published issue of a year
       gazette deposit --verify PATH

Write the deposit package of one published gazette issue for the reading points (查阅点): a
BagIt bag (RFC 8493) with the whole-issue PDF, each article's PDF and attachments as the site
publishes them, a Dublin Core record (dc.xml) and the disclosure fields (metadata.json) per
article, the issue's contents (contents.json), manifest-sha256.txt, tagmanifest-sha256.txt and
bag-info.txt. It is read from what the last build published (--data), so build first.

Options:
  --out DIR       folder to write bags into (default: deposits); a bag is DIR/gazette-YYYY-NN-deposit/
  --zip           also write DIR/gazette-YYYY-NN-deposit.zip, the same bytes as the issue page's download
  --content DIR   content folder, for site.yaml (default: content)
  --data DIR      local data folder of the embedded stores (default: .gazette)
  --verify PATH   check a bag folder or .zip instead: bagit.txt, every checksum, every payload file
                  listed, no file that no manifest lists, Payload-Oxum; exit 1 if anything is wrong
  -h, --help      show this help

Examples: gazette deposit 2010-05 --zip
          gazette deposit --verify deposits/gazette-2010-05-deposit.zip
`;

export interface DepositDeps {
  /** The stores to read; by default the embedded ones under --data. */
  stores?: { objects: ObjectStore; records: RecordStore };
}

export async function runDeposit(argv: string[], io: CliIo, deps: DepositDeps = {}): Promise<number> {
  const parsed = parseCommand(argv, io, {
    name: 'gazette deposit',
    help,
    positionals: true,
    options: {
      out: { type: 'string', default: 'deposits' },
      zip: { type: 'boolean', default: false },
      content: { type: 'string', default: 'content' },
      data: { type: 'string', default: '.gazette' },
      verify: { type: 'string' },
    },
  });
  if (typeof parsed === 'number') return parsed;
  const { values, positionals } = parsed;
  if (values.verify !== undefined) {
    if (positionals.length > 0) {
      io.stderr.write(`gazette deposit: --verify checks a bag; give no issue with it (got ${positionals.join(' ')}).\n`);
      return 1;
    }
    return verify(resolve(io.cwd, values.verify), io);
  }
  const target = positionals[0];
  const match = target === undefined ? null : /^(\d{4})(?:[-/](\d{1,2}))?$/.exec(target);
  if (match === null || positionals.length > 1) {
    io.stderr.write(
      `gazette deposit: ${target === undefined ? 'give the issue' : `"${positionals.join(' ')}" is not one issue or year`}; write it as YEAR-NN (one issue) or YEAR (every issue of that year), e.g. \`gazette deposit 2010-05\`.\n\n${help}`,
    );
    return 1;
  }
  const year = Number(match[1]);
  const number = match[2] === undefined ? undefined : Number(match[2]);
  const nothing = number === undefined ? `no issue of ${year} has been published` : `issue ${year}-${String(number).padStart(2, '0')} has not been published`;

  const { content, messages } = await loadContent(resolve(io.cwd, values.content));
  if (content === undefined) {
    const errors = messages.filter((message) => message.severity === 'error').length;
    io.stderr.write(`gazette deposit: the content folder has ${errors} error(s), so its site.yaml cannot be used. Run \`gazette check\` to see them.\n`);
    return 1;
  }
  const out = resolve(io.cwd, values.out);
  const data = resolve(io.cwd, values.data);
  // Starting the stores on a folder that is not there would make an empty one: say so instead.
  if (deps.stores === undefined && !(await exists(data))) {
    io.stderr.write(
      `gazette deposit: there is no local data folder at ${relative(io.cwd, data) || '.'}, so nothing has been published there. Run \`gazette build\` first, or pass --data with the folder a build used.\n`,
    );
    return 1;
  }
  const local = deps.stores === undefined ? await startLocalStores(data) : undefined;
  const stores: { objects: ObjectStore; records: RecordStore } | undefined = deps.stores ?? local;
  if (stores === undefined) throw new Error('unreachable: the local stores start when none are given');
  let written = 0;
  try {
    const published = (await stores.records.listIssues()).sort((a, b) => a.year - b.year || a.number - b.number);
    const issues = published.filter((issue) => issue.year === year && (number === undefined || issue.number === number));
    if (issues.length === 0) {
      const names = published.map((item) => `${item.year}-${String(item.number).padStart(2, '0')}`);
      io.stderr.write(
        `gazette deposit: ${nothing} in ${relative(io.cwd, data) || '.'}, so there is nothing to deposit. ` +
          (names.length === 0 ? 'Nothing has been published there yet: run `gazette build` first.\n' : `Published issues: ${names.join(', ')}.\n`),
      );
      return 1;
    }
    // Refused before anything is written, so a run either writes every bag asked for or none.
    for (const issue of issues) {
      const folder = join(out, depositName(issue));
      for (const path of [folder, ...(values.zip ? [`${folder}.zip`] : [])]) {
        if (await exists(path)) {
          io.stderr.write(
            `gazette deposit: ${relative(io.cwd, path)} exists already; a deposit is never written over. Remove it, or choose another folder with --out.\n`,
          );
          return 1;
        }
      }
    }
    for (const issue of issues) {
      const articles = await publishedArticles(issue, (id) => stores.records.getDocument(id));
      const pdf = issuePdfRef(issue);
      const bag = await issueDeposit({ objects: stores.objects, site: content.site, issue, articles, issuePdf: pdf === undefined ? undefined : { ref: pdf } });
      if (!(await writeDeposit(bag, values.zip ? baggingDate(issue, articles) : undefined, out, io))) return 1;
      written++;
    }
  } catch (error) {
    io.stderr.write(
      `gazette deposit: ${(error as Error).message}\n${written === 0 ? 'Nothing was written.' : `The ${written} bag(s) listed above were written; the others were not.`}\n`,
    );
    return 1;
  } finally {
    await local?.stop();
  }
  return 0;
}

/** Write one bag as a folder under `out` (and its ZIP when `zipDate` is given), then verify the folder. */
async function writeDeposit(bag: Bag, zipDate: string | undefined, out: string, io: CliIo): Promise<boolean> {
  const folder = join(out, bag.name);
  // Written beside its place and renamed, so a stopped command never leaves half a bag under the bag's name.
  const partial = `${folder}.partial`;
  await rm(partial, { recursive: true, force: true });
  for (const file of bag.files) {
    const path = join(partial, ...file.path.split('/'));
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, file.bytes);
  }
  await rename(partial, folder);
  const report = await verifyBag(await openBag(folder));
  if (report.problems.length > 0) {
    io.stderr.write(
      `gazette deposit: the bag written at ${relative(io.cwd, folder)} does not verify:\n${report.problems.map((problem) => `  ${problem}`).join('\n')}\n`,
    );
    return false;
  }
  io.stdout.write(`Wrote ${relative(io.cwd, folder)}/: ${report.payloadFiles} payload files, ${formatBytes(report.payloadBytes)}; verified.\n`);
  if (zipDate !== undefined) {
    const zipPath = `${folder}.zip`;
    await writeFile(`${zipPath}.partial`, zipBag(bag, zipDate));
    await rename(`${zipPath}.partial`, zipPath);
    io.stdout.write(`Wrote ${relative(io.cwd, zipPath)}.\n`);
  }
  return true;
}

async function verify(path: string, io: CliIo): Promise<number> {
  let report;
  try {
    report = await verifyBag(await openBag(path));
  } catch (error) {
    const missing = (error as NodeJS.ErrnoException).code === 'ENOENT';
    io.stderr.write(`gazette deposit --verify: ${missing ? `there is no file or folder at ${path}.` : `${path}: ${(error as Error).message}`}\n`);
    return 1;
  }
  if (report.problems.length > 0) {
    io.stderr.write(`${path}: not a valid bag, ${report.problems.length} problem(s):\n${report.problems.map((problem) => `  ${problem}`).join('\n')}\n`);
    return 1;
  }
  io.stdout.write(
    `${path}: valid bag ${report.name}, ${report.payloadFiles} payload files, ${formatBytes(report.payloadBytes)}; every checksum and the Payload-Oxum match.\n`,
  );
  return 0;
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}

function formatBytes(bytes: number): string {
  return bytes < 1024 * 1024 ? `${(bytes / 1024).toFixed(1)} KiB` : `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}
