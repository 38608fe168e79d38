// One Lambda function with the team's defaults: Node 24 on arm64, our esbuild bundle (no Docker),
// its own role (no AWS managed policies), its own log group with a retention, X-Ray tracing, and
// memory and timeout from infra/functions.ts. Grants and environment variables are set together
// through `allow…` helpers, so a function can only use what it was given.

import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { acknowledge } from './acknowledgements.ts';
import { type FunctionName, functionSpecs } from './functions.ts';

export interface GazetteFunctionProps {
  name: FunctionName;
  /** Folder holding `<name>/index.mjs` (see infra/bundle.ts). */
  bundlesDir: string;
  environment?: Record<string, string>;
  logRetention?: logs.RetentionDays;
}

export class GazetteFunction extends Construct {
  readonly function: lambda.Function;
  readonly role: iam.Role;
  readonly logGroup: logs.LogGroup;
  readonly timeout: Duration;

  constructor(scope: Construct, id: string, props: GazetteFunctionProps) {
    super(scope, id);
    const spec = functionSpecs[props.name];
    this.timeout = Duration.seconds(spec.timeoutSeconds);
    this.logGroup = new logs.LogGroup(this, 'Logs', {
      retention: props.logRetention ?? logs.RetentionDays.THREE_MONTHS,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    this.role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `Gazette ${props.name} function: ${spec.summary}`,
    });
    this.logGroup.grantWrite(this.role);
    this.function = new lambda.Function(this, 'Function', {
      description: `Gazette ${props.name}: ${spec.summary}`,
      runtime: lambda.Runtime.NODEJS_24_X,
      architecture: lambda.Architecture.ARM_64,
      handler: 'index.handler',
      code: lambda.Code.fromAsset(`${props.bundlesDir}/${props.name}`),
      memorySize: spec.memoryMb,
      timeout: this.timeout,
      role: this.role,
      logGroup: this.logGroup,
      loggingFormat: lambda.LoggingFormat.JSON,
      tracing: lambda.Tracing.ACTIVE,
      environment: {
        AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
        ...props.environment,
      },
    });
    acknowledge(this.role, 'AwsSolutions-IAM5[Resource::*]',
      'X-Ray PutTraceSegments/PutTelemetryRecords (tracing) and DynamoDB ListStreams (stream event source) have no resource-level permissions; every data action is granted on named resources.');
  }

  /** Acknowledge a cdk-nag finding on this function, its role and its event sources. */
  acknowledge(id: string, reason: string): void {
    acknowledge(this, id, reason);
  }

  /** Add an environment variable (the value the function reads the granted resource by). */
  setEnv(name: string, value: string): void {
    this.function.addEnvironment(name, value);
  }

  /** Named actions on named resources: no wildcard actions. */
  allow(sid: string, actions: string[], resources: string[]): void {
    if (actions.some((action) => action.includes('*'))) throw new Error(`${sid}: grant named actions, not ${actions.join(', ')}.`);
    this.role.addToPrincipalPolicy(new iam.PolicyStatement({ sid, actions, resources }));
  }
}
