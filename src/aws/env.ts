// Environment of a Lambda function, checked once per cold start: every missing variable is
// reported at once, so a misconfigured deployment fails on its first invocation with one message.

import { type AwsClients, createAwsClients } from '../store/clients.ts';

export class MissingEnvironmentError extends Error {
  override name = 'MissingEnvironmentError';
}

/** The named variables, all non-empty, or a MissingEnvironmentError naming every missing one. */
export function requireEnv<const Name extends string>(names: readonly Name[], env: NodeJS.ProcessEnv = process.env): Record<Name, string> {
  const missing = names.filter((name) => (env[name] ?? '') === '');
  if (missing.length > 0) {
    throw new MissingEnvironmentError(
      `The function is missing environment variable(s) ${missing.join(', ')}. They are set by the CDK stack (infra/); ` +
        'redeploy it, or set them when running the bundle by hand.',
    );
  }
  return Object.fromEntries(names.map((name) => [name, env[name] as string])) as Record<Name, string>;
}

/**
 * SDK clients for the function. On AWS the endpoints are unset; the smoke tests point the same
 * bundle at the embedded servers through the SDK's own `AWS_ENDPOINT_URL_S3` / `_DYNAMODB`.
 */
export function clientsFromEnv(env: NodeJS.ProcessEnv = process.env): AwsClients {
  return createAwsClients({
    region: env['AWS_REGION'] ?? 'us-east-1',
    ...(env['AWS_ENDPOINT_URL_S3'] ? { s3Endpoint: env['AWS_ENDPOINT_URL_S3'] } : {}),
    ...(env['AWS_ENDPOINT_URL_DYNAMODB'] ? { dynamodbEndpoint: env['AWS_ENDPOINT_URL_DYNAMODB'] } : {}),
    // Lambda handles one event at a time; a few sockets per client are plenty.
    maxSockets: 32,
  });
}

/** What Lambda passes as the handler's second argument (only what we read). */
export interface LambdaContext {
  getRemainingTimeInMillis?: () => number;
}

/**
 * How long an invocation may wait for the table's build lease: half of the time it has left, less
 * 30 s, so that once it holds the lease there is still time to finalize. Without this, a function
 * with a 120 s timeout would wait the default 15 minutes behind a long finalize and time out; with
 * it, the build fails in time and its batch is retried.
 */
export function leaseWaitMs(context: LambdaContext | undefined, fallbackMs = 900_000): number {
  return Math.max(0, (context?.getRemainingTimeInMillis?.() ?? fallbackMs) / 2 - 30_000);
}
