// Where we may send requests. In production: https only, and never to loopback, private,
// link-local or other special addresses (SSRF), checked on the address actually connected to.
// Locally: plain http is allowed to loopback only.

import { type LookupAddress, lookup } from 'node:dns';
import { BlockList, isIP } from 'node:net';

export type NetworkMode = 'local' | 'production';

const special = new BlockList();
for (const [net, prefix] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.0.2.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['198.51.100.0', 24],
  ['203.0.113.0', 24],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
] as const)
  special.addSubnet(net, prefix, 'ipv4');
for (const [net, prefix] of [
  ['::', 128],
  ['::1', 128],
  ['fc00::', 7],
  ['fe80::', 10],
  ['ff00::', 8],
  ['64:ff9b::', 96],
  ['2001:db8::', 32],
] as const) {
  special.addSubnet(net, prefix, 'ipv6');
}

const loopback = new BlockList();
loopback.addSubnet('127.0.0.0', 8, 'ipv4');
loopback.addAddress('::1', 'ipv6');

function family(address: string): 'ipv4' | 'ipv6' {
  return isIP(address) === 6 ? 'ipv6' : 'ipv4';
}

/** An IPv4-mapped IPv6 address (`::ffff:10.0.0.1`) as its IPv4 address. */
function unmapped(address: string): string {
  const match = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  return match?.[1] ?? address;
}

/** Loopback, private, link-local, multicast, documentation and other non-public addresses. */
export function isSpecialAddress(address: string): boolean {
  const plain = unmapped(address);
  return special.check(plain, family(plain));
}

export function isLoopbackAddress(address: string): boolean {
  const plain = unmapped(address);
  return loopback.check(plain, family(plain));
}

export class EndpointRefusedError extends Error {
  override name = 'EndpointRefusedError';
}

function hostOf(url: URL): string {
  return url.hostname.replace(/^\[|\]$/g, '');
}

/** Why a URL may not be called in this mode, or undefined when it may (addresses are checked again at connect). */
export function endpointProblem(raw: string, mode: NetworkMode): string | undefined {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return `${raw} is not an absolute URL.`;
  }
  const host = hostOf(url);
  if (url.username !== '' || url.password !== '') return `${raw} carries credentials; put secrets in the secret reference, not the URL.`;
  if (mode === 'local') {
    if (url.protocol === 'https:') return undefined;
    if (url.protocol === 'http:' && (host === 'localhost' || (isIP(host) !== 0 && isLoopbackAddress(host)))) return undefined;
    return `${raw}: only https, or http to a loopback address, is allowed when running locally.`;
  }
  if (url.protocol !== 'https:') return `${raw}: endpoints must use https.`;
  if (host === 'localhost' || (isIP(host) !== 0 && isSpecialAddress(host))) return `${raw} points at a loopback, private or link-local address.`;
  return undefined;
}

type LookupCallback = (error: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;

/** The DNS lookup the guard asks: `node:dns` lookup with `all: true`. Tests pass their own DNS answers. */
export type Resolve = (hostname: string, options: { all: true }, callback: (error: NodeJS.ErrnoException | null, addresses: LookupAddress[]) => void) => void;

/** A `lookup` for http(s).request that refuses special addresses in production (DNS rebinding included). */
export function guardedLookup(mode: NetworkMode, resolve: Resolve = lookup) {
  return (hostname: string, options: { all?: boolean }, callback: LookupCallback): void => {
    resolve(hostname, { all: true }, (error, addresses) => {
      if (error !== null) return callback(error, []);
      const allowed = mode === 'local' ? addresses : addresses.filter((entry) => !isSpecialAddress(entry.address));
      if (allowed.length === 0) {
        const found = addresses.map((entry) => entry.address).join(', ');
        const refused = new EndpointRefusedError(
          `${hostname} resolves only to loopback, private or link-local addresses (${found}), so no connection was made: a partner endpoint must be reachable at a public address; ask the partner to fix its DNS or change the endpoint.`,
        ) as NodeJS.ErrnoException;
        refused.code = 'EREFUSED_ADDRESS';
        return callback(refused, []);
      }
      if (options.all === true) return callback(null, allowed);
      const first = allowed[0] as LookupAddress;
      callback(null, first.address, first.family);
    });
  };
}
