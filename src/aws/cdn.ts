// The CDN port on CloudFront: CreateInvalidation for the paths a take-down removed. The caller's
// reference becomes the CallerReference, so a retried build repeats its request instead of
// paying for a second invalidation.

import { CloudFrontClient, CreateInvalidationCommand } from '@aws-sdk/client-cloudfront';
import type { CdnInvalidator } from '../publish/takeDowns.ts';

/** Paths per request: well under CloudFront's 3,000 file paths in progress per distribution. */
const PATHS_PER_REQUEST = 1000;

export class CdnInvalidationError extends Error {
  override name = 'CdnInvalidationError';
}

export function createCloudFrontInvalidator({ client, distributionId }: { client: CloudFrontClient; distributionId: string }): CdnInvalidator {
  return {
    async invalidate(paths, reference) {
      for (let start = 0; start < paths.length; start += PATHS_PER_REQUEST) {
        const batch = paths.slice(start, start + PATHS_PER_REQUEST);
        const callerReference = start === 0 ? reference : `${reference}-${start / PATHS_PER_REQUEST}`;
        try {
          await client.send(
            new CreateInvalidationCommand({
              DistributionId: distributionId,
              InvalidationBatch: { CallerReference: callerReference, Paths: { Quantity: batch.length, Items: [...batch] } },
            }),
          );
        } catch (error) {
          // The same reference with other paths: an earlier try of this take-down was accepted
          // (its paths included what was still there then), so the cache is being cleared.
          if ((error as { name?: string }).name === 'InvalidationBatchAlreadyExists') continue;
          throw new CdnInvalidationError(
            `CloudFront refused to invalidate ${batch.length} taken-down path(s) (first: ${batch[0]}) on distribution ${distributionId}: ` +
              `${(error as Error).name}: ${(error as Error).message}. The files are deleted, but the CDN may serve them until their cache time ends; ` +
              'the next publish asks again.',
            { cause: error },
          );
        }
      }
    },
  };
}

/** The invalidator for a function: `DISTRIBUTION_ID` names the distribution (CloudFront is global). */
export function cdnFromEnv(distributionId: string, env: NodeJS.ProcessEnv = process.env): CdnInvalidator {
  // CloudFront's API lives in us-east-1 (aws partition); the SDK maps other partitions itself.
  const client = new CloudFrontClient({ region: env['AWS_REGION'] ?? 'us-east-1' });
  return createCloudFrontInvalidator({ client, distributionId });
}
