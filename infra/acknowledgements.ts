// Every cdk-nag finding we accept, each with its reason, in one place. A finding acknowledged here
// is a decision, not an oversight: change the infrastructure rather than add a line without a reason.

import { Stack, Validations } from 'aws-cdk-lib';
import type * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import type * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import type { IConstruct } from 'constructs';

/** Acknowledge one cdk-nag rule (or one finding of it, `Rule[Finding]`) on a construct and everything under it. */
export function acknowledge(scope: IConstruct, id: string, reason: string): void {
  if (reason.trim().length < 40) throw new Error(`Acknowledging ${id} on ${scope.node.path} needs a written reason, not "${reason}".`);
  Validations.of(scope).acknowledge({ id, reason });
}

/** The IAM5 finding id of object ARNs under `prefix` in `bucket`, as cdk-nag prints it. */
export function objectsFinding(bucket: s3.IBucket, prefix: string): string {
  const logicalId = Stack.of(bucket).getLogicalId(bucket.node.defaultChild as s3.CfnBucket);
  return `AwsSolutions-IAM5[Resource::<${logicalId}.Arn>/${prefix}*]`;
}

export interface StackFindings {
  distribution: cloudfront.Distribution;
  /** Set when the distribution serves a custom domain with its own certificate. */
  hasCertificate: boolean;
  secrets: secretsmanager.Secret[];
  /** The manifest's signing key. */
  signingKey?: secretsmanager.Secret;
}

export function acknowledgeStackFindings(stack: Stack, parts: StackFindings): void {
  acknowledge(
    parts.distribution,
    'AwsSolutions-CFR1',
    'Public government information (政务公开) must be readable from anywhere; no law or policy restricts it by geography.',
  );
  acknowledge(
    parts.distribution,
    'AwsSolutions-CFR2',
    'Static read-only site (GET/HEAD only, no forms, no computing origin); Shield Standard covers volumetric attacks. Pass a web ACL if the city security policy requires WAF (see "Security defaults" in docs/deploy.md).',
  );
  if (!parts.hasCertificate) {
    acknowledge(
      parts.distribution,
      'AwsSolutions-CFR4',
      'Until the city domain and its ACM certificate are configured (context gazette:domainName and gazette:certificateArn), the default *.cloudfront.net certificate is used; with them the distribution enforces TLSv1.2_2021.',
    );
  }
  for (const secret of parts.secrets) {
    acknowledge(
      secret,
      'AwsSolutions-SMG4',
      'A partner webhook signing secret is shared with the partner; rotating it must be coordinated with them (Standard Webhooks accepts two secrets during a switch), so rotation is a documented manual step.',
    );
  }
  if (parts.signingKey !== undefined) {
    acknowledge(
      parts.signingKey,
      'AwsSolutions-SMG4',
      'The manifest signing key is an Ed25519 key pair whose public half partners pin; a rotation publishes the new public key beside the old ones (JWK Set), so it is a documented manual step, not a Lambda rotation.',
    );
  }
  // aws-cdk-lib's singleton that configures S3 → SQS notifications at deploy time.
  for (const child of stack.node.children) {
    if (!child.node.id.startsWith('BucketNotificationsHandler')) continue;
    acknowledge(
      child,
      'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
      'CDK-managed custom resource that writes the source bucket notification configuration during deployment; its role is defined by aws-cdk-lib and only writes its own logs.',
    );
  }
}
