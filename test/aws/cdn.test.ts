// The CloudFront adapter against a fake CloudFront: a retried request under the same reference is
// not a second invalidation, even when fewer paths are left to name; a failure says what it leaves.

import { CloudFrontClient } from '@aws-sdk/client-cloudfront';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CdnInvalidationError, createCloudFrontInvalidator } from '../../src/aws/cdn.ts';
import { type FakeCloudFront, startFakeCloudFront } from '../functions/fakeCloudFront.ts';

let cloudfront: FakeCloudFront;
let client: CloudFrontClient;

beforeAll(async () => {
  cloudfront = await startFakeCloudFront();
  client = new CloudFrontClient({ region: 'us-east-1', endpoint: cloudfront.url, credentials: { accessKeyId: 'test', secretAccessKey: 'test' } });
});

afterAll(async () => {
  client.destroy();
  await cloudfront.close();
});

describe('CloudFront invalidator', () => {
  it('sends the paths under the reference once; a retry with the same reference creates nothing more', async () => {
    const cdn = createCloudFrontInvalidator({ client, distributionId: 'E2GAZETTE0TEST' });
    const paths = ['/press/2010/a/%E6%9D%90%E6%96%99.pdf', '/press/2010/a/v1/index.html'];
    await cdn.invalidate(paths, 'gazette-take-down-1');
    await cdn.invalidate(paths, 'gazette-take-down-1');
    // Retried after the delete went through: fewer paths were still there to name.
    await cdn.invalidate(paths.slice(0, 1), 'gazette-take-down-1');
    expect(cloudfront.invalidations).toEqual([{ distributionId: 'E2GAZETTE0TEST', callerReference: 'gazette-take-down-1', paths }]);
  });

  it('splits more than a thousand paths into requests of a thousand, each with its own reference', async () => {
    const cdn = createCloudFrontInvalidator({ client, distributionId: 'E2GAZETTE0BULK' });
    const paths = Array.from({ length: 2500 }, (_, i) => `/gazette/2010/a${String(i).padStart(4, '0')}.pdf`);
    await cdn.invalidate(paths, 'gazette-take-down-bulk');
    const sent = cloudfront.invalidations.filter((item) => item.distributionId === 'E2GAZETTE0BULK');
    expect(sent.map((item) => [item.callerReference, item.paths.length])).toEqual([
      ['gazette-take-down-bulk', 1000],
      ['gazette-take-down-bulk-1', 1000],
      ['gazette-take-down-bulk-2', 500],
    ]);
    expect(sent.flatMap((item) => item.paths)).toEqual(paths);
  });

  it('when CloudFront cannot be reached, says for which distribution and what state that leaves', async () => {
    const unknown = createCloudFrontInvalidator({
      client: new CloudFrontClient({
        region: 'us-east-1',
        endpoint: 'http://127.0.0.1:9',
        maxAttempts: 1,
        credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
      }),
      distributionId: 'E2NOWHERE',
    });
    const error = await unknown.invalidate(['/a.pdf'], 'gazette-take-down-2').then(
      () => undefined,
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(CdnInvalidationError);
    expect((error as Error).message).toMatch(
      /E2NOWHERE.*The files are deleted, but the CDN may serve them until their cache time ends; the next publish asks again\./,
    );
  });
});
