// Partner signing secrets on AWS: `{ awsSecret: name }` from Secrets Manager (read once per
// container), `{ env: NAME }` from the function's environment, as locally.

import { GetSecretValueCommand, type SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { MissingSecretError, type SecretResolver } from '../delivery/secrets.ts';

export function awsSecrets(client: SecretsManagerClient, env: NodeJS.ProcessEnv = process.env): SecretResolver {
  const cache = new Map<string, Promise<string>>();
  return (ref) => {
    if ('env' in ref) {
      // Only variables meant for signing: never the function's own credentials or settings.
      if (!ref.env.startsWith('GAZETTE_SECRET_')) {
        return Promise.reject(new MissingSecretError(`On AWS, an environment secret must be named GAZETTE_SECRET_…, not ${ref.env}; better, reference it as { awsSecret: … } in partners.yaml.`));
      }
      const value = env[ref.env];
      if (value === undefined || value === '') {
        return Promise.reject(new MissingSecretError(`The environment variable ${ref.env} is not set on the notify function; reference the secret as { awsSecret: … } in partners.yaml instead.`));
      }
      return Promise.resolve(value);
    }
    const name = ref.awsSecret;
    let value = cache.get(name);
    if (value === undefined) {
      value = client.send(new GetSecretValueCommand({ SecretId: name })).then((output) => {
        if (output.SecretString === undefined || output.SecretString === '') {
          throw new MissingSecretError(`The secret ${name} in Secrets Manager has no value; set it with \`aws secretsmanager put-secret-value --secret-id ${name} --secret-string whsec_…\`.`);
        }
        return output.SecretString;
      });
      value.catch(() => cache.delete(name)); // a failure is retried on the next delivery
      cache.set(name, value);
    }
    return value;
  };
}
