// notifyPartners: the last step of a publish, after the feeds are written — WebSub pings for the
// feeds that changed, then one pass over the outbox. Retries that are not due yet stay queued.

import type { ChangedFeed } from '../publish/rebuildFeeds.ts';
import type { NetworkMode } from './endpoint.ts';
import type { Partner } from './partners.ts';
import type { SecretResolver } from './secrets.ts';
import { type DeliveryClock, sendPendingDeliveries, type SendSummary } from './send.ts';
import type { DeliveryStore } from './store.ts';
import { type HubPing, publishToHubs } from './websub.ts';

export interface NotifyPartnersInput {
  store: DeliveryStore;
  partners: readonly Partner[];
  changedFeeds: readonly ChangedFeed[];
  secrets: SecretResolver;
  clock: DeliveryClock;
  mode: NetworkMode;
}

export async function notifyPartners(input: NotifyPartnersInput): Promise<{ pings: HubPing[]; deliveries: SendSummary }> {
  const [pings, deliveries] = await Promise.all([
    publishToHubs({ changedFeeds: input.changedFeeds, mode: input.mode, sleep: input.clock.sleep }),
    sendPendingDeliveries({ store: input.store, partners: input.partners, secrets: input.secrets, clock: input.clock, mode: input.mode }),
  ]);
  return { pings, deliveries };
}
