// Nothing local speaks Secrets Manager: this answers GetSecretValue (AWS JSON 1.1) by version
// stage, and keeps versions as PutSecretValue does (the new one becomes AWSCURRENT, the one it
// replaces AWSPREVIOUS). Requests are recorded.

import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

interface Version {
  id: string;
  value: string;
  created: Date;
  stages: string[];
}

export interface FakeSecretsManager {
  url: string;
  /** GetSecretValue inputs, in order. */
  requests: { SecretId: string; VersionStage?: string }[];
  /** As `aws secretsmanager put-secret-value` (or the stack's creation, for the first) at `created`. */
  put(arn: string, value: string, created: Date): void;
  close(): Promise<void>;
}

export async function startFakeSecretsManager(): Promise<FakeSecretsManager> {
  const secrets = new Map<string, Version[]>();
  const requests: FakeSecretsManager['requests'] = [];
  const server: Server = createServer(async (request, response) => {
    let raw = '';
    for await (const chunk of request) raw += String(chunk);
    const reply = (status: number, body: unknown) => response.writeHead(status, { 'content-type': 'application/x-amz-json-1.1' }).end(JSON.stringify(body));
    if (request.headers['x-amz-target'] !== 'secretsmanager.GetSecretValue') {
      reply(400, { __type: 'InvalidRequestException', message: `Unsupported: ${String(request.headers['x-amz-target'])}` });
      return;
    }
    const input = JSON.parse(raw) as { SecretId: string; VersionStage?: string };
    requests.push(input);
    const stage = input.VersionStage ?? 'AWSCURRENT';
    const version = secrets.get(input.SecretId)?.find((candidate) => candidate.stages.includes(stage));
    if (version === undefined) {
      reply(400, { __type: 'ResourceNotFoundException', message: `Secrets Manager can't find the specified secret value for staging label: ${stage}` });
      return;
    }
    reply(200, {
      ARN: input.SecretId,
      Name: input.SecretId.split(':').at(-1),
      VersionId: version.id,
      SecretString: version.value,
      VersionStages: version.stages,
      CreatedDate: version.created.getTime() / 1000,
    });
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    put(arn, value, created) {
      const versions = secrets.get(arn) ?? [];
      for (const version of versions) version.stages = version.stages.includes('AWSCURRENT') ? ['AWSPREVIOUS'] : [];
      versions.push({ id: `v${versions.length + 1}`, value, created, stages: ['AWSCURRENT'] });
      secrets.set(arn, versions);
    },
    close: () => new Promise((done) => server.close(() => done())),
  };
}
