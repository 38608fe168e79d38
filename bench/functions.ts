// Lambda bundles: size of each function's code (and of its run-time files, fonts apart) and its cold
// import time — a fresh Node process importing index.mjs, median of five — against the targets
// of issue 6. For a function whose bundle ships the fonts (it renders PDFs), also its cold start:
// a fresh process that imports the bundle and then does what its first call pays before it can
// render a PDF, the PDF renderer's modules evaluated and every face parsed. That is the bundle's
// own `pdfFonts()` (src/publish/renderJob.ts), reading the fonts shipped beside index.mjs.
// Both are timed inside the process, from before the import (Node's own start is not included).
// Each process gets the environment the stack gives that function, read from the CDK app.
// `npm run bench` calls benchFunctions(); alone: `node --import tsx bench/functions.ts`.

import { spawnSync } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CfnResource } from 'aws-cdk-lib';
import { CfnFunction } from 'aws-cdk-lib/aws-lambda';
import { createGazetteApp } from '../infra/app.ts';
import { bundleFunctions } from '../infra/bundle.ts';
import { type FunctionName, functionNames, repoRoot } from '../infra/functions.ts';

/** Issue 6: render ≤ 400 ms and ≤ 5 MB without fonts; feeds and notify ≤ 150 ms and ≤ 1 MB. */
const targets: Partial<Record<FunctionName, { ms: number; bytes: number }>> = {
  render: { ms: 400, bytes: 5 * 1024 * 1024 },
  release: { ms: 400, bytes: 5 * 1024 * 1024 },
  feeds: { ms: 150, bytes: 1024 * 1024 },
  notify: { ms: 150, bytes: 1024 * 1024 },
};

// Placeholders for the stack's resources: nothing is called, the handlers only need them set.
const REGION = 'us-east-1';
const ACCOUNT = '123456789012';
/** Resource types whose Ref is an ARN or a URL rather than a name. */
const refs: Record<string, (logicalId: string) => string> = {
  'AWS::SQS::Queue': (id) => `https://sqs.${REGION}.amazonaws.com/${ACCOUNT}/${id}`,
  'AWS::SecretsManager::Secret': (id) => arnOf('AWS::SecretsManager::Secret', id),
  'AWS::SNS::Topic': (id) => arnOf('AWS::SNS::Topic', id),
  'AWS::StepFunctions::StateMachine': (id) => arnOf('AWS::StepFunctions::StateMachine', id),
};
const arnOf = (type: string, id: string) => `arn:aws:${(type.split('::')[1] ?? 'unknown').toLowerCase()}:${REGION}:${ACCOUNT}:${id}`;
const pseudo: Record<string, string> = { 'AWS::Region': REGION, 'AWS::AccountId': ACCOUNT, 'AWS::Partition': 'aws', 'AWS::URLSuffix': 'amazonaws.com' };

/**
 * Each function's environment variables as the stack sets them: the app `cdk synth` builds, with
 * cdk.json's context, read from its construct tree (no synth: cdk-nag's checks are not needed for
 * this, and cost seconds). Resources are given placeholder names, ARNs and queue URLs.
 */
