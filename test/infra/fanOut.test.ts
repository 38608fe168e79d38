// The fan-out in the synthesized template: render → RenderJobs queue → renderJob (many at once)
// → Finalize queue → finalize, each grant the narrowest the code needs, and a deploy that changes
// the render function rebuilds the site by itself.

import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGazetteApp } from '../../infra/app.ts';
import { functionNames } from '../../infra/functions.ts';
import { DEPLOY_REBUILD_EVENT } from '../../src/aws/deployRebuild.ts';

type Resource = { Type: string; Properties: Record<string, unknown> };

let workDir: string;

// A synth costs seconds of CPU: each context is synthesized once per file, and the tests share it.
const synthesized = new Map<string, { template: Template; resources: Record<string, Resource> }>();

async function synth(context: Record<string, unknown> = {}): Promise<{ template: Template; resources: Record<string, Resource> }> {
  const key = JSON.stringify(context);
  const cached = synthesized.get(key);
  if (cached !== undefined) return cached;
  const { app } = createGazetteApp({ bundlesDir: join(workDir, 'bundles'), outdir: join(workDir, `out-${synthesized.size}`), context });
  const template = Template.fromStack(app.node.findChild('Gazette') as Stack);
  const result = { template, resources: template.toJSON().Resources as Record<string, Resource> };
  synthesized.set(key, result);
  return result;
}

/** The logical id of the function whose description starts with `Gazette <name>:`. */
function functionId(resources: Record<string, Resource>, name: string): string {
  const found = Object.entries(resources).find(([, r]) => r.Type === 'AWS::Lambda::Function' && String(r.Properties['Description']).startsWith(`Gazette ${name}:`));
  if (found === undefined) throw new Error(`no function ${name}`);
  return found[0];
}

beforeAll(async () => {
  workDir = await mkdtemp(join(tmpdir(), 'gazette-fanout-infra-'));
  for (const name of functionNames) {
    await mkdir(join(workDir, 'bundles', name), { recursive: true });
    await writeFile(join(workDir, 'bundles', name, 'index.mjs'), `export const handler = async () => ({}); // ${name}\n`);
  }
});

afterAll(async () => {
  await rm(workDir, { recursive: true, force: true });
});

describe('the fan-out of a full rebuild', () => {
  it('runs renderJob from its queue at the configured concurrency, and finalize from its own queue, one message at a time', async () => {
    const { template, resources } = await synth({ 'gazette:renderJobConcurrency': 40 });
    const renderJob = functionId(resources, 'renderJob');
    const finalize = functionId(resources, 'finalize');
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      FunctionName: { Ref: renderJob },
      BatchSize: 1,
      ScalingConfig: { MaximumConcurrency: 40 },
      FunctionResponseTypes: ['ReportBatchItemFailures'],
    });
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', { FunctionName: { Ref: finalize }, BatchSize: 1 });
    const render = resources[functionId(resources, 'render')] as Resource;
    const env = (render.Properties['Environment'] as { Variables: Record<string, unknown> }).Variables;
    expect(Object.keys(env)).toContain('RENDER_JOBS_QUEUE_URL');
    expect(JSON.stringify(template.toJSON())).toContain('FINALIZE_QUEUE_URL');
  });

  it('defaults to 100 render jobs at once', async () => {
    const { template, resources } = await synth();
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', { FunctionName: { Ref: functionId(resources, 'renderJob') }, ScalingConfig: { MaximumConcurrency: 100 } });
  });

  it('lets renderJob read its chunks and write documents, but not listings\u2019 private state or deletions', async () => {
    const { resources } = await synth();
    const policies = Object.values(resources).filter((r) => r.Type === 'AWS::IAM::Policy' && JSON.stringify(r.Properties['Roles']).includes('RenderJob'));
    const statements = policies.flatMap((p) => (p.Properties['PolicyDocument'] as { Statement: { Sid?: string; Action: string | string[] }[] }).Statement);
    const actions = statements.flatMap((statement) => [statement.Action].flat());
    expect(actions).toEqual(expect.arrayContaining(['s3:GetObject', 's3:PutObject', 'dynamodb:UpdateItem', 'sqs:SendMessage']));
    expect(actions).not.toContain('s3:DeleteObject');
    expect(actions).not.toContain('dynamodb:DeleteItem');
  });

  it('invokes the render function after each deploy of the stack, which rebuilds when the render code changed', async () => {
    const { template, resources } = await synth();
    const render = functionId(resources, 'render');
    template.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: {
        'source': ['aws.cloudformation'],
        'detail-type': ['CloudFormation Stack Status Change'],
        'detail': { 'stack-id': [{ Ref: 'AWS::StackId' }], 'status-details': { status: ['CREATE_COMPLETE', 'UPDATE_COMPLETE'] } },
      },
      Targets: [Match.objectLike({ Arn: { 'Fn::GetAtt': [render, 'Arn'] }, Input: JSON.stringify(DEPLOY_REBUILD_EVENT), DeadLetterConfig: Match.anyValue() })],
    });
    template.hasResourceProperties('AWS::Lambda::Permission', { FunctionName: { 'Fn::GetAtt': [render, 'Arn'] }, Principal: 'events.amazonaws.com' });
  });
});
