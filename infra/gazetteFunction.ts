// One Lambda function with the team's defaults: Node 24 on arm64, our esbuild bundle (no Docker),
// its own role (no AWS managed policies), its own log group with a retention, X-Ray tracing,
// memory, timeout and /tmp size from infra/functions.ts, and alarms on its errors and throttles.
// Grants and environment variables are set together through `allow…` helpers, so a function can
// only use what it was given.

import { Duration, RemovalPolicy, Size } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
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
  /** Invocations that may run at once (reserved concurrency); default: the account's unreserved pool. */
  reservedConcurrency?: number;
}

export class GazetteFunction extends Construct {
  readonly function: lambda.Function;
  readonly role: iam.Role;
  readonly logGroup: logs.LogGroup;
  readonly timeout: Duration;
  /** Errors and throttles; infra/alarms.ts sends every alarm of the stack to the operators. */
  readonly alarms: cloudwatch.Alarm[];

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
      ephemeralStorageSize: Size.mebibytes(spec.ephemeralStorageMb),
      timeout: this.timeout,
      ...(props.reservedConcurrency === undefined ? {} : { reservedConcurrentExecutions: props.reservedConcurrency }),
      role: this.role,
      logGroup: this.logGroup,
      loggingFormat: lambda.LoggingFormat.JSON,
      tracing: lambda.Tracing.ACTIVE,
      environment: {
        AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
        ...props.environment,
      },
    });
    this.alarms = this.failureAlarms(props.name);
    acknowledge(
      this.role,
      'AwsSolutions-IAM5[Resource::*]',
      'X-Ray PutTraceSegments/PutTelemetryRecords (tracing) and DynamoDB ListStreams (stream event source) have no resource-level permissions; every data action is granted on named resources.',
    );
  }

  private failureAlarms(name: FunctionName): cloudwatch.Alarm[] {
    const period = Duration.minutes(5);
    const logs = `Read its log group ${this.logGroup.logGroupName}`;
    return [
      new cloudwatch.Alarm(this, 'ErrorsAlarm', {
        alarmDescription:
          `The ${name} function failed in the last 5 minutes: an error it did not handle, a timeout ` +
          `(${this.timeout.toSeconds()} s), or out of memory or /tmp space. Its events are retried, then go to a dead-letter ` +
          `queue (which has its own alarm). ${logs} (Logs Insights: level = "ERROR", or record.status other than "success"), ` +
          'fix the cause, and redrive what reached the dead-letter queue.',
        metric: this.function.metricErrors({ period, statistic: 'Sum' }),
        threshold: 1,
        evaluationPeriods: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      }),
      // One throttle is a burst Lambda absorbs by retrying; fifteen minutes of them is a limit reached.
      new cloudwatch.Alarm(this, 'ThrottlesAlarm', {
        alarmDescription:
          `Lambda has refused to run the ${name} function for 15 minutes: the account's concurrent executions ` +
          'are used up (by this stack or another workload in the account and region). Events wait and are retried, so ' +
          'publishing and partner notifications lag. Find the function using the concurrency (CloudWatch metric ' +
          'ConcurrentExecutions) and limit it, or ask AWS Support for a higher concurrency quota.',
        metric: this.function.metricThrottles({ period, statistic: 'Sum' }),
        threshold: 1,
        evaluationPeriods: 3,
        datapointsToAlarm: 3,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      }),
    ];
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
