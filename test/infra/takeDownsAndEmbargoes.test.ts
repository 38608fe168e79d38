// The synthesized template, for what withdrawals and embargoes need on AWS: the functions that
// finish builds may invalidate the site's distribution (and nothing else on CloudFront), and the
// feeds function's stream filter lets staged embargoes through as well as documents' commits.

import { marshall } from '@aws-sdk/util-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { synthesized } from '../helpers/synth.ts';

type Resource = { Type: string; Properties: Record<string, unknown> };

let resources: Record<string, Resource>;

const ofType = (type: string) => Object.entries(resources).filter(([, resource]) => resource.Type === type);
const json = (value: unknown) => JSON.stringify(value);
const functionId = (prefix: string) => ofType('AWS::Lambda::Function').find(([id]) => id.startsWith(prefix))?.[0] as string;

// The run's first synth may take minutes on a busy machine.
beforeAll(async () => {
  ({ resources } = await synthesized());
}, 180_000);

/** Every statement of every policy, with the roles it is attached to. */
function statements(): { roles: string; Action: string | string[]; Resource: unknown }[] {
  return ofType('AWS::IAM::Policy').flatMap(([, policy]) =>
    (policy.Properties['PolicyDocument'] as { Statement: { Action: string | string[]; Resource: unknown }[] }).Statement.map((statement) => ({
      roles: json(policy.Properties['Roles']),
      ...statement,
    })),
  );
}

describe('CloudFront invalidation', () => {
  it('is granted only to the functions that finish builds (render, release, finalize), on the site distribution only, and they are told its id', () => {
    const [distribution] = ofType('AWS::CloudFront::Distribution').map(([id]) => id);
    expect(distribution).toBeDefined();
    const invalidations = statements().filter((statement) => json(statement.Action).includes('cloudfront:'));
    expect(invalidations.map((statement) => [statement.Action, /Render|Release|Finalize/.exec(statement.roles)?.[0]]).sort()).toEqual([
      ['cloudfront:CreateInvalidation', 'Finalize'],
      ['cloudfront:CreateInvalidation', 'Release'],
      ['cloudfront:CreateInvalidation', 'Render'],
    ]);
    for (const statement of invalidations) {
      expect(json(statement.Resource)).toMatch(new RegExp(`:distribution/",\\{"Ref":"${distribution}"\\}`));
      expect(json(statement.Resource)).not.toContain('*');
    }
    for (const name of ['RenderFunction', 'ReleaseFunction', 'FinalizeFunction']) {
      const fn = resources[functionId(name)] as Resource;
      expect((fn.Properties['Environment'] as { Variables: Record<string, unknown> }).Variables['DISTRIBUTION_ID'], name).toEqual({ Ref: distribution });
    }
  });
});

describe('released embargoes', () => {
  it('are published by one release at a time: embargoes due together need one run, the others find nothing left', () => {
    expect(resources[functionId('Release')]?.Properties['ReservedConcurrentExecutions']).toBe(1);
  });

  it('let every function that publishes documents read the staged renders it copies files from', () => {
    const covers = (resource: unknown) => /\/private\/(scheduled\/)?\*/.test(json(resource));
    const readers = statements().filter((statement) => json(statement.Action).includes('s3:GetObject') && covers(statement.Resource));
    for (const role of ['Render', 'Release', 'RenderJob']) {
      expect(
        readers.some((statement) => new RegExp(`"${role}Role`).test(statement.roles)),
        role,
      ).toBe(true);
    }
  });
});

/** Whether a stream record passes an event filter pattern (the subset Lambda filters use here). */
function passes(pattern: unknown, value: unknown): boolean {
  if (Array.isArray(pattern)) {
    return pattern.some((rule) =>
      typeof rule === 'object' && rule !== null && 'prefix' in rule ? typeof value === 'string' && value.startsWith(String(rule.prefix)) : rule === value,
    );
  }
  if (typeof pattern !== 'object' || pattern === null || typeof value !== 'object' || value === null) return false;
  return Object.entries(pattern).every(([key, inner]) => passes(inner, (value as Record<string, unknown>)[key]));
}

describe('the feeds function’s table stream filter', () => {
  const record = (eventName: string, keys: { pk: string; sk: string }) => ({
    eventName,
    dynamodb: { Keys: marshall(keys), NewImage: marshall({ ...keys, title: 't' }) },
  });

  it('passes documents’ commits and staged embargoes, and nothing else of the table', () => {
    const mapping = ofType('AWS::Lambda::EventSourceMapping').find(
      ([, m]) => json(m.Properties['FunctionName']) === json({ Ref: functionId('FeedsFunction') }),
    );
    const patterns = ((mapping?.[1].Properties['FilterCriteria'] as { Filters: { Pattern: string }[] }).Filters ?? []).map(
      (filter) => JSON.parse(filter.Pattern) as unknown,
    );
    const delivered = (item: ReturnType<typeof record>) => patterns.some((pattern) => passes(pattern, item));
    expect(delivered(record('INSERT', { pk: 'DOC#press-2010-hotline', sk: 'META' }))).toBe(true);
    expect(delivered(record('MODIFY', { pk: 'DOC#press-2010-hotline', sk: 'META' }))).toBe(true);
    expect(delivered(record('INSERT', { pk: 'DOC#press-2010-embargoed', sk: 'SCHEDULED' }))).toBe(true);
    expect(delivered(record('MODIFY', { pk: 'DOC#press-2010-embargoed', sk: 'SCHEDULED' }))).toBe(true);
    // A release removes the staging: nothing to announce.
    expect(delivered(record('REMOVE', { pk: 'DOC#press-2010-embargoed', sk: 'SCHEDULED' }))).toBe(false);
    expect(delivered(record('INSERT', { pk: 'DOC#press-2010-hotline', sk: 'V#000001' }))).toBe(false);
    expect(delivered(record('INSERT', { pk: 'PARTNER#hnnews', sk: 'DELIVERY#msg_1' }))).toBe(false);
    expect(delivered(record('MODIFY', { pk: 'BUILD', sk: 'LEASE' }))).toBe(false);
  });
});
