// Nothing local speaks CloudFront: this answers CreateInvalidation (REST-XML,
// POST /2020-05-31/distribution/{Id}/invalidation) as CloudFront does, including its rule for a
// CallerReference seen before: the same paths return the same invalidation, other paths are
// refused with InvalidationBatchAlreadyExists.

import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeInvalidation {
  distributionId: string;
  callerReference: string;
  /** Paths as the request carried them (XML entities decoded). */
  paths: string[];
}

export interface FakeCloudFront {
  url: string;
  /** Invalidations created, in order (a repeated request creates none). */
  invalidations: FakeInvalidation[];
  close(): Promise<void>;
}

const NS = 'http://cloudfront.amazonaws.com/doc/2020-05-31/';

const xmlText = (text: string) =>
  text.replaceAll('&lt;', '<').replaceAll('&gt;', '>').replaceAll('&quot;', '"').replaceAll('&apos;', "'").replaceAll('&amp;', '&');
const escape = (text: string) => text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');

export async function startFakeCloudFront(): Promise<FakeCloudFront> {
  const invalidations: FakeInvalidation[] = [];
  const server: Server = createServer(async (request, response) => {
    let raw = '';
    for await (const chunk of request) raw += String(chunk);
    const match = /^\/2020-05-31\/distribution\/([^/]+)\/invalidation$/.exec(request.url ?? '');
    const fail = (status: number, code: string, message: string) =>
      response
        .writeHead(status, { 'content-type': 'text/xml' })
        .end(
          `<?xml version="1.0"?><ErrorResponse xmlns="${NS}"><Error><Type>Sender</Type><Code>${code}</Code><Message>${escape(message)}</Message></Error><RequestId>fake</RequestId></ErrorResponse>`,
        );
    if (request.method !== 'POST' || match === null) return fail(400, 'UnsupportedOperation', `${request.method} ${request.url}`);
    const distributionId = decodeURIComponent(match[1] as string);
    const callerReference = xmlText(/<CallerReference>([^<]*)<\/CallerReference>/.exec(raw)?.[1] ?? '');
    const paths = [...raw.matchAll(/<Path>([^<]*)<\/Path>/g)].map((m) => xmlText(m[1] as string));
    const quantity = Number(/<Quantity>(\d+)<\/Quantity>/.exec(raw)?.[1]);
    if (quantity !== paths.length) return fail(400, 'InconsistentQuantities', `Quantity ${quantity} for ${paths.length} paths.`);
    const seen = invalidations.findIndex((item) => item.distributionId === distributionId && item.callerReference === callerReference);
    const previous = invalidations[seen];
    if (previous !== undefined && JSON.stringify(previous.paths) !== JSON.stringify(paths)) {
      return fail(400, 'InvalidationBatchAlreadyExists', `CallerReference ${callerReference} was used with other paths.`);
    }
    const index = previous === undefined ? invalidations.push({ distributionId, callerReference, paths }) - 1 : seen;
    const id = `I${String(index + 1).padStart(13, '0')}`;
    const items = paths.map((path) => `<Path>${escape(path)}</Path>`).join('');
    response
      .writeHead(201, { 'content-type': 'text/xml', location: `https://cloudfront.amazonaws.com/2020-05-31/distribution/${distributionId}/invalidation/${id}` })
      .end(
        `<?xml version="1.0"?><Invalidation xmlns="${NS}"><Id>${id}</Id><Status>InProgress</Status><CreateTime>2010-06-30T02:00:00Z</CreateTime>` +
          `<InvalidationBatch><Paths><Quantity>${paths.length}</Quantity><Items>${items}</Items></Paths><CallerReference>${escape(callerReference)}</CallerReference></InvalidationBatch></Invalidation>`,
      );
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, invalidations, close: () => new Promise((done) => server.close(() => done())) };
}
