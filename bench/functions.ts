// Lambda bundles: size of each function's code (and of its run-time files, fonts apart) and its cold
// import time — a fresh Node process importing index.mjs, median of five — against the targets
// of issue 6. `npm run bench` calls benchFunctions(); alone: `node --import tsx bench/functions.ts`.

import { spawnSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bundleFunctions } from '../infra/bundle.ts';
import { type FunctionName, functionNames } from '../infra/functions.ts';

const RUNS = 5;
/** Issue 6: render ≤ 400 ms and ≤ 5 MB without fonts; feeds and notify ≤ 150 ms and ≤ 1 MB. */
const targets: Partial<Record<FunctionName, { ms: number; bytes: number }>> = {
  render: { ms: 400, bytes: 5 * 1024 * 1024 },
  release: { ms: 400, bytes: 5 * 1024 * 1024 },
  feeds: { ms: 150, bytes: 1024 * 1024 },
  notify: { ms: 150, bytes: 1024 * 1024 },
};

const importScript = `
const started = performance.now();
await import(process.argv[1]);
process.stdout.write(String(performance.now() - started));
`;

/** Milliseconds to import `entry` in a fresh process, with the environment the stack sets. */
function coldImportMs(entry: string): number {
  const result = spawnSync(process.execPath, ['--input-type=module', '-e', importScript, entry], {
    encoding: 'utf8',
    env: {
      PATH: process.env['PATH'] ?? '',
      AWS_REGION: 'us-east-1',
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
      SOURCE_BUCKET: 'bench-source',
      SITE_BUCKET: 'bench-site',
      TABLE_NAME: 'bench-table',
      NOTIFY_QUEUE_URL: 'https://sqs.us-east-1.amazonaws.com/123456789012/bench',
      SCHEDULE_GROUP: 'bench-embargo',
      SCHEDULER_ROLE_ARN: 'arn:aws:iam::123456789012:role/bench',
      RELEASE_FUNCTION_ARN: 'arn:aws:lambda:us-east-1:123456789012:function:bench',
      RELEASE_DEAD_LETTER_ARN: 'arn:aws:sqs:us-east-1:123456789012:bench',
    },
  });
  if (result.status !== 0) throw new Error(`Importing ${entry} failed:\n${result.stderr.slice(-800)}`);
  return Number(result.stdout);
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? NaN;
const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(2)} MB`;

export async function benchFunctions(): Promise<string[]> {
  const dir = await mkdtemp(join(tmpdir(), 'gazette-bench-functions-'));
  try {
    const lines: string[] = [];
    for (const result of await bundleFunctions(functionNames, { outDir: dir })) {
      const times = Array.from({ length: RUNS }, () => coldImportMs(join(result.dir, 'index.mjs')));
      const ms = median(times);
      const target = targets[result.name];
      const verdict =
        target === undefined
          ? ''
          : `  target ≤ ${target.ms} ms, ≤ ${mb(target.bytes)}: ${ms <= target.ms && result.codeBytes <= target.bytes ? 'met' : 'MISSED'}`;
      lines.push(
        `function ${result.name.padEnd(7)} code ${mb(result.codeBytes)}, other files ${mb(result.assetBytes - result.fontBytes)}, fonts ${mb(result.fontBytes)}; ` +
          `cold import median of ${RUNS}: ${ms.toFixed(0)} ms (${times.map((t) => t.toFixed(0)).join(', ')})${verdict}`,
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
