// One JSON line per log entry: CloudWatch Logs Insights can filter on its fields.

import type { BuildSummary } from '../publish/build.ts';

export function logJson(level: 'info' | 'warn' | 'error', message: string, fields: Record<string, unknown> = {}): void {
  const line = JSON.stringify({ level, message, ...fields });
  if (level === 'error') console.error(line);
  else console.log(line);
}

/**
 * A build's summary as a log line or a function's result carries it: its counts, and how many
 * records are published instead of the records. At 10,000 documents the records are megabytes of
 * JSON (about 8 MB), where CloudWatch Logs cuts an event at 256 KB, losing the counts after them,
 * and an asynchronous invocation's result must fit in 256 KB.
 */
export function summaryForLog(summary: BuildSummary): Omit<BuildSummary, 'published' | 'state'> & { published: number } {
  const { published, state: _state, ...counts } = summary;
  return { ...counts, published: published.length };
}
