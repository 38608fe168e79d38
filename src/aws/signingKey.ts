// The manifest's signing key on AWS: an Ed25519 private key (PKCS#8 PEM, or base64 of its DER)
// in a Secrets Manager secret the stack creates, named to the publishing functions by
// SIGNING_KEY_SECRET_ARN. Read through the same cache as the partners' secrets (secrets.ts), so a
// rotated key signs within minutes. Until an operator puts a key, the secret holds the stack's
// placeholder: builds then publish the manifest unsigned and warn (publishing is not held up for
// a key nobody has put yet); a value that is neither fails the build, which is retried.

import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { parseSigningKey, type SigningKey } from '../manifest/signing.ts';
import type { ManifestSigner } from '../publish/signedManifest.ts';
import { logJson } from './log.ts';
import { cachedSecretReader, regionOption } from './secrets.ts';

export const SIGNING_KEY_SECRET_VARIABLE = 'SIGNING_KEY_SECRET_ARN';

/** The field of the stack's placeholder value (`{"unset": "<random>"}`), until a key is put. */
export const PLACEHOLDER_FIELD = 'unset';

export interface SecretSignerOptions {
  ttlMs?: number;
  now?: () => number;
  /** Told once per read that the secret still holds the placeholder. */
  warn?: (message: string) => void;
}

export function secretsManagerSigner(client: SecretsManagerClient, arn: string, options: SecretSignerOptions = {}): ManifestSigner {
  const read = cachedSecretReader(async (secretArn): Promise<SigningKey | undefined> => {
    const output = await client.send(new GetSecretValueCommand({ SecretId: secretArn, VersionStage: 'AWSCURRENT' }));
    const value = output.SecretString ?? '';
    if (isPlaceholder(value)) {
      options.warn?.(
        `The signing key secret ${secretArn} still holds the stack's placeholder, so the manifest is published unsigned. ` +
          `Put an Ed25519 key: \`openssl genpkey -algorithm ed25519 -out signing-key.pem && aws secretsmanager put-secret-value --secret-id ${secretArn}${regionOption(secretArn)} --secret-string file://signing-key.pem\`, then delete the file.`,
      );
      return undefined;
    }
    return parseSigningKey(value, `The secret ${secretArn} in Secrets Manager`);
  }, options);
  return { key: () => read(arn) };
}

function isPlaceholder(value: string): boolean {
  if (value.trim() === '') return true;
  if (!value.trimStart().startsWith('{')) return false;
  try {
    return PLACEHOLDER_FIELD in (JSON.parse(value) as object);
  } catch {
    return false;
  }
}

/**
 * The publishing functions' signer, from SIGNING_KEY_SECRET_ARN (set by the stack); undefined
 * when it is not set (a bundle run by hand): the manifest is then written unsigned.
 */
export function signerFromEnv(env: NodeJS.ProcessEnv = process.env): ManifestSigner | undefined {
  const arn = env[SIGNING_KEY_SECRET_VARIABLE];
  if (arn === undefined || arn === '') return undefined;
  const client = new SecretsManagerClient({ region: env['AWS_REGION'] ?? 'us-east-1' });
  return secretsManagerSigner(client, arn, { warn: (message) => logJson('warn', message, { secret: arn }) });
}
