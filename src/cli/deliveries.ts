// `gazette deliveries`: the partner delivery log, sending what is due, and re-driving dead jobs.

import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { SendMessageBatchCommand, SQSClient } from '@aws-sdk/client-sqs';
import { clientsFromEnv } from '../aws/env.ts';
import { parseYaml } from '../content/frontmatter.ts';
import { formatMessages } from '../content/messages.ts';
import { validateFrontMatter } from '../content/schemas.ts';
import { type EndpointCircuit, gateOf } from '../delivery/circuit.ts';
import { createDynamoDeliveryStore } from '../delivery/dynamodb.ts';
import { loadPartners, type Partner } from '../delivery/partners.ts';
import { environmentSecrets } from '../delivery/secrets.ts';
import { type DeliveryClock, redrive, sendPendingDeliveries } from '../delivery/send.ts';
import type { DeliveryJob, DeliveryStore } from '../delivery/store.ts';
import { parseCommand } from './args.ts';
import type { CliIo } from './io.ts';
import { parseStoreSet, startLocalStores, type StoreSet, STORES_USAGE } from './localStores.ts';

const help = `Usage:
  gazette deliveries [--partner ID] [--failed]   list the delivery log (attempts, status, latency, last error, open circuits)
  gazette deliveries send [--partner ID] [--wait] send the jobs that are due; --wait keeps retrying until none is pending
  gazette deliveries redrive [--partner ID]      re-enable disabled endpoints, close open circuits, re-send dead jobs

On the AWS deployment (list and redrive; its notify function does the sending):
  gazette deliveries [redrive] --target aws [--table NAME] [--notify-queue URL] [--partner ID]
                  redrive puts the dead jobs back in the deployed table, then queues the partners
                  for the notify function, which sends with the secrets from Secrets Manager

Options:
  --content DIR   content folder with site.yaml and partners.yaml (default: content)
  --data DIR      local data folder of the stores (default: .gazette)
  --target aws    the AWS deployment instead of the local stores (credentials and region from the
                  environment, as for the AWS CLI)
  --table NAME    its table: the stack output TableName (default: $GAZETTE_TABLE)
  --notify-queue URL  its notify queue: the stack output NotifyQueueUrl (default: $GAZETTE_NOTIFY_QUEUE_URL)
${STORES_USAGE}
  -h, --help      show this help

Signing secrets are read from the environment variables named in partners.yaml.
`;

export interface DeliveriesDeps {
  env?: Record<string, string | undefined>;
  /** The delivery store to use; by default the local one under --data. */
  openStore?: (dataDir: string, stores: StoreSet) => Promise<{ store: DeliveryStore; close(): Promise<void> }>;
  clock?: DeliveryClock;
}

