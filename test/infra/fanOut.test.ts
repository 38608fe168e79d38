// The fan-out in the synthesized template: render → RenderJobs queue → renderJob (many at once)
// → Finalize queue → finalize, each grant the narrowest the code needs, and a deploy that changes
// the render function rebuilds the site by itself.

import { Match } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { DEPLOY_REBUILD_EVENT } from '../../src/aws/deployRebuild.ts';
import { type SynthResource as Resource, synthesized as synth } from '../helpers/synth.ts';

/** The logical id of the function whose description starts with `Gazette <name>:`. */
function functionId(resources: Record<string, Resource>, name: string): string {
  const found = Object.entries(resources).find(
    ([, r]) => r.Type === 'AWS::Lambda::Function' && String(r.Properties['Description']).startsWith(`Gazette ${name}:`),
  );
  if (found === undefined) throw new Error(`no function ${name}`);
  return found[0];
}

// Synthesized before the tests, whose timeout is shorter than a synth's on a busy machine.
beforeAll(() => Promise.all([synth(), synth({ 'gazette:renderJobConcurrency': 40 })]), 180_000);

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
    // Both functions that plan builds hand many documents on: render, and release.
    for (const name of ['render', 'release']) {
      const fn = resources[functionId(resources, name)] as Resource;
      const env = (fn.Properties['Environment'] as { Variables: Record<string, unknown> }).Variables;
      expect(Object.keys(env), name).toContain('RENDER_JOBS_QUEUE_URL');
      // A build with only whole listings of a large site goes to finalize at once.
      expect(Object.keys(env), name).toContain('FINALIZE_QUEUE_URL');
    }
  });

  it('defaults to 100 render jobs at once', async () => {
    const { template, resources } = await synth();
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      FunctionName: { Ref: functionId(resources, 'renderJob') },
      ScalingConfig: { MaximumConcurrency: 100 },
    });
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

  it('invokes the render and feeds functions after each deploy of the stack, which rebuild when the render or feed code changed', async () => {
    const { template, resources } = await synth();
    const render = functionId(resources, 'render');
    const feeds = functionId(resources, 'feeds');
    template.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: {
        source: ['aws.cloudformation'],
        'detail-type': ['CloudFormation Stack Status Change'],
        detail: { 'stack-id': [{ Ref: 'AWS::StackId' }], 'status-details': { status: ['CREATE_COMPLETE', 'UPDATE_COMPLETE'] } },
      },
      Targets: [render, feeds].map((id) =>
        Match.objectLike({ Arn: { 'Fn::GetAtt': [id, 'Arn'] }, Input: JSON.stringify(DEPLOY_REBUILD_EVENT), DeadLetterConfig: Match.anyValue() }),
      ),
    });
    for (const id of [render, feeds]) {
      template.hasResourceProperties('AWS::Lambda::Permission', { FunctionName: { 'Fn::GetAtt': [id, 'Arn'] }, Principal: 'events.amazonaws.com' });
      // An invocation that failed goes to the deploy's dead-letter queue too, after Lambda's two retries.
      template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
        FunctionName: { Ref: id },
        MaximumRetryAttempts: 2,
        DestinationConfig: { OnFailure: { Destination: { 'Fn::GetAtt': [Match.stringLikeRegexp('^RebuildOnDeployFailures'), 'Arn'] } } },
      });
    }
    // One feeds run at a time: each reads the feeds' state and writes it last.
    template.hasResourceProperties('AWS::Lambda::Function', { Description: Match.stringLikeRegexp('^Gazette feeds:'), ReservedConcurrentExecutions: 1 });
  });
});
