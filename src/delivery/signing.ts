// Standard Webhooks signatures: `v1,<base64 HMAC-SHA256 of "<id>.<timestamp>.<body>">`, keyed by
// the base64 secret after the `whsec_` prefix. During a rotation a request carries one signature
// per secret, space-separated, as the specification allows; a receiver accepts any one it can verify.

import { createHmac } from 'node:crypto';

const SECRET_PREFIX = 'whsec_';

export class InvalidSecretError extends Error {
  override name = 'InvalidSecretError';
}

/** A partner's signing secrets: the one in use and, while a rotation is in progress, the one before it. */
export interface SigningSecrets {
  current: string;
  previous?: string;
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

/** `secret`, if it is a `whsec_…` secret a request can be signed with; throws InvalidSecretError otherwise. */
export function checkSigningSecret(secret: string): string {
  if (!secret.startsWith(SECRET_PREFIX)) throw new InvalidSecretError('A webhook secret starts with `whsec_`, followed by base64 of 24 to 64 random bytes.');
  secretKey(secret);
  return secret;
}

export function signPayload(secret: string, id: string, timestamp: number, body: string): string {
  const digest = createHmac('sha256', secretKey(secret)).update(`${id}.${timestamp}.${body}`).digest('base64');
  return `v1,${digest}`;
}

/** The headers of one attempt: the id is the job's, stable across retries; the timestamp and signatures are fresh. */
export function webhookHeaders(secrets: SigningSecrets | string, id: string, sentAt: Date, body: string): Record<string, string> {
  const { current, previous } = typeof secrets === 'string' ? { current: secrets, previous: undefined } : secrets;
  const timestamp = Math.floor(sentAt.getTime() / 1000);
  const signatures = [current, ...(previous === undefined || previous === current ? [] : [previous])].map((secret) => signPayload(secret, id, timestamp, body));
  return {
    'content-type': 'application/json',
    'webhook-id': id,
    'webhook-timestamp': String(timestamp),
    'webhook-signature': signatures.join(' '),
  };
}
