import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { describe, expect, it } from 'vitest';
import { awsSecrets } from '../../src/aws/secrets.ts';

describe('partner secrets on AWS', () => {
  const env = { AWS_SECRET_ACCESS_KEY: 'function-credential', GAZETTE_SECRET_NEWS: 'whsec_news' };
  // Environment references never reach Secrets Manager, so no client is needed here.
  const secrets = awsSecrets({} as SecretsManagerClient, env);

  it('reads GAZETTE_SECRET_ variables from the environment', async () => {
    await expect(secrets({ env: 'GAZETTE_SECRET_NEWS' })).resolves.toBe('whsec_news');
  });

  it('refuses any other variable, so partners.yaml cannot make a function credential a signing key', async () => {
    await expect(secrets({ env: 'AWS_SECRET_ACCESS_KEY' })).rejects.toThrow(/GAZETTE_SECRET_/);
  });
});
