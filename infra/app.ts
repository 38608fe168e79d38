// The CDK app: `npx cdk synth` / `npx cdk deploy` (cdk.json runs this file). Bundles the functions
// first (esbuild, ~2 s, no Docker), then builds one environment-agnostic stack checked by cdk-nag's
// AWS Solutions and Serverless rule packs: any unacknowledged finding fails the synth.

import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks, ServerlessChecks } from 'cdk-nag';
import { bundleFunctions } from './bundle.ts';
import { bundlesDir as defaultBundlesDir } from './functions.ts';
import { GazetteStack } from './gazetteStack.ts';

export interface GazetteAppOptions {
  bundlesDir?: string;
  /** Context values (tests pass them; the CLI reads cdk.json). */
  context?: Record<string, unknown>;
  outdir?: string;
}

export function createGazetteApp(options: GazetteAppOptions = {}): { app: App; stack: GazetteStack } {
  const app = new App({
    ...(options.context === undefined ? {} : { context: options.context }),
    ...(options.outdir === undefined ? {} : { outdir: options.outdir }),
  });
  // CDK types context values `any`: they are JSON from cdk.json or strings from `-c`, so each is checked here.
  const context = (key: string): unknown => app.node.tryGetContext(key);
  const partnerSecrets = namesFrom('gazette:partnerSecrets', context('gazette:partnerSecrets'));
  const domainName = textFrom('gazette:domainName', context('gazette:domainName'));
  const certificateArn = textFrom('gazette:certificateArn', context('gazette:certificateArn'));
  if ((domainName === undefined) !== (certificateArn === undefined)) {
    throw new Error('Set both gazette:domainName and gazette:certificateArn (an ACM certificate in us-east-1), or neither.');
  }
  const alarmEmails = emailsFrom(context('gazette:alarmEmail'));
  const noncurrentVersionDays = daysFrom(context('gazette:noncurrentVersionDays'));
  const renderJobConcurrency = concurrencyFrom(context('gazette:renderJobConcurrency'));
  const stack = new GazetteStack(app, textFrom('gazette:stackName', context('gazette:stackName')) ?? 'Gazette', {
    description: 'Gazette: government gazette and press office publishing (site, render, feeds, partner notifications, embargo releases)',
    bundlesDir: options.bundlesDir ?? defaultBundlesDir,
    ...(partnerSecrets === undefined ? {} : { partnerSecrets }),
    ...(domainName === undefined || certificateArn === undefined ? {} : { domain: { name: domainName, certificateArn } }),
    alarmEmails,
    ...(noncurrentVersionDays === undefined ? {} : { noncurrentVersionDays }),
    ...(renderJobConcurrency === undefined ? {} : { renderJobConcurrency }),
  });
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app), new ServerlessChecks(app));
  return { app, stack };
}

/** A name, domain or ARN: text, as `-c` passes it. */
function textFrom(key: string, value: unknown): string | undefined {
  if (value === undefined || typeof value === 'string') return value;
  throw new Error(`${key} is ${JSON.stringify(value)}: give it as text, in cdk.json or with -c ${key}=...`);
}

/** The names of the partners' signing secrets: a list in cdk.json. */
function namesFrom(key: string, value: unknown): string[] | undefined {
  if (value === undefined) return undefined;
  if (Array.isArray(value) && value.every((item): item is string => typeof item === 'string')) return value;
  throw new Error(`${key} is ${JSON.stringify(value)}: give a list of secret names in cdk.json, e.g. "${key}": ["gazette/partners/hnnews"].`);
}

/** One address or several: a list in cdk.json, or comma-separated with `-c` (which passes strings). */
function emailsFrom(value: unknown): string[] {
  if (value === undefined) return [];
  const list: unknown[] = Array.isArray(value) ? value : typeof value === 'string' ? value.split(',') : [value];
  // Anything but text is not an address: it is shown as written, and reported below.
  const emails = list.map((item) => (typeof item === 'string' ? item : JSON.stringify(item)).trim()).filter((item) => item !== '');
  const invalid = emails.filter((email) => !/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(email));
  if (invalid.length > 0)
    throw new Error(`gazette:alarmEmail: ${invalid.join(', ')} is not an e-mail address. Give one address, or several separated by commas.`);
  return emails;
}

/** `-c` passes the number as a string; cdk.json as a number. */
function daysFrom(value: unknown): number | undefined {
  if (value === undefined) return undefined;
  const days = Number(value);
  if (!Number.isInteger(days) || days < 1)
    throw new Error(
      `gazette:noncurrentVersionDays is ${JSON.stringify(value)}: give the whole number of days (1 or more) the buckets keep old versions of replaced and deleted objects.`,
    );
  return days;
}

/** SQS event sources take a maximum concurrency from 2 to 1000. */
function concurrencyFrom(value: unknown): number | undefined {
  if (value === undefined) return undefined;
  const count = Number(value);
  if (!Number.isInteger(count) || count < 2 || count > 1000)
    throw new Error(
      `gazette:renderJobConcurrency is ${JSON.stringify(value)}: give the number of render jobs to run at once in a fanned-out build, from 2 to 1000 (SQS event sources' limits; mind the account's Lambda concurrency).`,
    );
  return count;
}

if (process.argv[1] !== undefined && import.meta.url === new URL(`file://${process.argv[1]}`).href) {
  if (process.env['GAZETTE_SKIP_BUNDLE'] !== '1') await bundleFunctions();
  createGazetteApp().app.synth();
}
