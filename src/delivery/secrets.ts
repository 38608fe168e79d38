// Partner secrets are referenced, never stored in content: an environment variable locally,
// AWS Secrets Manager on AWS (resolved by the Lambda wiring, which passes its own resolver).

import type { SecretRef } from './partners.ts';

export type SecretResolver = (ref: SecretRef) => Promise<string>;

export class MissingSecretError extends Error {
  override name = 'MissingSecretError';
}

/** Resolve `{ env: NAME }` from an environment; any other reference needs another resolver. */
export function environmentSecrets(env: Record<string, string | undefined>): SecretResolver {
  return async (ref) => {
    if (!('env' in ref)) {
      throw new MissingSecretError(`The secret ${ref.awsSecret} lives in AWS Secrets Manager; run on AWS or reference an environment variable locally.`);
    }
    const value = env[ref.env];
    if (value === undefined || value === '') {
      throw new MissingSecretError(`The environment variable ${ref.env} is not set; set it to the partner's whsec_… signing secret.`);
    }
    return value;
  };
}
