// Partner secrets are referenced, never stored in content: an environment variable locally,
// AWS Secrets Manager on AWS (resolved by the Lambda wiring, which passes its own resolver).
// While a secret is being rotated, the one before it is resolved too, and every request is
// signed with both, so the partner's receiver verifies whichever of the two it holds.

import type { SecretRef } from './partners.ts';
import { checkSigningSecret, InvalidSecretError, type SigningSecrets } from './signing.ts';

export type { SigningSecrets } from './signing.ts';

export type SecretResolver = (ref: SecretRef) => Promise<SigningSecrets>;

export class MissingSecretError extends Error {
  override name = 'MissingSecretError';
}

/** The variable that holds the secret before `name`'s during a rotation. */
export const previousVariable = (name: string) => `${name}_PREVIOUS`;

/**
 * Resolve `{ env: NAME }` from an environment: `NAME` signs, and `NAME_PREVIOUS`, when set, signs
 * too (set it to the old value while the partner moves to the new one, then unset it). Any other
 * reference needs another resolver.
 */
export function environmentSecrets(env: Record<string, string | undefined>): SecretResolver {
  return async (ref) => {
    if (!('env' in ref)) {
      throw new MissingSecretError(`The secret ${ref.awsSecret} lives in AWS Secrets Manager; run on AWS or reference an environment variable locally.`);
    }
    const value = env[ref.env];
    if (value === undefined || value === '') {
      throw new MissingSecretError(`The environment variable ${ref.env} is not set; set it to the partner's whsec_… signing secret.`);
    }
    const previous = env[previousVariable(ref.env)];
    const fix = (name: string) => `Set ${name} to the whsec_… value agreed with the partner.`;
    const secrets: SigningSecrets = { current: checked(value, `The environment variable ${ref.env}`, fix(ref.env)) };
    if (previous !== undefined && previous !== '') {
      secrets.previous = checked(
        previous,
        `The environment variable ${previousVariable(ref.env)}`,
        `${fix(previousVariable(ref.env))} Unset it once the rotation is over.`,
      );
    }
    return secrets;
  };
}

function checked(value: string, where: string, fix: string): string {
  try {
    return checkSigningSecret(value);
  } catch (error) {
    if (!(error instanceof InvalidSecretError)) throw error;
    throw new InvalidSecretError(`${where} does not hold a webhook signing secret: ${error.message} ${fix}`);
  }
}
