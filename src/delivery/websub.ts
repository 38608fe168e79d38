// WebSub publish pings: tell each hub which of its topics (feed URLs) changed, after the feeds
// are written. Pings are hints (partners also get webhooks), so a failing hub is reported, not queued.

import type { ChangedFeed } from '../feeds/rebuild.ts';
import { feedFormats } from '../feeds/model.ts';
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
  timeoutMs?: number;
  /** Attempts per ping (default 3), with `sleep(250·n)` between. */
  attempts?: number;
  sleep: (ms: number) => Promise<void>;
}

/** POST `hub.mode=publish&hub.url=<feed>` to the hub of every changed feed, one ping per feed format. */
export async function publishToHubs(options: PublishToHubsOptions): Promise<HubPing[]> {
  const pings: { hub: string; topic: string }[] = [];
  for (const feed of options.changedFeeds) {
    if (feed.hubUrl === undefined) continue;
    for (const format of feedFormats) pings.push({ hub: feed.hubUrl, topic: feed.urls[format] });
  }
  return Promise.all(pings.map(async ({ hub, topic }): Promise<HubPing> => {
    const body = new URLSearchParams({ 'hub.mode': 'publish', 'hub.url': topic }).toString();
    let last: HubPing = { hub, topic };
    for (let attempt = 1; attempt <= (options.attempts ?? 3); attempt++) {
      const result = await postOnce(hub, {
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body,
        timeoutMs: options.timeoutMs ?? 15_000,
        mode: options.mode,
      });
      last = { hub, topic, ...(result.status === undefined ? {} : { status: result.status }), ...(result.error === undefined ? {} : { error: result.error }) };
      if (result.error === undefined || result.error.startsWith('refused')) return last;
      await options.sleep(250 * attempt);
    }
    return last;
  }));
}
