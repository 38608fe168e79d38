// Delivery to partner sites: partners.yaml, the outbox, signed webhooks, WebSub pings. The store
// adapters (dynamodb.ts, sqlite.ts) are a layer above: import them from their own modules.
export { loadPartners, parsePartners, partnerTakes, PARTNERS_FILE, type Partner, type PartnerProfile, type SecretRef } from './partners.ts';
export { eventOf, messageId, recordDeliveries, webhookPayload, type DocumentChange, type WebhookPayload } from './outbox.ts';
export { redrive, sendPendingDeliveries, type DeliveryClock, type SendOptions, type SendSummary } from './send.ts';
export { publishToHubs, type HubPing } from './websub.ts';
export { notifyPartners, type NotifyPartnersInput } from './notify.ts';
export { signPayload, webhookHeaders } from './signing.ts';
export { environmentSecrets, MissingSecretError, type SecretResolver } from './secrets.ts';
export { endpointProblem, isSpecialAddress, type NetworkMode } from './endpoint.ts';
export { defaultRetryPolicy, type RetryPolicy } from './retry.ts';
export type { DeliveryAttempt, DeliveryEvent, DeliveryJob, DeliveryStatus, DeliveryStore, PartnerDeliveryState } from './store.ts';
