// WebSub publish pings: tell each hub which of its topics (feed URLs) changed, after the feeds
// are written. Pings are hints (partners also get webhooks, and hubs poll), so a failing hub is
// reported, not queued, and never holds up its caller: every ping runs at once, each request has
// its own timeout, and whatever is still running when the total time or the invocation's deadline
// is up is aborted and reported.

import type { ChangedFeed } from '../publish/rebuildFeeds.ts';
import { feedFormats } from '../feeds/model.ts';
import type { Deadline } from './deadline.ts';
import type { NetworkMode } from './endpoint.ts';
import { postOnce } from './http.ts';

export interface HubPing {
  hub: string;
  topic: string;
  status?: number;
  error?: string;
}

export interface PublishToHubsOptions {
  changedFeeds: readonly ChangedFeed[];
  mode: NetworkMode;
  /** Per request (default 10 s). */
  timeoutMs?: number;
  /** All pings together, retries included (default 20 s). */
  totalTimeoutMs?: number;
  /** The invocation's deadline: no ping runs past it. */
  deadline?: Deadline;
  /** Attempts per ping (default 3), with `sleep(250·n)` between. */
  attempts?: number;
  sleep: (ms: number) => Promise<void>;
}

/** POST `hub.mode=publish&hub.url=<feed>` to the hub of every changed feed, one ping per feed format. Never throws. */
export async function publishToHubs(options: PublishToHubsOptions): Promise<HubPing[]> {
  const pings: { hub: string; topic: string }[] = [];
  for (const feed of options.changedFeeds) {
    if (feed.hubUrl === undefined) continue;
    for (const format of feedFormats) pings.push({ hub: feed.hubUrl, topic: feed.urls[format] });
  }
  if (pings.length === 0) return [];
  const budgetMs = Math.min(options.totalTimeoutMs ?? 20_000, options.deadline?.remainingMs() ?? Infinity);
  const stop = new AbortController();
  const timer = setTimeout(
    () => stop.abort(new Error(`the pings' ${Math.round(budgetMs)} ms ran out; the hub catches up at the next change or by polling`)),
    budgetMs,
  );
  const stopped = new Promise<void>((resolve) => stop.signal.addEventListener('abort', () => resolve(), { once: true }));
  try {
    return await Promise.all(pings.map(({ hub, topic }) => pingHub(hub, topic, options, stop.signal, stopped)));
  } finally {
    clearTimeout(timer);
  }
}

async function pingHub(hub: string, topic: string, options: PublishToHubsOptions, signal: AbortSignal, stopped: Promise<void>): Promise<HubPing> {
  const body = new URLSearchParams({ 'hub.mode': 'publish', 'hub.url': topic }).toString();
  let last: HubPing = { hub, topic };
  try {
    for (let attempt = 1; attempt <= (options.attempts ?? 3); attempt++) {
      const result = await postOnce(hub, {
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body,
        timeoutMs: options.timeoutMs ?? 10_000,
        mode: options.mode,
        signal,
      });
      last = { hub, topic, ...(result.status === undefined ? {} : { status: result.status }), ...(result.error === undefined ? {} : { error: result.error }) };
      if (result.error === undefined || result.error.startsWith('refused') || result.aborted === true) return last;
      await Promise.race([options.sleep(250 * attempt), stopped]);
      if (signal.aborted) return { ...last, error: `${last.error ?? 'failed'}; not retried: ${String((signal.reason as Error).message)}` };
    }
  } catch (error) {
    return { hub, topic, error: `ping failed: ${(error as Error).message}` };
  }
  return last;
}
