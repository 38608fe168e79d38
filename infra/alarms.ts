// Operations alarms. Every CloudWatch alarm of the stack — the queues' (infra/queueWithDlq.ts), each
// function's errors and throttles (infra/gazetteFunction.ts) and the ones below — notifies one SNS
// topic when it fires and when it recovers; the topic e-mails the addresses in the context value
// gazette:alarmEmail. The alarms made here watch what only the functions know: feeds falling behind
// the table stream, partner deliveries that went dead, and uploaded content the render function refused.

import { Annotations, ArnFormat, Aspects, CfnOutput, Duration, type IAspect, Stack } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import { Construct, type IConstruct } from 'constructs';
import type { GazetteFunction } from './gazetteFunction.ts';
import { DeadLetterQueue } from './queueWithDlq.ts';

export interface OperationsAlarmsProps {
  /** Addresses to e-mail (each confirms the subscription once, from the message SNS sends). */
  emails: readonly string[];
  render: GazetteFunction;
  feeds: GazetteFunction;
  notify: GazetteFunction;
}

/**
 * Phrases the functions log, matched by metric filters as exact phrases anywhere in the log event.
 * The functions log JSON lines through console, which Lambda's JSON log format nests as a string
 * in its own `message` field, so a JSON filter on `$.message` would never match; a phrase with no
 * quote or backslash reads the same in that string as in the line itself.
 */
export const LOG_SIGNALS = {
  /** functions/render.ts, when the uploaded content fails validation. */
  invalidContent: 'Content has errors; nothing was published.',
  /** functions/notify.ts, when a pass leaves deliveries dead. */
  deadDeliveries: 'Deliveries went dead',
} as const;

/**
 * Stream records older than this: a batch is stuck beyond the five retries a failing one gets
 * (about six minutes when each attempt fails at once), or one ran into the feeds function's
 * five-minute timeout more than once, or the feeds lag behind a long run (a deploy's rewrite).
 */
export const FEEDS_MAX_ITERATOR_AGE = Duration.minutes(10);

export class OperationsAlarms extends Construct {
  readonly topic: sns.Topic;
  readonly alarms: cloudwatch.Alarm[];

