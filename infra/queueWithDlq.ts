// An SQS queue with its dead-letter queue and alarms on both: messages waiting too long in the
// queue (the consumer is stuck) and any message in the dead-letter queue (something failed for good).

import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { acknowledge } from './acknowledgements.ts';

export interface QueueWithDlqProps {
  /** Timeout of the consuming function: the visibility timeout is six times it (AWS's advice for SQS event sources). */
  consumerTimeout: Duration;
  /** Receives before a message moves to the dead-letter queue. */
  maxReceiveCount?: number;
  /** Alarm when the oldest message is older than this. */
  maxAge?: Duration;
}

/** A queue that only receives what failed for good, and an alarm as soon as anything does. */
export class DeadLetterQueue extends Construct {
  readonly queue: sqs.Queue;
  readonly alarm: cloudwatch.Alarm;

  constructor(scope: Construct, id: string, props: { description: string }) {
    super(scope, id);
    this.queue = new sqs.Queue(this, 'Queue', {
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    this.alarm = new cloudwatch.Alarm(this, 'Alarm', {
      alarmDescription: props.description,
      metric: this.queue.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(5), statistic: 'Maximum' }),
      threshold: 0,
      evaluationPeriods: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    const reason =
      'This queue is itself the dead-letter destination of another queue or event source; messages stay here for inspection and redrive, and its alarm fires on the first one.';
    acknowledge(this.queue, 'Serverless-SQSRedrivePolicy', reason);
    acknowledge(this.queue, 'AwsSolutions-SQS3', reason);
  }
}

export class QueueWithDlq extends Construct {
  readonly queue: sqs.Queue;
  readonly deadLetterQueue: sqs.Queue;
  readonly alarms: cloudwatch.Alarm[];

  constructor(scope: Construct, id: string, props: QueueWithDlqProps) {
    super(scope, id);
    const maxReceiveCount = props.maxReceiveCount ?? 5;
    const deadLetters = new DeadLetterQueue(this, 'DeadLetters', {
      description: `${id} has messages in its dead-letter queue: they failed ${maxReceiveCount} times. Inspect, fix, then redrive.`,
    });
    this.deadLetterQueue = deadLetters.queue;
    this.queue = new sqs.Queue(this, 'Queue', {
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      visibilityTimeout: Duration.seconds(props.consumerTimeout.toSeconds() * 6),
      retentionPeriod: Duration.days(4),
      deadLetterQueue: { queue: this.deadLetterQueue, maxReceiveCount },
    });
    const maxAge = props.maxAge ?? Duration.minutes(15);
    this.alarms = [
      new cloudwatch.Alarm(this, 'OldestMessageAlarm', {
        alarmDescription: `Messages have waited more than ${maxAge.toHumanString()} in ${id}: its consumer is failing or throttled.`,
        metric: this.queue.metricApproximateAgeOfOldestMessage({ period: Duration.minutes(5), statistic: 'Maximum' }),
        threshold: maxAge.toSeconds(),
        evaluationPeriods: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      }),
      deadLetters.alarm,
    ];
  }
}