async function stackEnvironments(): Promise<Record<FunctionName, Record<string, string>>> {
  const dir = await mkdtemp(join(tmpdir(), 'gazette-bench-stack-'));
  try {
    // The stack needs a folder per function for its assets; placeholders spare hashing the fonts.
    for (const name of functionNames) {
      await mkdir(join(dir, 'bundles', name), { recursive: true });
      await writeFile(join(dir, 'bundles', name, 'index.mjs'), `export const handler = async () => ({}); // ${name}\n`);
    }
    const { context } = JSON.parse(await readFile(join(repoRoot, 'cdk.json'), 'utf8')) as { context?: Record<string, unknown> };
    const { stack } = createGazetteApp({ bundlesDir: join(dir, 'bundles'), outdir: join(dir, 'out'), ...(context === undefined ? {} : { context }) });
    const types = new Map<string, string>();
    for (const construct of stack.node.findAll()) {
      if (construct instanceof CfnResource) types.set(stack.getLogicalId(construct), construct.cfnResourceType);
    }
    const resolve = (value: unknown): string => {
      if (typeof value === 'string') return value;
      const ref = (value as { Ref?: string }).Ref;
      if (ref !== undefined) {
        const type = types.get(ref);
        return pseudo[ref] ?? (type === undefined ? ref : (refs[type]?.(ref) ?? ref));
      }
      const getAtt = (value as { 'Fn::GetAtt'?: [string, string] })['Fn::GetAtt'];
      if (getAtt !== undefined) {
        const [id, attribute] = getAtt;
        if (attribute === 'QueueUrl') return `https://sqs.${REGION}.amazonaws.com/${ACCOUNT}/${id}`;
        return attribute.endsWith('Arn') ? arnOf(types.get(id) ?? 'AWS::Unknown', id) : `${id}-${attribute}`;
      }
      const joined = (value as { 'Fn::Join'?: [string, unknown[]] })['Fn::Join'];
      if (joined !== undefined) return joined[1].map(resolve).join(joined[0]);
      throw new Error(`cannot give a placeholder for ${JSON.stringify(value)}: bench/functions.ts resolves strings, Ref, Fn::GetAtt and Fn::Join`);
    };
    const environments: Partial<Record<FunctionName, Record<string, string>>> = {};
    for (const construct of stack.node.findAll()) {
      if (!(construct instanceof CfnFunction)) continue;
      // GazetteFunction describes each function `Gazette <name>: <summary>`.
      const name = functionNames.find((candidate) => String(stack.resolve(construct.description)).startsWith(`Gazette ${candidate}:`));
      if (name === undefined) continue;
      const variables = (stack.resolve(construct.environment) as { variables?: Record<string, unknown> } | undefined)?.variables ?? {};
      environments[name] = Object.fromEntries(
        Object.entries(variables).map(([variable, value]) => {
          try {
            return [variable, resolve(value)];
          } catch (error) {
            throw new Error(`Function "${name}", environment variable ${variable}: ${(error as Error).message}`, { cause: error });
          }
        }),
      );
    }
    const missing = functionNames.filter((name) => environments[name] === undefined);
    if (missing.length > 0) {
      throw new Error(
        `The stack (infra/gazetteStack.ts) deploys no function described "Gazette <name>: …" for ${missing.join(', ')}; ` +
          'make each with GazetteFunction (infra/gazetteFunction.ts), or drop it from infra/functions.ts.',
      );
    }
    return environments as Record<FunctionName, Record<string, string>>;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

// Run as a Lambda init runs: import the bundle, then (cold start) load what the first PDF needs.
// A failure prints only the error's name and message: Node's own report starts with the source
// line, megabytes in a minified bundle.
const coldScript = `
const [entry, call] = process.argv.slice(1);
try {
  const cpu = process.cpuUsage();
  const started = performance.now();
  const bundle = await import(entry);
  const imported = performance.now();
  if (call) await bundle[call]();
  const ready = performance.now();
  const used = process.cpuUsage(cpu);
  process.stdout.write(JSON.stringify({
    importMs: imported - started,
    readyMs: ready - started,
    cpuMs: (used.user + used.system) / 1000,
    maxRssMb: process.resourceUsage().maxRSS / 1024,
  }));
} catch (error) {
  process.stderr.write(String(error?.name) + ': ' + String(error?.message));
  process.exitCode = 1;
}
`;

interface ColdRun {
  importMs: number;
  /** Until the import, and `call` when given, finished. */
  readyMs: number;
  cpuMs: number;
  maxRssMb: number;
}

/** One fresh process importing `entry` (then awaiting its export `call`) with exactly `env`, PATH and the region. */
function coldRun(name: FunctionName, entry: string, env: Record<string, string>, call?: string): ColdRun {
  const result = spawnSync(process.execPath, ['--input-type=module', '-e', coldScript, entry, ...(call === undefined ? [] : [call])], {
    encoding: 'utf8',
    env: { PATH: process.env['PATH'] ?? '', AWS_REGION: REGION, ...env },
  });
  if (result.status !== 0) {
    throw new Error(
      `The ${name} bundle failed to ${call === undefined ? 'import' : `import and run ${call}()`} in a fresh process, with the stack's environment ` +
        `for it (${Object.keys(env).join(', ')}): ${result.stderr.slice(0, 2000)}`,
    );
  }
  return JSON.parse(result.stdout) as ColdRun;
}

const PDF_FONTS_EXPORT = 'benchPdfFonts';

/**
 * A copy of the bundle beside it (so its files resolve the same) that also exports its `pdfFonts`,
 * which the handler calls before its first PDF. The minified bundle keeps function names
 * (esbuild's keepNames: `o(yTe,"pdfFonts")`), which is how the function is found.
 */
async function withPdfFontsExport(name: FunctionName, dir: string): Promise<string> {
  const code = await readFile(join(dir, 'index.mjs'), 'utf8');
  const found = [...code.matchAll(/[\w$]+\(([\w$]+),"pdfFonts"\)/g)].map((match) => match[1] as string);
  if (found.length !== 1) {
    throw new Error(
      `The ${name} bundle ships the fonts but ${found.length === 0 ? 'has no' : `has ${found.length}`} function named pdfFonts ` +
        '(src/publish/renderJob.ts, which loads the PDF renderer and parses the faces on the first PDF): update bench/functions.ts to what loads them now.',
    );
  }
  const entry = join(dir, 'bench-cold-start.mjs');
  await writeFile(entry, `${code}\nexport { ${found[0] as string} as ${PDF_FONTS_EXPORT} };\n`);
  return entry;
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? NaN;
const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(2)} MB`;
const ms = (values: number[]) => values.map((value) => value.toFixed(0)).join(', ');

/** `names` and `runs` narrow a check of the bench itself; the bench row is every function, five runs. */
export async function benchFunctions({ names = functionNames, runs = 5 }: { names?: readonly FunctionName[]; runs?: number } = {}): Promise<string[]> {
  const environments = await stackEnvironments();
  const dir = await mkdtemp(join(tmpdir(), 'gazette-bench-functions-'));
  try {
    const lines: string[] = [];
    for (const result of await bundleFunctions(names, { outDir: dir })) {
      const env = environments[result.name];
      const imports = Array.from({ length: runs }, () => coldRun(result.name, join(result.dir, 'index.mjs'), env));
      const importMs = median(imports.map((run) => run.importMs));
      const target = targets[result.name];
      const verdict =
        target === undefined
          ? ''
          : `  target ≤ ${target.ms} ms, ≤ ${mb(target.bytes)}: ${importMs <= target.ms && result.codeBytes <= target.bytes ? 'met' : 'MISSED'}`;
      lines.push(
        `function ${result.name.padEnd(9)} code ${mb(result.codeBytes)}, other files ${mb(result.assetBytes - result.fontBytes)}, fonts ${mb(result.fontBytes)}; ` +
          `cold import median of ${runs}: ${importMs.toFixed(0)} ms (${ms(imports.map((run) => run.importMs))}), ` +
          `${median(imports.map((run) => run.cpuMs)).toFixed(0)} ms CPU${verdict}`,
      );
      if (result.fontBytes === 0) continue;
      const entry = await withPdfFontsExport(result.name, result.dir);
      const starts = Array.from({ length: runs }, () => coldRun(result.name, entry, env, PDF_FONTS_EXPORT));
      lines.push(
        `function ${result.name.padEnd(9)} cold start (import, then the first PDF's renderer and font parsing) median of ${runs}: ` +
          `${median(starts.map((run) => run.readyMs)).toFixed(0)} ms (${ms(starts.map((run) => run.readyMs))}; ` +
          `import ${median(starts.map((run) => run.importMs)).toFixed(0)} ms + fonts ${median(starts.map((run) => run.readyMs - run.importMs)).toFixed(0)} ms), ` +
          `${median(starts.map((run) => run.cpuMs)).toFixed(0)} ms CPU, peak RSS ${median(starts.map((run) => run.maxRssMb)).toFixed(0)} MiB`,
      );
    }
    return lines;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] !== undefined && import.meta.url === new URL(`file://${process.argv[1]}`).href) {
  for (const line of await benchFunctions()) console.log(line);
}
