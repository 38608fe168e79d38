// Secure defaults for buckets, in one place: encrypted, public access blocked, TLS only, owner
// enforced, access logs to the logs bucket. Every bucket of the stack is made here.

import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import type { Construct } from 'constructs';

export interface PrivateBucketProps {
  /** Server access logs go here under `<id>/`; omit only for the logs bucket itself. */
  accessLogs?: s3.IBucket;
  versioned?: boolean;
  /** Keep the bucket when the stack is deleted (sources and the site: yes; logs: expire them). */
  retain?: boolean;
  /** CloudFront standard logging writes with ACLs, so the logs bucket must allow them. */
  objectOwnership?: s3.ObjectOwnership;
  lifecycleRules?: s3.LifecycleRule[];
}

export function privateBucket(scope: Construct, id: string, props: PrivateBucketProps = {}): s3.Bucket {
  return new s3.Bucket(scope, id, {
    encryption: s3.BucketEncryption.S3_MANAGED,
    blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
    enforceSSL: true,
    minimumTLSVersion: 1.2,
    objectOwnership: props.objectOwnership ?? s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
    versioned: props.versioned ?? false,
    ...(props.accessLogs === undefined ? {} : { serverAccessLogsBucket: props.accessLogs, serverAccessLogsPrefix: `${id}/` }),
    removalPolicy: props.retain === false ? RemovalPolicy.DESTROY : RemovalPolicy.RETAIN,
    autoDeleteObjects: false,
    ...(props.lifecycleRules === undefined ? {} : { lifecycleRules: props.lifecycleRules }),
  });
}

/** Logs are kept for a year, then expire. */
export const logLifecycle: s3.LifecycleRule[] = [{ expiration: Duration.days(365) }];
