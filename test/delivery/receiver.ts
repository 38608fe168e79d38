// A partner's webhook receiver on loopback: verifies every request with the standardwebhooks
// library, answers from a script, and "processes" each webhook-id once, as a partner must.

import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';

export interface ScriptedAnswer {
  status: number;
  headers?: Record<string, string>;
  /** Answer this late (to exercise the sender's timeout). */
  delayMs?: number;
}

export interface ReceivedRequest {
  headers: IncomingHttpHeaders;
  body: string;
  verified: boolean;
  answered: number;
}

export interface Receiver {
  url: string;
  requests: ReceivedRequest[];
  /** Bodies processed, once per webhook-id. */
  processed: Map<string, unknown>;
  close(): Promise<void>;
}

/** `script` answers the n-th request (0-based); past its end, 200. */
export async function startReceiver(secret: string, script: ScriptedAnswer[] = [], path = '/hooks/gazette'): Promise<Receiver> {
  const webhook = new Webhook(secret);
  const requests: ReceivedRequest[] = [];
  const processed = new Map<string, unknown>();
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const answer = script[requests.length] ?? { status: 200 };
      let payload: unknown;
      let verified = false;
      try {
        payload = webhook.verify(body, req.headers as Record<string, string>);
        verified = true;
      } catch {
        verified = false;
      }
      requests.push({ headers: req.headers, body, verified, answered: answer.status });
      const reply = () => {
        if (verified && answer.status >= 200 && answer.status < 300) {
          const id = String(req.headers['webhook-id']);
          if (!processed.has(id)) processed.set(id, payload);
        }
        res.writeHead(verified ? answer.status : 401, answer.headers).end();
      };
      if (answer.delayMs === undefined) reply();
      else setTimeout(reply, answer.delayMs);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}${path}`,
    requests,
    processed,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A clock starting at the real time whose `sleep` advances it instantly, recording each wait. */
export function fastClock() {
  let offset = 0;
  const sleeps: number[] = [];
  return {
    sleeps,
    now: () => new Date(performance.timeOrigin + performance.now() + offset),
    sleep: async (ms: number) => {
      sleeps.push(ms);
      offset += ms;
    },
  };
}

export interface SilentServer {
  url: string;
  /** Requests received (none is ever answered). */
  requests: number;
  close(): Promise<void>;
}

/** An endpoint that accepts connections and reads requests but never answers: a hanging partner or hub. */
export async function startSilentServer(path = '/hooks/gazette'): Promise<SilentServer> {
  const state = { requests: 0 };
  const server: Server = createServer((req) => {
    state.requests++;
    req.resume();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}${path}`,
    get requests() {
      return state.requests;
    },
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
