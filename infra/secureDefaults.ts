// Secure defaults for buckets, in one place: encrypted, public access blocked, TLS only, owner
// enforced, access logs to the logs bucket, and housekeeping (old versions and abandoned uploads
// expire, so a versioned bucket does not grow forever). Every bucket of the stack is made here.

import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import type { Construct } from 'constructs';

export interface PrivateBucketProps {
  /** Server access logs go here under `<id>/`; omit only for the logs bucket itself. */
  accessLogs?: s3.IBucket;
  versioned?: boolean;
  /**
   * Days a replaced or deleted object's old version is kept (versioned buckets only): the window
   * in which an operator can restore it. Default NONCURRENT_VERSION_DAYS.
   */
  noncurrentVersionDays?: number;
  /** Keep the bucket when the stack is deleted (sources and the site: yes; logs: expire them). */
  retain?: boolean;
  /** CloudFront standard logging writes with ACLs, so the logs bucket must allow them. */
  objectOwnership?: s3.ObjectOwnership;
  lifecycleRules?: s3.LifecycleRule[];
}

export const NONCURRENT_VERSION_DAYS = 90;
/** Multipart uploads (large attachments) left unfinished by a crashed client are billed until aborted. */
const ABORT_INCOMPLETE_UPLOADS_DAYS = 7;

export function privateBucket(scope: Construct, id: string, props: PrivateBucketProps = {}): s3.Bucket {
  const versioned = props.versioned ?? false;
  const days = props.noncurrentVersionDays ?? NONCURRENT_VERSION_DAYS;
  if (!versioned && props.noncurrentVersionDays !== undefined)
    throw new Error(`Bucket ${id}: noncurrentVersionDays applies only to a versioned bucket; set versioned: true or leave it out.`);
  if (!Number.isInteger(days) || days < 1) throw new Error(`Bucket ${id}: noncurrentVersionDays must be a whole number of days, 1 or more (got ${days}).`);
  const housekeeping: s3.LifecycleRule = {
    id: 'Housekeeping',
    abortIncompleteMultipartUploadAfter: Duration.days(ABORT_INCOMPLETE_UPLOADS_DAYS),
    // Once its old versions expired, a deleted object leaves only a delete marker: remove it too.
    ...(versioned ? { noncurrentVersionExpiration: Duration.days(days), expiredObjectDeleteMarker: true } : {}),
  };
  return new s3.Bucket(scope, id, {
    encryption: s3.BucketEncryption.S3_MANAGED,
    blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
    enforceSSL: true,
    minimumTLSVersion: 1.2,
    objectOwnership: props.objectOwnership ?? s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
    versioned,
    ...(props.accessLogs === undefined ? {} : { serverAccessLogsBucket: props.accessLogs, serverAccessLogsPrefix: `${id}/` }),
    removalPolicy: props.retain === false ? RemovalPolicy.DESTROY : RemovalPolicy.RETAIN,
    autoDeleteObjects: false,
    lifecycleRules: [...(props.lifecycleRules ?? []), housekeeping],
  });
}

/** Logs are kept for a year, then expire. */
export const logLifecycle: s3.LifecycleRule[] = [{ expiration: Duration.days(365) }];