export async function runDeliveries(argv: string[], io: CliIo, deps: DeliveriesDeps = {}): Promise<number> {
  const parsed = parseCommand(argv, io, {
    name: 'gazette deliveries',
    help,
    positionals: true,
    options: {
      partner: { type: 'string' },
      failed: { type: 'boolean', default: false },
      wait: { type: 'boolean', default: false },
      content: { type: 'string', default: 'content' },
      data: { type: 'string', default: '.gazette' },
      stores: { type: 'string' },
      target: { type: 'string' },
      table: { type: 'string' },
      'notify-queue': { type: 'string' },
    },
  });
  if (typeof parsed === 'number') return parsed;
  const { values, positionals } = parsed;
  let set: StoreSet;
  try {
    set = parseStoreSet(values.stores);
  } catch (error) {
    io.stderr.write(`gazette deliveries: ${(error as Error).message}\n`);
    return 1;
  }
  const action = positionals[0] ?? 'list';
  if (!['list', 'send', 'redrive'].includes(action) || positionals.length > 1) {
    io.stderr.write(`gazette deliveries: "${positionals.join(' ')}" is not a deliveries command.\n\n${help}`);
    return 1;
  }
  const env = deps.env ?? process.env;
  let aws: AwsTarget | undefined;
  if (values.target !== undefined) {
    const target = awsTarget(values, env, action);
    if (typeof target === 'string') {
      io.stderr.write(`gazette deliveries: ${target}\n`);
      return 1;
    }
    aws = target;
  }
  const contentDir = resolve(io.cwd, values.content);
  const partners = await readPartners(contentDir, io);
  if (partners === undefined) return 1;
  const selected = partners.filter((partner) => values.partner === undefined || partner.id === values.partner);
  if (values.partner !== undefined && selected.length === 0) {
    io.stderr.write(`gazette deliveries: no partner has the id "${values.partner}". Partners: ${partners.map((p) => p.id).join(', ') || '(none)'}.\n`);
    return 1;
  }
  const opened = aws !== undefined ? openAwsStore(aws, env) : await (deps.openStore ?? openLocalStore)(resolve(io.cwd, values.data), set);
  const clock = deps.clock ?? { now: () => io.now(), sleep: (ms: number) => new Promise<void>((done) => setTimeout(done, ms)) };
  try {
    const { store } = opened;
    if (action === 'list') {
      for (const partner of selected) await printLog(io, store, partner, values.failed, clock.now());
      return 0;
    }
    if (action === 'redrive') {
      const requeued = await redrive({ store, partners: selected, now: clock.now() });
      if (aws !== undefined) {
        await queueForNotify(
          aws,
          selected.map((partner) => partner.id),
          env,
        );
        io.stdout.write(
          `Re-queued ${requeued.length} dead job(s)${values.partner === undefined ? '' : ` of ${values.partner}`} in table ${aws.table}, and asked the notify function to send ` +
            `them (${selected.length} message(s) to ${aws.notifyQueueUrl}). Follow them with \`gazette deliveries --target aws\`.\n`,
        );
        return 0;
      }
      io.stdout.write(`Re-queued ${requeued.length} dead job(s)${values.partner === undefined ? '' : ` of ${values.partner}`}; sending now.\n`);
    }
    const summary = await sendPendingDeliveries({
      store,
      partners: selected,
      secrets: environmentSecrets(deps.env ?? process.env),
      clock,
      mode: 'local',
      untilSettled: values.wait,
    });
    io.stdout.write(
      `${summary.attempts} attempt(s): ${summary.delivered} delivered, ${summary.dead} dead, ${summary.pending} still pending` +
        (summary.nextAttemptAt === undefined ? '.\n' : `; next retry at ${summary.nextAttemptAt} (run \`gazette deliveries send\` again, or add --wait).\n`),
    );
    if (summary.openCircuits.length > 0) {
      io.stdout.write(
        `Circuit open for ${summary.openCircuits.join(', ')}: the endpoint kept failing (no answer, timeouts or 5xx), so its deliveries wait, ` +
          'without using attempts, until the cool-down ends and one trial request goes through; `gazette deliveries` shows since when and why.\n',
      );
    }
    if (summary.dead > 0)
      io.stdout.write('Dead jobs stay in the log: see `gazette deliveries --failed`, fix the endpoint, then `gazette deliveries redrive`.\n');
    return summary.dead > 0 ? 2 : 0;
  } finally {
    await opened.close();
  }
}

async function readPartners(contentDir: string, io: CliIo): Promise<Partner[] | undefined> {
  const siteText = await readFile(join(contentDir, 'site.yaml'), 'utf8').catch(() => undefined);
  if (siteText === undefined) {
    io.stderr.write(`gazette deliveries: ${join(contentDir, 'site.yaml')} does not exist; pass --content with the content folder.\n`);
    return undefined;
  }
  const site = validateFrontMatter('site', parseYaml(siteText).data).data;
  if (site === undefined) {
    io.stderr.write('gazette deliveries: site.yaml has errors; run `gazette check` to see them.\n');
    return undefined;
  }
  const { partners, messages } = await loadPartners(contentDir, site);
  if (partners === undefined) {
    io.stderr.write(formatMessages(messages, { contentDir: contentDir }));
    return undefined;
  }
  return partners;
}

interface AwsTarget {
  table: string;
  notifyQueueUrl: string;
}

/** The deployment's table and notify queue from the options or the environment, or what is missing and where to find it. */
function awsTarget(
  values: { target?: string | undefined; table?: string | undefined; 'notify-queue'?: string | undefined },
  env: Record<string, string | undefined>,
  action: string,
): AwsTarget | string {
  if (values.target !== 'aws') return `--target "${values.target}" is not a target; the only one is aws (leave it out for the local stores).`;
  if (action === 'send') {
    return "on AWS the notify function sends the deliveries, with the secrets from Secrets Manager: run `gazette deliveries redrive --target aws` to queue a partner's dead deliveries for it.";
  }
  const table = values.table ?? env['GAZETTE_TABLE'];
  const notifyQueueUrl = values['notify-queue'] ?? env['GAZETTE_NOTIFY_QUEUE_URL'];
  const missing = [
    ...(table ? [] : ['--table (the stack output TableName, or $GAZETTE_TABLE)']),
    ...(notifyQueueUrl || action !== 'redrive' ? [] : ['--notify-queue (the stack output NotifyQueueUrl, or $GAZETTE_NOTIFY_QUEUE_URL)']),
  ];
  if (missing.length > 0) {
    return `--target aws needs ${missing.join(' and ')}: \`aws cloudformation describe-stacks --stack-name Gazette --query "Stacks[0].Outputs"\` lists them.`;
  }
  return { table: table as string, notifyQueueUrl: notifyQueueUrl ?? '' };
}

