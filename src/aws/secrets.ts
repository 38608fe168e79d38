// Partner signing secrets on AWS: `{ awsSecret: ARN }` from Secrets Manager, `{ env: NAME }` from
// the function's environment, as locally. A value read from Secrets Manager is used for a few
// minutes (a new value is in use within `ttlMs`), and the version before it (stage AWSPREVIOUS)
// signs too while the current one is younger than `rotationWindowMs`, so a partner can move to the
// new secret at any time within that window.

import { GetSecretValueCommand, ResourceNotFoundException, type SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { environmentSecrets, MissingSecretError, type SecretResolver, type SigningSecrets } from '../delivery/secrets.ts';
import { checkSigningSecret, InvalidSecretError } from '../delivery/signing.ts';

export const DEFAULT_SECRET_TTL_MS = 5 * 60_000;
export const DEFAULT_ROTATION_WINDOW_HOURS = 24;
/** Environment variable of the notify function that overrides the rotation window, in hours. */
export const ROTATION_WINDOW_VARIABLE = 'SECRET_ROTATION_WINDOW_HOURS';

export interface AwsSecretsOptions {
  /** The function's environment, for `{ env: … }` references and the rotation window. */
  env?: NodeJS.ProcessEnv;
  /** How long a value read from Secrets Manager is used before it is read again. */
  ttlMs?: number;
  /** How long after a new value was put the previous one still signs; default from the environment, else 24 hours. */
  rotationWindowMs?: number;
  /** The clock, in epoch milliseconds. */
  now?: () => number;
}

interface Cached<T> {
  readAt: number;
  value: Promise<T>;
}

/**
 * A read of a Secrets Manager secret by ARN, kept for `ttlMs` (a new value is in use within that
 * time, without a read per use); a failed read is not kept, so the next use asks again. Shared by
 * the partners' webhook secrets and the manifest's signing key (src/aws/signingKey.ts).
 */
export function cachedSecretReader<T>(
  read: (arn: string, at: number) => Promise<T>,
  options: { ttlMs?: number; now?: () => number } = {},
): (arn: string) => Promise<T> {
  const ttlMs = options.ttlMs ?? DEFAULT_SECRET_TTL_MS;
  // Wall time: whether a monotonic clock advances while Lambda freezes the container is not ours to rely on.
  const now = options.now ?? (() => Date.now()); // eslint-disable-line no-restricted-syntax
  const cache = new Map<string, Cached<T>>();
  return (arn) => {
    const at = now();
    const cached = cache.get(arn);
    if (cached !== undefined && at - cached.readAt < ttlMs) return cached.value;
    const value = read(arn, at);
    value.catch(() => {
      if (cache.get(arn)?.value === value) cache.delete(arn);
    });
    cache.set(arn, { readAt: at, value });
    return value;
  };
}

export function awsSecrets(client: SecretsManagerClient, options: AwsSecretsOptions = {}): SecretResolver {
  const env = options.env ?? process.env;
  const rotationWindowMs = options.rotationWindowMs ?? rotationWindowFrom(env);
  const fromEnvironment = environmentSecrets(env);
  const fromSecretsManager = cachedSecretReader((arn, at) => readSecrets(client, arn, at, rotationWindowMs), {
    ...(options.ttlMs === undefined ? {} : { ttlMs: options.ttlMs }),
    ...(options.now === undefined ? {} : { now: options.now }),
  });
  return (ref) => {
    if ('env' in ref) {
      // Only variables meant for signing: never the function's own credentials or settings.
      if (!ref.env.startsWith('GAZETTE_SECRET_')) {
        return Promise.reject(
          new MissingSecretError(
            `On AWS, an environment secret must be named GAZETTE_SECRET_…, not ${ref.env}; better, reference it as { awsSecret: … } in partners.yaml.`,
          ),
        );
      }
      return fromEnvironment(ref).catch((error: unknown) => {
        if (error instanceof MissingSecretError) {
          throw new MissingSecretError(
            `The environment variable ${ref.env} is not set on the notify function; reference the secret as { awsSecret: … } in partners.yaml instead.`,
          );
        }
        throw error;
      });
    }
    return fromSecretsManager(ref.awsSecret);
  };
}

function rotationWindowFrom(env: NodeJS.ProcessEnv): number {
  const text = env[ROTATION_WINDOW_VARIABLE];
  if (text === undefined || text === '') return DEFAULT_ROTATION_WINDOW_HOURS * 3_600_000;
  const hours = Number(text);
  if (!Number.isFinite(hours) || hours < 0) throw new Error(`${ROTATION_WINDOW_VARIABLE} must be a number of hours (0 or more), not "${text}".`);
  return hours * 3_600_000;
}

async function readSecrets(client: SecretsManagerClient, arn: string, at: number, rotationWindowMs: number): Promise<SigningSecrets> {
  const current = await client.send(new GetSecretValueCommand({ SecretId: arn, VersionStage: 'AWSCURRENT' }));
  const value = current.SecretString ?? '';
  const putValue = `aws secretsmanager put-secret-value --secret-id ${arn}${regionOption(arn)} --secret-string 'whsec_…'`;
  if (value === '') {
    throw new MissingSecretError(
      `The secret ${arn} in Secrets Manager has no value, so nothing is sent to this partner. Put the whsec_… secret agreed with the partner: \`${putValue}\`.`,
    );
  }
  try {
    checkSigningSecret(value);
  } catch (error) {
    if (!(error instanceof InvalidSecretError)) throw error;
    // The stack creates each partner secret with a random placeholder, which is not a whsec_ secret.
    throw new InvalidSecretError(
      `The secret ${arn} in Secrets Manager does not hold a webhook signing secret (still the placeholder the stack created?): ${error.message} ` +
        `Nothing is sent to this partner until you put the whsec_… secret agreed with them: \`${putValue}\`; the waiting deliveries are sent on their next retry.`,
    );
  }
  const secrets: SigningSecrets = { current: value };
  const created = current.CreatedDate?.getTime();
  if (created !== undefined && at - created < rotationWindowMs) {
    const previous = await previousValue(client, arn);
    if (previous !== undefined) secrets.previous = previous;
  }
  return secrets;
}

/** The version before the current one, if there is one and it can sign (the stack's placeholder cannot). */
async function previousValue(client: SecretsManagerClient, arn: string): Promise<string | undefined> {
  try {
    const output = await client.send(new GetSecretValueCommand({ SecretId: arn, VersionStage: 'AWSPREVIOUS' }));
    return checkSigningSecret(output.SecretString ?? '');
  } catch (error) {
    if (error instanceof ResourceNotFoundException || error instanceof InvalidSecretError) return undefined;
    throw error;
  }
}

/** `--region <region>` for the CLI, from the ARN, so the command works whatever region the operator's CLI is set to. */
export function regionOption(arn: string): string {
  const region = arn.split(':')[3];
  return region === undefined || region === '' ? '' : ` --region ${region}`;
}