  constructor(scope: Construct, id: string, props: OperationsAlarmsProps) {
    super(scope, id);
    const stack = Stack.of(this);
    const fromAlarms = {
      StringEquals: { 'aws:SourceAccount': stack.account },
      ArnLike: { 'aws:SourceArn': stack.formatArn({ service: 'cloudwatch', resource: 'alarm', resourceName: '*', arnFormat: ArnFormat.COLON_RESOURCE_NAME }) },
    };
    // CloudWatch cannot use the AWS managed key alias/aws/sns (its key policy names no service), so
    // the topic has its own key, which CloudWatch may use only to publish this account's alarms.
    const key = new kms.Key(this, 'TopicKey', {
      description: 'Gazette operations alarms topic: encrypts alarm notifications at rest',
      enableKeyRotation: true,
    });
    key.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'CloudWatchAlarmsPublish',
        principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey'],
        resources: ['*'],
        conditions: fromAlarms,
      }),
    );
    this.topic = new sns.Topic(this, 'Topic', {
      displayName: `Gazette alarms (${stack.stackName})`,
      masterKey: key,
      enforceSSL: true,
    });
    this.topic.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'CloudWatchAlarmsPublish',
        principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['sns:Publish'],
        resources: [this.topic.topicArn],
        conditions: fromAlarms,
      }),
    );
    if (props.emails.length > 0) {
      const undelivered = new DeadLetterQueue(this, 'UndeliveredAlarms', {
        description:
          'SNS could not deliver an alarm notification to an e-mail subscriber (mail server refusing, address gone): operators may not know about an alarm. Check the subscriptions of the alarms topic (AlarmTopicArn), then read the messages in this queue.',
      });
      for (const email of props.emails) {
        this.topic.addSubscription(new subscriptions.EmailSubscription(email, { deadLetterQueue: undelivered.queue }));
      }
    } else {
      Annotations.of(this).addWarningV2(
        'gazette:alarmEmail',
        'No one is told when an alarm fires: set the context value gazette:alarmEmail (cdk.json or -c gazette:alarmEmail=ops@example.gov.cn) or subscribe to the AlarmTopicArn output yourself.',
      );
    }

    const period = Duration.minutes(5);
    const atLeastOnce = {
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    };
    this.alarms = [
      new cloudwatch.Alarm(this, 'FeedsIteratorAge', {
        alarmDescription:
          `The feeds function is more than ${FEEDS_MAX_ITERATOR_AGE.toHumanString()} behind the table stream: feeds, ` +
          "the API's changes and partner notifications lag behind what is published, and records older than 24 hours are lost " +
          `from the stream. Read the feeds function's log group ${props.feeds.logGroup.logGroupName} for "Feeds rebuild failed", ` +
          'and its Errors and Throttles alarms. Once fixed, it catches up by itself; batches it gave up on are in FeedsFailures.',
        metric: props.feeds.function.metric('IteratorAge', { period, statistic: 'Maximum' }),
        threshold: FEEDS_MAX_ITERATOR_AGE.toMilliseconds(),
        evaluationPeriods: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      }),
      new cloudwatch.Alarm(this, 'DeadDeliveries', {
        alarmDescription:
          "Webhook deliveries to a partner went dead: every attempt failed, or the partner's endpoint answered 410 and " +
          "was disabled. The partner will not receive these documents until redriven. Find the partner in the notify function's " +
          `log group ${props.notify.logGroup.logGroupName} ("${LOG_SIGNALS.deadDeliveries}", field partnerId), agree the fix with ` +
          'them, then redrive that partner\'s dead deliveries (docs/deploy.md, "Alarms").',
        metric: logMetric(this, 'DeadDeliveriesFilter', props.notify.logGroup, LOG_SIGNALS.deadDeliveries, 'DeadDeliveries').with({ period, statistic: 'Sum' }),
        ...atLeastOnce,
      }),
      new cloudwatch.Alarm(this, 'InvalidContent', {
        alarmDescription:
          'An upload to the source bucket has content errors, so the render function published nothing from it; the site ' +
          `stays as it was. The messages (file, line, rule) are in field "messages" of "${LOG_SIGNALS.invalidContent}" in the render ` +
          `function's log group ${props.render.logGroup.logGroupName}. The editors fix the content (gazette check shows the same ` +
          'messages) and merge again; retrying cannot help.',
        metric: logMetric(this, 'InvalidContentFilter', props.render.logGroup, LOG_SIGNALS.invalidContent, 'InvalidContent').with({ period, statistic: 'Sum' }),
        ...atLeastOnce,
      }),
    ];

    // Every alarm, including those added later anywhere in the stack, notifies the topic.
    Aspects.of(stack).add(new NotifyOnAlarm(new actions.SnsAction(this.topic)));
    new CfnOutput(stack, 'AlarmTopicArn', { value: this.topic.topicArn, description: 'Every alarm notifies this SNS topic (subscribe more operators here)' });
  }
}

/** A metric counting the log events of `logGroup` that contain `phrase`. */
function logMetric(scope: Construct, id: string, logGroup: logs.ILogGroup, phrase: string, metricName: string): cloudwatch.Metric {
  if (/["\\]/.test(phrase))
    throw new Error(`The log phrase ${phrase} has a quote or backslash, which Lambda's JSON log format escapes: choose a phrase without them.`);
  const filter = new logs.MetricFilter(scope, id, {
    logGroup,
    filterPattern: logs.FilterPattern.literal(`"${phrase}"`),
    metricNamespace: `Gazette/${Stack.of(scope).stackName}`,
    metricName,
    metricValue: '1',
  });
  return filter.metric();
}

class NotifyOnAlarm implements IAspect {
  constructor(private readonly action: cloudwatch.IAlarmAction) {}

  visit(node: IConstruct): void {
    if (!(node instanceof cloudwatch.AlarmBase)) return;
    node.addAlarmAction(this.action);
    node.addOkAction(this.action);
  }
}