/** The deployed table's delivery store (the notify function's own adapter). */
function openAwsStore(aws: AwsTarget, env: Record<string, string | undefined>) {
  const { dynamodb } = clientsFromEnv(env);
  return { store: createDynamoDeliveryStore({ client: dynamodb, table: aws.table }), close: async () => {} };
}

/** One message per partner on the notify queue, as the feeds function sends them: the notify function then sends what is due. */
async function queueForNotify(aws: AwsTarget, partnerIds: string[], env: Record<string, string | undefined>): Promise<void> {
  const accessKeyId = env['AWS_ACCESS_KEY_ID'];
  const secretAccessKey = env['AWS_SECRET_ACCESS_KEY'];
  const sessionToken = env['AWS_SESSION_TOKEN'];
  const sqs = new SQSClient({
    region: env['AWS_REGION'] ?? 'us-east-1',
    ...(env['AWS_ENDPOINT_URL_SQS'] ? { endpoint: env['AWS_ENDPOINT_URL_SQS'] } : {}),
    // The environment the command was given (the process's own by default); otherwise the SDK's default chain (profiles, SSO…).
    ...(accessKeyId && secretAccessKey ? { credentials: { accessKeyId, secretAccessKey, ...(sessionToken ? { sessionToken } : {}) } } : {}),
  });
  try {
    for (let start = 0; start < partnerIds.length; start += 10) {
      const batch = partnerIds.slice(start, start + 10);
      const sent = await sqs.send(
        new SendMessageBatchCommand({
          QueueUrl: aws.notifyQueueUrl,
          Entries: batch.map((partnerId, i) => ({ Id: String(i), MessageBody: JSON.stringify({ partnerId }) })),
        }),
      );
      if ((sent.Failed ?? []).length > 0) {
        throw new Error(
          `SQS refused ${sent.Failed?.length} notify message(s) (${JSON.stringify(sent.Failed)}). The jobs are back in the table as pending: ` +
            `the notify function sends them at the partner's next change, or run this command again.`,
        );
      }
    }
  } finally {
    sqs.destroy();
  }
}

/** The delivery store of the local stores, through the port like every other command. */
async function openLocalStore(dataDir: string, set: StoreSet) {
  const stores = await startLocalStores(dataDir, { stores: set });
  return { store: stores.deliveries, close: () => stores.stop() };
}

async function printLog(io: CliIo, store: DeliveryStore, partner: Partner, failedOnly: boolean, now: Date): Promise<void> {
  const [state, circuit] = await Promise.all([store.getPartnerState(partner.id), store.getCircuit(partner.id)]);
  const jobs = (await store.listJobs(partner.id)).filter((job) => !failedOnly || isFailed(job));
  const status = state.disabled ? `DISABLED (${state.reason ?? 'by an operator'})` : 'enabled';
  io.stdout.write(`${partner.id}  ${partner.name}  ${partner.webhook.url}  endpoint ${status}${describeCircuit(circuit, now)}\n`);
  if (jobs.length === 0) {
    io.stdout.write(failedOnly ? '  no failed deliveries\n\n' : '  no deliveries yet\n\n');
    return;
  }
  const rows = jobs.map((job) => [
    String(job.sequence),
    job.status,
    job.event.replace('document.', ''),
    `${job.documentId} v${job.version}`,
    String(job.attempts),
    job.lastStatus === undefined ? '-' : String(job.lastStatus),
    job.lastLatencyMs === undefined ? '-' : `${job.lastLatencyMs} ms`,
    job.status === 'pending' ? job.nextAttemptAt : (job.deliveredAt ?? '-'),
    job.lastError ?? '',
  ]);
  const header = ['seq', 'status', 'event', 'document', 'attempts', 'http', 'latency', 'next/delivered', 'last error'];
  const widths = header.map((title, i) => Math.max(title.length, ...rows.map((row) => (row[i] ?? '').length)));
  const line = (cells: string[]) => `  ${cells.map((cell, i) => (i === cells.length - 1 ? cell : cell.padEnd(widths[i] ?? 0))).join('  ')}`.trimEnd();
  io.stdout.write(`${[line(header), ...rows.map(line)].join('\n')}\n\n`);
}

/** The circuit as the operator needs it: nothing while closed. */
function describeCircuit(circuit: EndpointCircuit, now: Date): string {
  const gate = gateOf(circuit, now);
  const why = `${circuit.failures} failures in a row since ${circuit.openedAt ?? '?'}, last: ${circuit.lastError ?? '?'}`;
  if (gate.kind === 'open') return `, circuit OPEN until ${gate.until} (${why}); its deliveries wait, without using attempts; \`deliveries redrive\` closes it`;
  if (gate.kind === 'trial') return `, circuit half-open (${why}); the next send makes one trial request`;
  return '';
}

function isFailed(job: DeliveryJob): boolean {
  return job.status === 'dead' || (job.status === 'pending' && job.attempts > 0);
}
