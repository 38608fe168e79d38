// The whole platform on AWS, in one environment-agnostic stack:
//   editors' CI → source bucket ─S3 event→ render queue → render ─→ site bucket + table
//   table stream → feeds → (feeds in site bucket, outbox in table) → notify queue → notify → partners
//   Scheduler one-time schedule (embargo) → release → site bucket + table
//   render or release (a large build) → RenderJobs queue → renderJob × many → Finalize queue → finalize
//   the stack's own deploy → render (new render code) and feeds (new feed code)
//   readers → CloudFront (OAC, origin path /site) → site bucket

import { ArnFormat, CfnOutput, Duration, RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as destinations from 'aws-cdk-lib/aws-lambda-destinations';
import { DynamoEventSource, SqsDlq, SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as s3n from 'aws-cdk-lib/aws-s3-notifications';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as events from 'aws-cdk-lib/aws-events';
import * as eventTargets from 'aws-cdk-lib/aws-events-targets';
import { DEPLOY_REBUILD_EVENT } from '../src/aws/deployRebuild.ts';
import { PLACEHOLDER_FIELD, SIGNING_KEY_SECRET_VARIABLE } from '../src/aws/signingKey.ts';
import type { Construct } from 'constructs';
import { PRIVATE_PREFIX, SITE_PREFIX } from '../src/store/ports.ts';
import { acknowledgeStackFindings, objectsFinding } from './acknowledgements.ts';
import { OperationsAlarms } from './alarms.ts';
import { GazetteFunction } from './gazetteFunction.ts';
import { DeadLetterQueue, QueueWithDlq } from './queueWithDlq.ts';
import { logLifecycle, privateBucket } from './secureDefaults.ts';
import { SiteDistribution } from './site.ts';

export interface GazetteStackProps extends StackProps {
  /** Folder with the bundled functions (`<name>/index.mjs`), from infra/bundle.ts. */
  bundlesDir: string;
  /** Secrets Manager names of partner signing secrets, as referenced in partners.yaml (`{ awsSecret: … }`). */
  partnerSecrets?: readonly string[];
  /** renderJob invocations at once in a fanned-out build (gazette:renderJobConcurrency; default 100). */
  renderJobConcurrency?: number;
  /** The city's domain and its ACM certificate (us-east-1); default: the cloudfront.net address. */
  domain?: { name: string; certificateArn: string };
  /** Addresses every alarm is e-mailed to (context gazette:alarmEmail). */
  alarmEmails?: readonly string[];
  /** Days the source and site buckets keep replaced and deleted objects' old versions (context gazette:noncurrentVersionDays). */
  noncurrentVersionDays?: number;
}

/** Key prefix the editors' CI uploads to; the render function mirrors it. */
export const SOURCE_PREFIX = 'content/';
const GSI_NAMES = ['GSI1', 'GSI2'];
// lambda.FilterRule.isEqual is typed `any`; for text it is the one-value list that FilterRule.or types.
const equalTo = (text: string): string[] => lambda.FilterRule.or(text);

export class GazetteStack extends Stack {
  constructor(scope: Construct, id: string, props: GazetteStackProps) {
    super(scope, id, props);

    // Storage ------------------------------------------------------------------------------
    const logsBucket = privateBucket(this, 'LogsBucket', {
      retain: false,
      objectOwnership: s3.ObjectOwnership.OBJECT_WRITER,
      lifecycleRules: logLifecycle,
    });
    const versions = { versioned: true, ...(props.noncurrentVersionDays === undefined ? {} : { noncurrentVersionDays: props.noncurrentVersionDays }) };
    const sourceBucket = privateBucket(this, 'SourceBucket', { accessLogs: logsBucket, ...versions });
    const siteBucket = privateBucket(this, 'SiteBucket', { accessLogs: logsBucket, ...versions });

    const table = new dynamodb.Table(this, 'Table', {
      partitionKey: { name: 'pk', type: dynamodb.AttributeType.STRING },
      sortKey: { name: 'sk', type: dynamodb.AttributeType.STRING },
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      encryption: dynamodb.TableEncryption.AWS_MANAGED,
      stream: dynamodb.StreamViewType.NEW_AND_OLD_IMAGES,
      deletionProtection: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    for (const [i, name] of GSI_NAMES.entries()) {
      table.addGlobalSecondaryIndex({
        indexName: name,
        partitionKey: { name: `gsi${i + 1}pk`, type: dynamodb.AttributeType.STRING },
        sortKey: { name: `gsi${i + 1}sk`, type: dynamodb.AttributeType.STRING },
        projectionType: dynamodb.ProjectionType.ALL,
      });
    }
    // Item actions apply to the table only; queries to the table and to GSI1 (documents by kind),
    // the one index the code reads (GSI2, by department, is kept for listings not written yet).
    // test/functions/iam.test.ts fails on a grant here that no call of its scenarios needed.
    const byKindIndex = `${table.tableArn}/index/${GSI_NAMES[0]}`;
    const recordItemActions = ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem'];

    const site = new SiteDistribution(this, 'Site', { siteBucket, logsBucket, ...(props.domain === undefined ? {} : { domain: props.domain }) });

    // The key that signs the site's manifest (src/aws/signingKey.ts): a placeholder until an
    // operator puts the Ed25519 private key; the publishing functions read it, nothing else.
    const signingKey = new secretsmanager.Secret(this, 'SigningKey', {
      description:
        'Gazette manifest signing key: an Ed25519 private key as PKCS#8 PEM. Put it with put-secret-value (docs/deploy.md); the public key is published at /.well-known/gazette-keys.json.',
      generateSecretString: { secretStringTemplate: '{}', generateStringKey: PLACEHOLDER_FIELD, passwordLength: 32, excludePunctuation: true },
      removalPolicy: RemovalPolicy.RETAIN,
    });

    // Render: S3 → SQS → render ---------------------------------------------------------------
    const publishEnv = {
      SOURCE_BUCKET: sourceBucket.bucketName,
      SITE_BUCKET: siteBucket.bucketName,
      TABLE_NAME: table.tableName,
      DISTRIBUTION_ID: site.distribution.distributionId,
      [SIGNING_KEY_SECRET_VARIABLE]: signingKey.secretArn,
    };
    const allowPublish = (fn: GazetteFunction, { plans }: { plans: boolean }) => {
      fn.allow('ListSources', ['s3:ListBucket'], [sourceBucket.bucketArn]);
      fn.allow('ReadSources', ['s3:GetObject'], [sourceBucket.arnForObjects(`${SOURCE_PREFIX}*`)]);
      // ListBucket lets a HEAD of a missing key answer 404 (not 403): the build skips unchanged objects by HEAD.
      fn.allow('ListSite', ['s3:ListBucket'], [siteBucket.bucketArn]);
      fn.allow('WriteSite', ['s3:GetObject', 's3:PutObject'], [siteBucket.arnForObjects(`${SITE_PREFIX}*`), siteBucket.arnForObjects(`${PRIVATE_PREFIX}*`)]);
      // Releasing an embargoed document deletes its private render and its scheduled record.
      fn.allow('DeleteStagedRenders', ['s3:DeleteObject'], [siteBucket.arnForObjects(`${PRIVATE_PREFIX}scheduled/*`)]);
      // Withdrawing a document takes its public files down (PDF, attachments, earlier versions' pages).
      fn.allow('TakeDownWithdrawn', ['s3:DeleteObject'], [siteBucket.arnForObjects(`${SITE_PREFIX}*`)]);
      // BatchGetItem: planning reads page histories in batches (render and release plan; finalize does not).
      fn.allow('Records', [...recordItemActions, ...(plans ? ['dynamodb:BatchGetItem'] : [])], [table.tableArn]);
      fn.allow('QueryRecords', ['dynamodb:Query'], [table.tableArn, byKindIndex]);
      // A withdrawal's files leave the CDN's cache too, not only the bucket.
      fn.allow('InvalidateTakenDown', ['cloudfront:CreateInvalidation'], [site.distribution.distributionArn]);
      // Every finalize signs the manifest of the public site.
      fn.allow('ReadSigningKey', ['secretsmanager:GetSecretValue'], [signingKey.secretArn]);
    };
    const render = new GazetteFunction(this, 'Render', { name: 'render', bundlesDir: props.bundlesDir, environment: publishEnv });
    allowPublish(render, { plans: true });
    const renderQueue = new QueueWithDlq(this, 'RenderQueue', { consumerTimeout: render.timeout });
    for (const event of [s3.EventType.OBJECT_CREATED, s3.EventType.OBJECT_REMOVED]) {
      sourceBucket.addEventNotification(event, new s3n.SqsDestination(renderQueue.queue), { prefix: SOURCE_PREFIX });
    }
    render.function.addEventSource(
      new SqsEventSource(renderQueue.queue, {
        // One CI upload is many objects: wait for the batch, publish once.
        batchSize: 100,
        maxBatchingWindow: Duration.seconds(20),
        reportBatchItemFailures: true,
        // Two at most (SQS's minimum): builds are idempotent and conditional writes settle races.
        maxConcurrency: 2,
      }),
    );

    // Fan-out: a build of render or release with many documents to render (a template change) → RenderJobs queue →
    // renderJob × many (render, write, commit a chunk) → Finalize queue → finalize (listings,
    // derived outputs, take-downs under the table's build lease). See src/aws/fanOut.ts.
    const finalize = new GazetteFunction(this, 'Finalize', { name: 'finalize', bundlesDir: props.bundlesDir, environment: publishEnv });
    allowPublish(finalize, { plans: false });
    finalize.allow('CleanUpJobs', ['s3:DeleteObject'], [siteBucket.arnForObjects(`${PRIVATE_PREFIX}jobs/*`)]);
    // Few messages, each a whole finalize: a third failure is for an operator to look at.
    const finalizeQueue = new QueueWithDlq(this, 'FinalizeQueue', { consumerTimeout: finalize.timeout, maxReceiveCount: 3 });
    finalize.function.addEventSource(new SqsEventSource(finalizeQueue.queue, { batchSize: 1, reportBatchItemFailures: true, maxConcurrency: 2 }));
    const renderJob = new GazetteFunction(this, 'RenderJob', {
      name: 'renderJob',
      bundlesDir: props.bundlesDir,
      environment: {
        SOURCE_BUCKET: sourceBucket.bucketName,
        SITE_BUCKET: siteBucket.bucketName,
        TABLE_NAME: table.tableName,
        FINALIZE_QUEUE_URL: finalizeQueue.queue.queueUrl,
      },
    });
    renderJob.allow('ListSources', ['s3:ListBucket'], [sourceBucket.bucketArn]);
    renderJob.allow('ReadSources', ['s3:GetObject'], [sourceBucket.arnForObjects(`${SOURCE_PREFIX}*`)]);
    renderJob.allow('ListSite', ['s3:ListBucket'], [siteBucket.bucketArn]);
    // Pages, PDFs and files (and the page a new version archives), and each version's feed entry.
    renderJob.allow('WriteDocuments', ['s3:GetObject', 's3:PutObject'], [siteBucket.arnForObjects(`${SITE_PREFIX}*`)]);
    renderJob.allow('WriteFeedEntries', ['s3:PutObject'], [siteBucket.arnForObjects(`${PRIVATE_PREFIX}entries/*`)]);
    renderJob.allow('ReadJobs', ['s3:GetObject'], [siteBucket.arnForObjects(`${PRIVATE_PREFIX}jobs/*`)]);
    // A released embargo's files are copied from its staged render (CopyObject reads the source).
    renderJob.allow('ReadStagedRenders', ['s3:GetObject'], [siteBucket.arnForObjects(`${PRIVATE_PREFIX}scheduled/*`)]);
    // Records (conditional transactions), the build's done-counter and its pending mark.
    renderJob.allow('Records', ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem'], [table.tableArn]);
    renderJob.allow('QueueFinalize', ['sqs:SendMessage'], [finalizeQueue.queue.queueArn]);
    const renderJobsQueue = new QueueWithDlq(this, 'RenderJobsQueue', { consumerTimeout: renderJob.timeout });
    renderJob.function.addEventSource(
      new SqsEventSource(renderJobsQueue.queue, { batchSize: 1, reportBatchItemFailures: true, maxConcurrency: props.renderJobConcurrency ?? 100 }),
    );
    // The functions that plan builds fan them out: render, and release (an embargo released beside
    // new templates, or many at one time, renders many documents too; it has the same 120 s).
    const allowFanOut = (fn: GazetteFunction) => {
      fn.setEnv('RENDER_JOBS_QUEUE_URL', renderJobsQueue.queue.queueUrl);
      fn.allow('QueueRenderJobs', ['sqs:SendMessage'], [renderJobsQueue.queue.queueArn]);
      // A build that renders every listing and derived page of a large site (new derived-output code,
      // a stopped build's listings) goes to finalize, which has the time for it, even with no chunk.
      fn.setEnv('FINALIZE_QUEUE_URL', finalizeQueue.queue.queueUrl);
      fn.allow('QueueFinalize', ['sqs:SendMessage'], [finalizeQueue.queue.queueArn]);
    };
    allowFanOut(render);
    // Every successful deploy invokes the render function once: when it brought new templates or
    // render code (they are in its bundle), the render fingerprint differs from every record's and
    // the whole site is rebuilt (fanned out) without waiting for the next upload; otherwise the
    // publish finds nothing changed. The feeds function is the rule's second target (below): new
    // feed code writes the feeds again. CloudFormation reports its stack status to EventBridge.
    const rebuildFailures = new DeadLetterQueue(this, 'RebuildOnDeployFailures', {
      description:
        'The rebuild after a deploy could not be started or failed: pages keep the old templates, or feeds the old feed code, until the next upload. Inspect the render and feeds function logs, then upload again or redeploy.',
    });
    const rebuildOnDeploy = new events.Rule(this, 'RebuildOnDeploy', {
      description: 'After a deploy of this stack: publish with the deployed templates, render code and feed code',
      eventPattern: {
        source: ['aws.cloudformation'],
        detailType: ['CloudFormation Stack Status Change'],
        detail: { 'stack-id': [this.stackId], 'status-details': { status: ['CREATE_COMPLETE', 'UPDATE_COMPLETE'] } },
      },
      targets: [
        new eventTargets.LambdaFunction(render.function, {
          event: events.RuleTargetInput.fromObject(DEPLOY_REBUILD_EVENT),
          retryAttempts: 2,
          deadLetterQueue: rebuildFailures.queue,
        }),
      ],
    });

    // Feeds: table stream → feeds --------------------------------------------------------------
    const notifyQueueTimeout = Duration.seconds(60);
    const notifyQueue = new QueueWithDlq(this, 'NotifyQueue', { consumerTimeout: notifyQueueTimeout, maxReceiveCount: 10 });
    const feeds = new GazetteFunction(this, 'Feeds', {
      name: 'feeds',
      bundlesDir: props.bundlesDir,
      // One run at a time: each reads the feeds' state and writes it last, so a run beside another
      // (a deploy's beside a stream batch's, or two shards' batches) could drop what the other
      // wrote. A stream batch or deploy event that finds it busy is throttled and retried.
      reservedConcurrency: 1,
      environment: { SITE_BUCKET: siteBucket.bucketName, TABLE_NAME: table.tableName, NOTIFY_QUEUE_URL: notifyQueue.queue.queueUrl },
    });
    feeds.allow('ListSite', ['s3:ListBucket'], [siteBucket.bucketArn]);
    // Public feeds are compared with the private copy of their state, never read back.
    feeds.allow('WriteFeeds', ['s3:PutObject'], [siteBucket.arnForObjects(`${SITE_PREFIX}feeds/*`)]);
    feeds.allow('FeedState', ['s3:GetObject', 's3:PutObject'], [siteBucket.arnForObjects(`${PRIVATE_PREFIX}feeds/*`)]);
    feeds.allow('ReadSiteConfig', ['s3:GetObject'], [siteBucket.arnForObjects(`${PRIVATE_PREFIX}state/*`)]);
    // The feeds are assembled from the entry fragments the build wrote for each document version.
    feeds.allow('ReadFeedEntries', ['s3:GetObject'], [siteBucket.arnForObjects(`${PRIVATE_PREFIX}entries/*`)]);
    // The outbox (jobs written in transactions, existing ones read in batches); documents by kind.
    feeds.allow('Records', ['dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:BatchGetItem'], [table.tableArn]);
    feeds.allow('QueryRecords', ['dynamodb:Query'], [byKindIndex]);
    feeds.allow('QueueNotify', ['sqs:SendMessage'], [notifyQueue.queue.queueArn]);
    // After a deploy the feeds function writes again the feeds that other feed code wrote (its
    // code's version is in its bundle, as the render code's is in the render function's).
    rebuildOnDeploy.addTarget(
      new eventTargets.LambdaFunction(feeds.function, {
        event: events.RuleTargetInput.fromObject(DEPLOY_REBUILD_EVENT),
        retryAttempts: 2,
        deadLetterQueue: rebuildFailures.queue,
      }),
    );
    // The rule's dead-letter queue takes the events it could not deliver; a run that was invoked
    // and failed (twice retried by Lambda) goes to the same queue.
    for (const target of [render, feeds])
      target.function.configureAsyncInvoke({ retryAttempts: 2, onFailure: new destinations.SqsDestination(rebuildFailures.queue) });
    const feedsFailures = new DeadLetterQueue(this, 'FeedsFailures', {
      description:
        'The feeds function gave up on a batch of table changes: feeds and partner notifications may lag. Inspect its logs, fix, then rebuild feeds.',
    });
    feeds.function.addEventSource(
      new DynamoEventSource(table, {
        startingPosition: lambda.StartingPosition.TRIM_HORIZON,
        batchSize: 100,
        maxBatchingWindow: Duration.seconds(5),
        retryAttempts: 5,
        reportBatchItemFailures: true,
        onFailure: new SqsDlq(feedsFailures.queue),
        // Documents' META records (the commit point of a publish), and staged embargoes as they are
        // written (partners with embargo access hear of them early); nothing else of the table.
        filters: [
          lambda.FilterCriteria.filter({
            dynamodb: { Keys: { pk: { S: lambda.FilterRule.beginsWith('DOC#') }, sk: { S: equalTo('META') } } },
          }),
          lambda.FilterCriteria.filter({
            eventName: lambda.FilterRule.or('INSERT', 'MODIFY'),
            dynamodb: { Keys: { pk: { S: lambda.FilterRule.beginsWith('DOC#') }, sk: { S: equalTo('SCHEDULED') } } },
          }),
        ],
      }),
    );

    // Notify: SQS → partners --------------------------------------------------------------------
    const notify = new GazetteFunction(this, 'Notify', {
      name: 'notify',
      bundlesDir: props.bundlesDir,
      environment: { SITE_BUCKET: siteBucket.bucketName, TABLE_NAME: table.tableName, NOTIFY_QUEUE_URL: notifyQueue.queue.queueUrl },
    });
    notify.allow('ReadSiteConfig', ['s3:GetObject'], [siteBucket.arnForObjects(`${PRIVATE_PREFIX}state/*`)]);
    notify.allow('Deliveries', ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:Query'], [table.tableArn]);
    notify.allow('RequeuePartner', ['sqs:SendMessage'], [notifyQueue.queue.queueArn]);
    notify.function.addEventSource(new SqsEventSource(notifyQueue.queue, { batchSize: 10, reportBatchItemFailures: true }));
    const secrets = (props.partnerSecrets ?? []).map(
      (name, i) =>
        new secretsmanager.Secret(this, `PartnerSecret${i}`, {
          secretName: name,
          description: `Gazette partner webhook signing secret ${name}. Put the whsec_… value agreed with the partner.`,
          generateSecretString: { passwordLength: 48, excludePunctuation: true },
          removalPolicy: RemovalPolicy.RETAIN,
        }),
    );
    if (secrets.length > 0)
      notify.allow(
        'PartnerSecrets',
        ['secretsmanager:GetSecretValue'],
        secrets.map((secret) => secret.secretArn),
      );

    // Release: Scheduler → release ----------------------------------------------------------------
    const release = new GazetteFunction(this, 'Release', {
      name: 'release',
      bundlesDir: props.bundlesDir,
      environment: publishEnv,
      // One at a time: each release publishes every document due by its clock, so embargoes due
      // together need one run, not one each that plans (and may fan out) the same documents. The
      // others wait in Lambda's queue for asynchronous invocations and then find nothing left to do.
      reservedConcurrency: 1,
    });
    allowPublish(release, { plans: true });
    allowFanOut(release);
    const releaseFailures = new DeadLetterQueue(this, 'ReleaseFailures', {
      description:
        'An embargo release failed after its retries: documents due for publication are not public. Publish by hand (gazette publish) and inspect the release logs.',
    });
    release.function.configureAsyncInvoke({ retryAttempts: 2, onFailure: new destinations.SqsDestination(releaseFailures.queue) });
    const scheduleGroupName = `${this.stackName}-embargo`;
    const scheduleGroup = new scheduler.ScheduleGroup(this, 'EmbargoSchedules', { scheduleGroupName, removalPolicy: RemovalPolicy.DESTROY });
    const schedulerRole = new iam.Role(this, 'SchedulerRole', {
      assumedBy: new iam.ServicePrincipal('scheduler.amazonaws.com', {
        conditions: { StringEquals: { 'aws:SourceAccount': this.account } },
      }),
      description: 'EventBridge Scheduler: invoke the release function at an embargo time',
    });
    schedulerRole.addToPrincipalPolicy(
      new iam.PolicyStatement({ sid: 'InvokeRelease', actions: ['lambda:InvokeFunction'], resources: [release.function.functionArn] }),
    );
    schedulerRole.addToPrincipalPolicy(
      new iam.PolicyStatement({ sid: 'ScheduleDeadLetters', actions: ['sqs:SendMessage'], resources: [releaseFailures.queue.queueArn] }),
    );

    // The render function creates and moves one schedule per embargoed document, in this group only.
    const releaseSchedules = this.formatArn({
      service: 'scheduler',
      resource: 'schedule',
      resourceName: `${scheduleGroupName}/release-*`,
      arnFormat: ArnFormat.SLASH_RESOURCE_NAME,
    });
    render.allow('ScheduleReleases', ['scheduler:CreateSchedule', 'scheduler:UpdateSchedule'], [releaseSchedules]);
    render.allow('PassSchedulerRole', ['iam:PassRole'], [schedulerRole.roleArn]);
    render.setEnv('SCHEDULE_GROUP', scheduleGroup.scheduleGroupName);
    render.setEnv('SCHEDULER_ROLE_ARN', schedulerRole.roleArn);
    render.setEnv('RELEASE_FUNCTION_ARN', release.function.functionArn);
    render.setEnv('RELEASE_DEAD_LETTER_ARN', releaseFailures.queue.queueArn);

    // Findings accepted, each with its reason ------------------------------------------------------
    acknowledgeStackFindings(this, { distribution: site.distribution, hasCertificate: props.domain !== undefined, secrets, signingKey });
    const objectKeys = 'Object-level S3 permissions name objects by key prefix; the prefix is the narrowest scope (the build writes any page under it).';
    for (const fn of [render, release, finalize]) {
      fn.acknowledge(objectsFinding(sourceBucket, SOURCE_PREFIX), objectKeys);
      fn.acknowledge(objectsFinding(siteBucket, SITE_PREFIX), objectKeys);
      fn.acknowledge(objectsFinding(siteBucket, PRIVATE_PREFIX), objectKeys);
      fn.acknowledge(objectsFinding(siteBucket, `${PRIVATE_PREFIX}scheduled/`), objectKeys);
    }
    finalize.acknowledge(objectsFinding(siteBucket, `${PRIVATE_PREFIX}jobs/`), objectKeys);
    for (const prefix of [`${SITE_PREFIX}`, `${PRIVATE_PREFIX}entries/`, `${PRIVATE_PREFIX}jobs/`, `${PRIVATE_PREFIX}scheduled/`])
      renderJob.acknowledge(objectsFinding(siteBucket, prefix), objectKeys);
    renderJob.acknowledge(objectsFinding(sourceBucket, SOURCE_PREFIX), objectKeys);
    feeds.acknowledge(objectsFinding(siteBucket, `${SITE_PREFIX}feeds/`), objectKeys);
    feeds.acknowledge(objectsFinding(siteBucket, `${PRIVATE_PREFIX}feeds/`), objectKeys);
    feeds.acknowledge(objectsFinding(siteBucket, `${PRIVATE_PREFIX}entries/`), objectKeys);
    for (const fn of [feeds, notify]) fn.acknowledge(objectsFinding(siteBucket, `${PRIVATE_PREFIX}state/`), objectKeys);
    const sqsDriven =
      "Invoked synchronously by an SQS event source mapping, which supports no on-failure destination: the queue's redrive policy moves failed messages to its dead-letter queue, which has an alarm.";
    for (const fn of [render, notify, renderJob, finalize]) {
      fn.acknowledge('Serverless-LambdaDLQ', sqsDriven);
      fn.acknowledge('Serverless-LambdaEventSourceMappingDestination', sqsDriven);
    }
    render.acknowledge(
      `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:scheduler:<AWS::Region>:<AWS::AccountId>:schedule/${scheduleGroupName}/release-*]`,
      "Schedules are named release-<document id> when a document is embargoed; the prefix within the stack's own schedule group is the narrowest scope.",
    );
    feeds.acknowledge(
      'Serverless-LambdaDLQ',
      'Invoked synchronously by the table stream event source mapping, whose on-failure destination (FeedsFailures queue, alarmed) receives batches that exhaust their retries.',
    );
    release.acknowledge(
      'Serverless-LambdaDLQ',
      'Asynchronous invocations that fail after two retries go to the on-failure destination ReleaseFailures (alarmed), the successor of a function dead-letter queue.',
    );

    const output = (id: string, value: string, description: string) => new CfnOutput(this, id, { value, description });
    output('SiteUrl', `https://${site.distribution.distributionDomainName}/`, 'The public site');
    output('DistributionId', site.distribution.distributionId, 'For cache invalidations');
    output('SourceBucketName', sourceBucket.bucketName, 'Editors\u2019 CI uploads content/ here (gazette publish --target aws)');
    output('SiteBucketName', siteBucket.bucketName, 'Published site (site/) and private state (private/)');
    output('TableName', table.tableName, 'Document, issue and delivery records (gazette deliveries --target aws --table)');
    output(
      'NotifyQueueUrl',
      notifyQueue.queue.queueUrl,
      'The notify function sends a partner\u2019s due deliveries on { "partnerId": "<id>" } (gazette deliveries redrive --target aws --notify-queue)',
    );
    output('ScheduleGroupName', scheduleGroup.scheduleGroupName, 'One-time embargo schedules go in this group');
    output('SchedulerRoleArn', schedulerRole.roleArn, 'Role embargo schedules run as');
    for (const [i, secret] of secrets.entries()) {
      output(`PartnerSecret${i}Arn`, secret.secretArn, `Reference in partners.yaml as secret: { awsSecret: <this ARN> } (${props.partnerSecrets?.[i]})`);
    }
    output(
      'SigningKeyArn',
      signingKey.secretArn,
      'Put the Ed25519 private key (PKCS#8 PEM) that signs the site manifest here; its public key is then published at /.well-known/gazette-keys.json',
    );
    output('ReleaseFunctionArn', release.function.functionArn, 'Target of embargo schedules: payload { "publishAt": "<ISO time>" }');

    new OperationsAlarms(this, 'Operations', { emails: props.alarmEmails ?? [], render, feeds, notify });
  }
}
