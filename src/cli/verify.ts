// `gazette verify <folder|url|file>`: check a copy of the site (a folder, the site or a mirror
// over http(s), the preview server), or one file someone passed on, against the signed manifest,
// and say everything that differs. Exit 0 only when nothing does.

import { readFile, stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { KEYS_PATH, type Manifest } from '../manifest/manifest.ts';
import { type JwkSet, parseKeySet } from '../manifest/signing.ts';
import {
  checkedManifest,
  type Problem,
  siteCopyOf,
  type SiteCopy,
  verifySingleFile,
  verifySiteCopy,
  type VerifyOptions,
  type VerifyReport,
} from '../manifest/verify.ts';
import { parseCommand } from './args.ts';
import type { CliIo } from './io.ts';

const help = `Usage: gazette verify <FOLDER|URL|FILE> [options]

Check a copy of the site against its signed manifest (/.well-known/gazette-manifest.json and
its signature gazette-manifest.jws): every listed file present with its SHA-256 and size, no file
the manifest does not list (folders only: a web server cannot be listed), the signature made by
a trusted key, and the manifest not older than the newest known. A single FILE (a PDF someone
sent) is looked up in the origin's manifest by its SHA-256. Exit 1 on any difference.

  FOLDER          a copy on disk (gazette build --out, a partner's mirror)
  URL             a site, a mirror or the preview server, e.g. http://localhost:4000/
  FILE            one file; needs --origin

Options:
  --origin SITE   the government's own site (URL or folder): its manifest is the newest, its keys
                  are trusted (unless --keys), and a copy serving an older manifest is stale
  --keys FILE|URL the trusted public keys (a JWK Set, /.well-known/gazette-keys.json as you saved
                  it when you first trusted the site); default: the origin's, else the copy's own
  --min-sequence N  the newest manifest sequence you have seen: an older one is a replay
  --unsigned-ok   accept a manifest without a signature (a local build without a key)
  -h, --help      show this help

Examples: gazette verify http://localhost:4000/
          gazette verify ./mirror --origin https://www.huainan.gov.cn/ --keys trusted-keys.json
          gazette verify 2010-05.pdf --origin https://www.huainan.gov.cn/
`;

export async function runVerify(argv: string[], io: CliIo): Promise<number> {
  const parsed = parseCommand(argv, io, {
    name: 'gazette verify',
    help,
    positionals: true,
    options: {
      origin: { type: 'string' },
      keys: { type: 'string' },
      'min-sequence': { type: 'string' },
      'unsigned-ok': { type: 'boolean', default: false },
    },
  });
  if (typeof parsed === 'number') return parsed;
  const { values, positionals } = parsed;
  if (positionals.length !== 1) {
    io.stderr.write(`gazette verify: name one copy to check (a folder, a URL or a file); got ${positionals.length}.\n\n${help}`);
    return 1;
  }
  const target = positionals[0] as string;
  try {
    const options: VerifyOptions = { allowUnsigned: values['unsigned-ok'] };
    if (values.keys !== undefined) options.keys = await readKeys(values.keys, io.cwd);
    const minSequence = values['min-sequence'];
    if (minSequence !== undefined) {
      const sequence = Number(minSequence);
      if (!Number.isInteger(sequence) || sequence < 1) throw new UsageError(`--min-sequence "${minSequence}" is not a manifest sequence number (1 or more).`);
      options.newest = { sequence, from: '--min-sequence' };
    }
    let origin: Manifest | undefined;
    if (values.origin !== undefined) {
      const copy = copyOf(values.origin, io.cwd);
      if (options.keys === undefined) options.keys = await ownKeys(copy);
      const report: VerifyReport = { checked: 0, problems: [], notes: [] };
      origin = await checkedManifest(copy, options, report);
      if (report.problems.length > 0 || origin === undefined) {
        io.stdout.write(`The origin's own manifest does not check out (${copy.name}):\n${lines(report.problems)}`);
        return 1;
      }
      if (origin.sequence > (options.newest?.sequence ?? 0)) options.newest = { sequence: origin.sequence, builtAt: origin.builtAt, from: copy.name };
      options.site = origin.site;
    }
    const local = /^https?:\/\//i.test(target) ? undefined : await stat(resolve(io.cwd, target)).catch(() => undefined);
    if (local?.isFile() === true) return await verifyFile(resolve(io.cwd, target), origin, io);
    if (local === undefined && !/^https?:\/\//i.test(target)) throw new UsageError(`${target} is neither a folder, a file nor an http(s) URL.`);
    const report = await verifySiteCopy(copyOf(target, io.cwd), options);
    io.stdout.write(summary(report));
    return report.problems.length === 0 ? 0 : 1;
  } catch (error) {
    io.stderr.write(`gazette verify: ${(error as Error).message}\n`);
    return 1;
  }
}

class UsageError extends Error {
  override name = 'UsageError';
}

function copyOf(target: string, cwd: string): SiteCopy {
  return siteCopyOf(/^https?:\/\//i.test(target) ? target : resolve(cwd, target));
}

async function verifyFile(path: string, origin: Manifest | undefined, io: CliIo): Promise<number> {
  if (origin === undefined) throw new UsageError("A single file is checked against the site's manifest: add --origin with the site (URL or folder).");
  const { match, problems } = verifySingleFile(await readFile(path), path, origin);
  if (match === undefined) {
    io.stdout.write(lines(problems));
    return 1;
  }
  const owner =
    match.id !== undefined
      ? `, document ${match.id} version ${match.version}`
      : match.issue !== undefined
        ? `, issue ${match.issue} version ${match.version}`
        : '';
  io.stdout.write(`${path} is /${match.path}${owner} of manifest #${origin.sequence} (${origin.builtAt}): unchanged.\n`);
  return 0;
}

async function readKeys(source: string, cwd: string): Promise<{ set: JwkSet; from: string }> {
  const text = /^https?:\/\//i.test(source)
    ? await (await fetch(source)).text()
    : await readFile(resolve(cwd, source), 'utf8').catch((error: unknown) => {
        throw new UsageError(`--keys ${source} cannot be read: ${(error as Error).message}.`);
      });
  const set = parseKeySet(text);
  if (set === undefined || set.keys.length === 0)
    throw new UsageError(`--keys ${source} is not a JWK Set with an Ed25519 key ({"keys":[{"kty":"OKP","crv":"Ed25519",…}]}).`);
  return { set, from: source };
}

async function ownKeys(copy: SiteCopy): Promise<{ set: JwkSet; from: string } | undefined> {
  const bytes = await copy.read(KEYS_PATH);
  const set = bytes === undefined ? undefined : parseKeySet(Buffer.from(bytes).toString('utf8'));
  return set === undefined ? undefined : { set, from: `${copy.name}/${KEYS_PATH}` };
}

function lines(problems: readonly Problem[]): string {
  return problems.map((problem) => `  ${problem.kind.padEnd(13)} ${problem.message}\n`).join('');
}

function summary(report: VerifyReport): string {
  const out: string[] = [];
  const { manifest } = report;
  if (manifest !== undefined) {
    const signed = report.keyId === undefined ? 'signature not verified' : `signed with key ${report.keyId} (trusted keys: ${report.keysFrom})`;
    out.push(`Manifest #${manifest.sequence} of ${manifest.builtAt} for ${manifest.site}: ${manifest.files.length} files, ${signed}.\n`);
  }
  for (const note of report.notes) out.push(`Note: ${note}\n`);
  if (report.problems.length === 0) {
    out.push(`All ${report.checked} files match.\n`);
    return out.join('');
  }
  out.push(lines(report.problems));
  const counts = new Map<string, number>();
  for (const problem of report.problems) counts.set(problem.kind, (counts.get(problem.kind) ?? 0) + 1);
  out.push(
    `${report.problems.length} problem${report.problems.length === 1 ? '' : 's'} (${[...counts].map(([kind, n]) => `${n} ${kind}`).join(', ')}) in ${report.checked} files checked.\n`,
  );
  return out.join('');
}
