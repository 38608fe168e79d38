// One outgoing POST, the way delivery needs it: never follows redirects, times out, can be
// aborted (an invocation's time running out), refuses endpoints the network policy forbids, and
// reports what happened instead of throwing.

import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { endpointProblem, guardedLookup, type NetworkMode, type Resolve } from './endpoint.ts';

export interface PostOptions {
  headers: Record<string, string>;
  body: string;
  timeoutMs: number;
  mode: NetworkMode;
  /** Abort the request (the caller's time is up); it then resolves with an `aborted:` error. */
  signal?: AbortSignal;
  /** The DNS lookup behind the address guard; default `node:dns`. Tests inject answers a real name cannot give. */
  resolve?: Resolve;
}

export interface PostResult {
  /** HTTP status, absent when no response came (refused, timeout, network error). */
  status?: number;
  /** Raw `Retry-After` header. */
  retryAfter?: string;
  location?: string;
  latencyMs: number;
  /** What went wrong, for the delivery log; absent on 2xx. */
  error?: string;
  /** No answer came within `timeoutMs`. */
  timedOut?: true;
  /** The caller aborted the request before an answer came. */
  aborted?: true;
}

const MAX_RESPONSE_BYTES = 64 * 1024;

export function postOnce(url: string, options: PostOptions): Promise<PostResult> {
  const start = performance.now();
  const elapsed = () => Math.round(performance.now() - start);
  const problem = endpointProblem(url, options.mode);
  if (problem !== undefined) return Promise.resolve({ latencyMs: 0, error: `refused: ${problem}` });
  const abortReason = () => (options.signal?.reason instanceof Error ? options.signal.reason.message : 'the caller stopped waiting');
  if (options.signal?.aborted === true) return Promise.resolve({ latencyMs: 0, error: `aborted: ${abortReason()}`, aborted: true });
  const target = new URL(url);
  const request = target.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve) => {
    let settled = false;
    const finish = (result: PostResult) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', onAbort);
      resolve(result);
    };
    const body = Buffer.from(options.body, 'utf8');
    const req = request(target, {
      method: 'POST',
      headers: { ...options.headers, 'content-length': String(body.byteLength), 'user-agent': 'Gazette-Webhooks/1.0' },
      lookup: guardedLookup(options.mode, options.resolve),
      agent: false,
    });
    const timer = setTimeout(() => {
      req.destroy();
      finish({ latencyMs: elapsed(), error: `timeout: no answer within ${Math.round(options.timeoutMs)} ms`, timedOut: true });
    }, options.timeoutMs);
    const onAbort = () => {
      req.destroy();
      finish({ latencyMs: elapsed(), error: `aborted: ${abortReason()}`, aborted: true });
    };
    options.signal?.addEventListener('abort', onAbort, { once: true });
    req.on('response', (res) => {
      let received = 0;
      res.on('data', (chunk: Buffer) => {
        received += chunk.byteLength;
        if (received > MAX_RESPONSE_BYTES) res.destroy();
      });
      const done = () => {
        const status = res.statusCode ?? 0;
        const retryAfter = res.headers['retry-after'];
        const location = res.headers.location;
        finish({
          status,
          latencyMs: elapsed(),
          ...(retryAfter === undefined ? {} : { retryAfter }),
          ...(location === undefined ? {} : { location }),
          ...(status >= 200 && status < 300 ? {} : { error: describeStatus(status, location) }),
        });
      };
      res.on('end', done);
      res.on('close', done);
      res.on('error', done);
    });
    req.on('error', (error: NodeJS.ErrnoException) => {
      finish({ latencyMs: elapsed(), error: `${error.code ?? error.name}: ${error.message}` });
    });
    req.end(body);
  });
}

function describeStatus(status: number, location: string | undefined): string {
  if (status >= 300 && status < 400) return `HTTP ${status} redirect to ${location ?? '(no Location)'} not followed: update the partner's endpoint.`;
  return `HTTP ${status}`;
}
