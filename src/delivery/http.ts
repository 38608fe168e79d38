// One outgoing POST, the way delivery needs it: never follows redirects, times out, can be
// aborted (an invocation's time running out), refuses endpoints the network policy forbids, and
// reports what happened instead of throwing.

import { Agent as HttpAgent, type IncomingMessage, request as httpRequest } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
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
  /** Connections kept open for the next request to the same endpoint (`keepAliveAgent`); default: one connection per request. */
  agent?: HttpAgent;
}

/**
 * An agent that keeps one connection to an endpoint open between requests, for a run of sends to
 * one partner: thousands of pushes after a full build then cost one connection, not one each.
 * Every new connection still goes through the address guard (the request's `lookup`); a reused
 * one was checked when it was made. Destroy it when the run ends. Undefined for a URL that is not
 * one (postOnce refuses it anyway).
 */
export function keepAliveAgent(url: string): HttpAgent | undefined {
  if (!URL.canParse(url)) return undefined;
  const options = { keepAlive: true, maxSockets: 1, maxFreeSockets: 1 };
  return new URL(url).protocol === 'https:' ? new HttpsAgent(options) : new HttpAgent(options);
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
    let retried = false;
    const finish = (result: PostResult) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', onAbort);
      resolve(result);
    };
    const body = Buffer.from(options.body, 'utf8');
    const send = (agent: HttpAgent | false) => {
      const sent = request(target, {
        method: 'POST',
        headers: { ...options.headers, 'content-length': String(body.byteLength), 'user-agent': 'Gazette-Webhooks/1.0' },
        lookup: guardedLookup(options.mode, options.resolve),
        agent,
      });
      sent.on('response', onResponse);
      sent.on('error', (error: NodeJS.ErrnoException) => {
        // A kept connection the endpoint closed while it was idle: the request never reached it.
        // Sent again once on a new connection, as Node's documentation advises.
        if (sent.reusedSocket && error.code === 'ECONNRESET' && !retried && !settled) {
          retried = true;
          req = send(false);
          return;
        }
        finish({ latencyMs: elapsed(), error: `${error.code ?? error.name}: ${error.message}` });
      });
      sent.end(body);
      return sent;
    };
    const timer = setTimeout(() => {
      req.destroy();
      finish({ latencyMs: elapsed(), error: `timeout: no answer within ${Math.round(options.timeoutMs)} ms`, timedOut: true });
    }, options.timeoutMs);
    const onAbort = () => {
      req.destroy();
      finish({ latencyMs: elapsed(), error: `aborted: ${abortReason()}`, aborted: true });
    };
    options.signal?.addEventListener('abort', onAbort, { once: true });
    function onResponse(res: IncomingMessage) {
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
    }
    let req = send(options.agent ?? false);
  });
}

function describeStatus(status: number, location: string | undefined): string {
  if (status >= 300 && status < 400) return `HTTP ${status} redirect to ${location ?? '(no Location)'} not followed: update the partner's endpoint.`;
  return `HTTP ${status}`;
}
