// Standard Webhooks signatures: `v1,<base64 HMAC-SHA256 of "<id>.<timestamp>.<body>">`, keyed by
// the base64 secret after the `whsec_` prefix.

import { createHmac } from 'node:crypto';

const SECRET_PREFIX = 'whsec_';

export class InvalidSecretError extends Error {
  override name = 'InvalidSecretError';
}

/** The HMAC key of a `whsec_…` secret. */
export function secretKey(secret: string): Buffer {
  const encoded = secret.startsWith(SECRET_PREFIX) ? secret.slice(SECRET_PREFIX.length) : secret;
  const key = Buffer.from(encoded, 'base64');
  if (key.length < 24 || key.toString('base64').replace(/=+$/, '') !== encoded.replace(/=+$/, '')) {
    throw new InvalidSecretError('A webhook secret is `whsec_` followed by base64 of 24 to 64 random bytes.');
  }
  return key;
}

export function signPayload(secret: string, id: string, timestamp: number, body: string): string {
  const digest = createHmac('sha256', secretKey(secret)).update(`${id}.${timestamp}.${body}`).digest('base64');
  return `v1,${digest}`;
}

/** The headers of one attempt: the id is the job's, stable across retries; the timestamp and signature are fresh. */
export function webhookHeaders(secret: string, id: string, sentAt: Date, body: string): Record<string, string> {
  const timestamp = Math.floor(sentAt.getTime() / 1000);
  return {
    'content-type': 'application/json',
    'webhook-id': id,
    'webhook-timestamp': String(timestamp),
    'webhook-signature': signPayload(secret, id, timestamp, body),
  };
}
