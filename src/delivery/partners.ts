// Partners (`content/partners.yaml`): who takes what, where to push it, and a *reference* to the
// signing secret. Validated like all content: every problem is a positioned message.

import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { parseYaml, positionOfPath } from '../content/frontmatter.ts';
import type { ContentMessage, SiteConfig } from '../content/model.ts';
import { didYouMean } from '../content/suggest.ts';

export const PARTNERS_FILE = 'partners.yaml';

export { partnerTakes, type DocumentFacts, type Partner, type PartnerProfile, type SecretRef } from './partner.ts';
import type { Partner } from './partner.ts';

const nonEmpty = <T extends z.ZodType>(item: T) => z.array(item).min(1, 'List at least one value, or leave the field out to take all.');

/** The partition a region belongs to (China and GovCloud regions have their own). */
const partitionOf = (region: string) => (region.startsWith('cn-') ? 'aws-cn' : region.startsWith('us-gov-') ? 'aws-us-gov' : 'aws');

const SECRET_ARN = /^arn:(aws|aws-cn|aws-us-gov):secretsmanager:([a-z]{2}(?:-[a-z]+)+-\d+):(\d{12}):secret:[\w/+=.@-]+$/;

const awsSecretArn = z.string().superRefine((value, ctx) => {
  const match = SECRET_ARN.exec(value);
  if (match === null) {
    ctx.addIssue({
      code: 'custom',
      message: `"${value}" is not the ARN of a secret in AWS Secrets Manager. Copy it from the stack output PartnerSecret<n>Arn: arn:<partition>:secretsmanager:<region>:<12-digit account>:secret:<name>, where the partition is aws, aws-cn (China regions) or aws-us-gov (GovCloud).`,
    });
    return;
  }
  const [, partition, region] = match;
  const expected = partitionOf(region as string);
  if (partition !== expected) {
    ctx.addIssue({
      code: 'custom',
      message: `The region ${region} is in the ${expected} partition, so the ARN starts \`arn:${expected}:\`, not \`arn:${partition}:\`. Copy it from the stack output PartnerSecret<n>Arn.`,
    });
  }
});

const secretSchema = z.union([
  z.strictObject({ env: z.string().regex(/^[A-Z][A-Z0-9_]*$/, 'An environment variable name is upper-case letters, digits and `_`.') }),
  z.strictObject({ awsSecret: awsSecretArn }),
]);

const partnerSchema = z.strictObject({
  id: z.string().regex(/^[a-z0-9][a-z0-9-]{1,31}$/, 'A partner id is 2–32 lower-case letters, digits and `-`.'),
  name: z.string().min(1),
  takes: z.strictObject({
    kinds: nonEmpty(z.enum(['article', 'release', 'conference'])).optional(),
    departments: nonEmpty(z.string()).optional(),
    topics: nonEmpty(z.string()).optional(),
    languages: nonEmpty(z.enum(['zh-CN', 'en'])).optional(),
    fullText: z.boolean(),
  }),
  webhook: z.strictObject({
    url: z.url({ protocol: /^https?$/, error: 'The webhook endpoint must be an absolute http(s) URL.' }),
    secret: secretSchema,
  }),
  websubHub: z.url({ protocol: /^https?$/, error: 'The WebSub hub must be an absolute http(s) URL.' }).optional(),
  embargoAccess: z.boolean().optional(),
});

const partnersSchema = z.strictObject({ partners: z.array(partnerSchema) });

function message(line: number, column: number, ruleId: string, text: string, extra: Pick<ContentMessage, 'hint' | 'expected' | 'actual'> = {}): ContentMessage {
  return { file: PARTNERS_FILE, line, column, severity: 'error', message: text, ruleId, ...extra };
}

/**
 * Parse and check partners.yaml against the site: every problem at once, positioned.
 * `partners` is undefined when there is any error.
 */
export function parsePartners(text: string, site: SiteConfig): { partners?: Partner[]; messages: ContentMessage[] } {
  const parsed = parseYaml(text);
  const messages = parsed.problems.map((problem) =>
    message(problem.line, problem.column, problem.ruleId, problem.message, problem.hint === undefined ? {} : { hint: problem.hint }),
  );
  if (parsed.data === undefined) return { messages };
  const at = (path: readonly PropertyKey[], target: 'key' | 'value' = 'value') => positionOfPath(parsed, path, target);
  const result = partnersSchema.safeParse(parsed.data);
  if (!result.success) {
    for (const issue of result.error.issues) {
      const path = issue.path.filter((segment): segment is string | number => typeof segment !== 'symbol');
      if (issue.code === 'unrecognized_keys') {
        for (const key of issue.keys) {
          const { line, column } = at([...path, key], 'key');
          const hint = didYouMean(key, knownFields(path));
          messages.push(message(line, column, 'unknown-field', `\`${key}\` is not a field here.`, hint === undefined ? {} : { hint }));
        }
        continue;
      }
      const { line, column } = at(path);
      const where = path.length === 0 ? 'partners.yaml' : `\`${path.join('.')}\``;
      messages.push(message(line, column, 'invalid-partner', `${where}: ${issue.message}`));
    }
    return { messages };
  }
  const partners = result.data.partners as Partner[];
  const departments = site.departments.map((department) => department.name);
  const topics = site.topics.map((topic) => topic.name);
  const seen = new Map<string, number>();
  partners.forEach((partner, i) => {
    const first = seen.get(partner.id);
    if (first !== undefined) {
      const { line, column } = at(['partners', i, 'id']);
      messages.push(
        message(line, column, 'duplicate-partner-id', `The partner id \`${partner.id}\` is used twice.`, {
          hint: `Partner ids are permanent; give this one another id (the first is partners[${first}]).`,
        }),
      );
    }
    seen.set(partner.id, i);
    checkNames(partner.takes.departments ?? [], departments, ['partners', i, 'takes', 'departments'], 'unknown-department', '发布机构');
    checkNames(partner.takes.topics ?? [], topics, ['partners', i, 'takes', 'topics'], 'unknown-topic', '主题分类');
  });
  return messages.length === 0 ? { partners, messages } : { messages };

  function checkNames(values: string[], known: string[], path: (string | number)[], ruleId: string, label: string) {
    values.forEach((value, j) => {
      if (known.includes(value)) return;
      const { line, column } = at([...path, j]);
      const hint = didYouMean(value, known) ?? `Use a name exactly as in site.yaml.`;
      messages.push(message(line, column, ruleId, `${label} "${value}" is not in site.yaml.`, { hint }));
    });
  }
}

function knownFields(path: readonly (string | number)[]): string[] {
  const last = path.filter((segment) => typeof segment === 'string').at(-1);
  if (last === 'takes') return Object.keys(partnerSchema.shape.takes.shape);
  if (last === 'webhook') return Object.keys(partnerSchema.shape.webhook.shape);
  if (last === 'secret') return ['env', 'awsSecret'];
  if (last === 'partners') return Object.keys(partnerSchema.shape);
  return ['partners'];
}

/** Read `<contentRoot>/partners.yaml`; a missing file means no partners. */
export async function loadPartners(contentRoot: string, site: SiteConfig): Promise<{ partners?: Partner[]; messages: ContentMessage[] }> {
  let text: string;
  try {
    text = await readFile(join(contentRoot, PARTNERS_FILE), 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { partners: [], messages: [] };
    throw error;
  }
  return parsePartners(text, site);
}
