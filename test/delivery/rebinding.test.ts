// The DNS-rebinding guard on the real connect path: a partner's public-looking hostname whose DNS
// answer is a loopback, private or link-local address is refused when the socket would connect,
// and no connection is made. DNS is the one thing injected (no test can make a real name resolve
// to 169.254.169.254); the request, the lookup hook and the socket are Node's own.

import type { LookupAddress } from 'node:dns';
import { createServer, type Server } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { guardedLookup, type Resolve } from '../../src/delivery/endpoint.ts';
import { postOnce } from '../../src/delivery/http.ts';

const partnerHost = 'hooks.partner-news.example.com';

/** A DNS that answers every name with the given addresses, and remembers what it was asked. */
function fakeDns(addresses: string[]): Resolve & { asked: string[] } {
  const asked: string[] = [];
  const resolve = ((hostname: string, _options: unknown, callback: (error: NodeJS.ErrnoException | null, found: LookupAddress[]) => void) => {
    asked.push(hostname);
    setImmediate(() =>
      callback(
        null,
        addresses.map((address) => ({ address, family: address.includes(':') ? 6 : 4 })),
      ),
    );
  }) as Resolve & { asked: string[] };
  resolve.asked = asked;
  return resolve;
}

// Anything listening on loopback counts the connections it gets: a refused request makes none.
let server: Server;
let port = 0;
let connections = 0;

beforeAll(async () => {
  server = createServer((socket) => {
    connections++;
    socket.destroy();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as { port: number }).port;
});

afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

describe('postOnce in production with a name that resolves to a special address', () => {
  const cases = [
    ['loopback', ['127.0.0.1']],
    ['private 10/8', ['10.20.30.40']],
    ['the instance metadata address', ['169.254.169.254']],
    ['IPv6 loopback', ['::1']],
    ['IPv4-mapped IPv6 loopback', ['::ffff:127.0.0.1']],
    ['only special addresses among several', ['192.168.1.10', 'fd00::5', '::ffff:10.0.0.1']],
  ] as const;

  it.each(cases)('refuses %s with a clear error and never connects', async (_name, addresses) => {
    const dns = fakeDns([...addresses]);
    const before = connections;
    const result = await postOnce(`https://${partnerHost}:${port}/hook`, {
      headers: { 'content-type': 'application/json' },
      body: '{}',
      timeoutMs: 5_000,
      mode: 'production',
      resolve: dns,
    });
    expect(dns.asked).toEqual([partnerHost]);
    expect(result.status).toBeUndefined();
    expect(result.error).toBe(
      `EREFUSED_ADDRESS: ${partnerHost} resolves only to loopback, private or link-local addresses (${addresses.join(', ')}), so no connection was made: a partner endpoint must be reachable at a public address; ask the partner to fix its DNS or change the endpoint.`,
    );
    expect(connections).toBe(before);
  });
});

describe('guardedLookup', () => {
  const ask = (mode: 'production' | 'local', addresses: string[], all: boolean) =>
    new Promise<{ error: NodeJS.ErrnoException | null; address: string | LookupAddress[]; family?: number }>((resolve) => {
      guardedLookup(mode, fakeDns(addresses))(partnerHost, { all }, (error, address, family) => resolve({ error, address, family }));
    });

  it('passes a public address', async () => {
    expect(await ask('production', ['93.184.215.14'], false)).toEqual({ error: null, address: '93.184.215.14', family: 4 });
    expect(await ask('production', ['2400:3200::1'], true)).toEqual({ error: null, address: [{ address: '2400:3200::1', family: 6 }] });
  });

  it('connects only to the public addresses when a name resolves to public and private ones', async () => {
    const { address } = await ask('production', ['10.0.0.7', '93.184.215.14', '169.254.169.254'], true);
    expect(address).toEqual([{ address: '93.184.215.14', family: 4 }]);
  });

  it('lets loopback through when running locally', async () => {
    expect(await ask('local', ['127.0.0.1'], false)).toEqual({ error: null, address: '127.0.0.1', family: 4 });
  });
});
