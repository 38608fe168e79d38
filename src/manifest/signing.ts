// The manifest's signature: Ed25519 (node:crypto), as a JWS with a detached payload (RFC 7515
// appendix F; "EdDSA" of RFC 8037), and the public keys as a JWK Set (RFC 7517 §5). Standard
// shapes, so a partner verifies with node:crypto alone (it imports a JWK as it is) or with any
// JOSE library; the key id is the key's JWK thumbprint (RFC 7638), which anyone can recompute.

import { createHash, createPrivateKey, createPublicKey, type KeyObject, sign, verify } from 'node:crypto';

/** The environment variable that holds the signing key locally (on AWS: a Secrets Manager secret). */
export const SIGNING_KEY_VARIABLE = 'GAZETTE_SIGNING_KEY';

/** An Ed25519 public key as a JWK, with the members this project publishes. */
export interface PublicJwk {
  kty: 'OKP';
  crv: 'Ed25519';
  x: string;
  kid: string;
  use: 'sig';
  alg: 'EdDSA';
}

export interface JwkSet {
  keys: PublicJwk[];
}

export interface SigningKey {
  privateKey: KeyObject;
  publicJwk: PublicJwk;
  /** The JWK thumbprint (RFC 7638) of the public key. */
  kid: string;
}

/** A signing key that cannot be used: what is wrong and what to do, naming where it came from. */
export class SigningKeyError extends Error {
  override name = 'SigningKeyError';
}

/**
 * The signing key from text: a PKCS#8 PEM (`-----BEGIN PRIVATE KEY-----`), or the base64 of the
 * PKCS#8 DER bytes (one line, for environment variables and secrets that dislike newlines).
 * `source` names where the text came from, for the error.
 */
export function parseSigningKey(text: string, source: string): SigningKey {
  const trimmed = text.trim();
  if (trimmed === '') throw new SigningKeyError(`${source} is empty. ${howToMakeKey}`);
  let privateKey: KeyObject;
  try {
    privateKey = trimmed.startsWith('-----BEGIN')
      ? createPrivateKey({ key: trimmed, format: 'pem' })
      : createPrivateKey({ key: Buffer.from(trimmed, 'base64'), format: 'der', type: 'pkcs8' });
  } catch (error) {
    throw new SigningKeyError(`${source} is not a PKCS#8 private key, as PEM or as base64 of its DER bytes (${(error as Error).message}). ${howToMakeKey}`);
  }
  if (privateKey.asymmetricKeyType !== 'ed25519') {
    throw new SigningKeyError(`${source} is a ${privateKey.asymmetricKeyType ?? 'symmetric'} key; manifests are signed with Ed25519. ${howToMakeKey}`);
  }
  const publicJwk = publicJwkOf(createPublicKey(privateKey));
  return { privateKey, publicJwk, kid: publicJwk.kid };
}

const howToMakeKey = 'Make one with `openssl genpkey -algorithm ed25519 -out signing-key.pem` and keep it out of the repository.';

/** The public JWK of an Ed25519 public key, its kid the RFC 7638 thumbprint. */
export function publicJwkOf(publicKey: KeyObject): PublicJwk {
  const jwk = publicKey.export({ format: 'jwk' });
  if (jwk.kty !== 'OKP' || jwk.crv !== 'Ed25519' || typeof jwk.x !== 'string') throw new Error('Not an Ed25519 public key.');
  // RFC 7638 §3.2: the required members only, in lexicographic order, no whitespace.
  const thumbprint = createHash('sha256').update(`{"crv":"Ed25519","kty":"OKP","x":"${jwk.x}"}`).digest('base64url');
  return { kty: 'OKP', crv: 'Ed25519', x: jwk.x, kid: thumbprint, use: 'sig', alg: 'EdDSA' };
}

/** A compact JWS over `payload` with the payload left out (`<header>..<signature>`). */
export function signDetached(payload: Uint8Array, key: SigningKey): string {
  const header = Buffer.from(JSON.stringify({ alg: 'EdDSA', kid: key.kid })).toString('base64url');
  const input = Buffer.from(`${header}.${Buffer.from(payload).toString('base64url')}`);
  return `${header}..${sign(null, input, key.privateKey).toString('base64url')}\n`;
}

export type DetachedVerdict = { ok: true; kid: string } | { ok: false; kid?: string; reason: 'malformed' | 'unknown-key' | 'bad-signature'; message: string };

/** Check a detached compact JWS over `payload` with the keys of `keys`. */
export function verifyDetached(jws: string, payload: Uint8Array, keys: JwkSet): DetachedVerdict {
  const parts = jws.trim().split('.');
  if (parts.length !== 3 || parts[1] !== '')
    return { ok: false, reason: 'malformed', message: 'The signature is not a compact JWS with a detached payload (`<header>..<signature>`).' };
  const [header, , signature] = parts as [string, string, string];
  let fields: { alg?: unknown; kid?: unknown };
  try {
    fields = JSON.parse(Buffer.from(header, 'base64url').toString('utf8')) as typeof fields;
  } catch {
    return { ok: false, reason: 'malformed', message: "The signature's JWS header is not base64url JSON." };
  }
  if (fields.alg !== 'EdDSA' || typeof fields.kid !== 'string') {
    return { ok: false, reason: 'malformed', message: `The signature's header must name alg "EdDSA" and a kid; it has ${JSON.stringify(fields)}.` };
  }
  const kid = fields.kid;
  const jwk = keys.keys.find((candidate) => candidate.kid === kid);
  if (jwk === undefined) {
    return {
      ok: false,
      kid,
      reason: 'unknown-key',
      message: `The manifest is signed with key ${kid}, which is not among the trusted keys (${keys.keys.map((k) => k.kid).join(', ') || 'none'}).`,
    };
  }
  let publicKey: KeyObject;
  try {
    publicKey = createPublicKey({ key: { kty: jwk.kty, crv: jwk.crv, x: jwk.x }, format: 'jwk' });
  } catch (error) {
    return { ok: false, kid, reason: 'malformed', message: `The trusted key ${kid} is not a usable Ed25519 JWK: ${(error as Error).message}.` };
  }
  const input = Buffer.from(`${header}.${Buffer.from(payload).toString('base64url')}`);
  const valid = verify(null, input, publicKey, Buffer.from(signature, 'base64url'));
  return valid
    ? { ok: true, kid }
    : {
        ok: false,
        kid,
        reason: 'bad-signature',
        message: `The signature does not match the manifest's bytes for key ${kid}: the manifest or its signature was changed after signing.`,
      };
}

/**
 * The key set to publish: the current key first, then every key published before (so manifests
 * signed before a rotation, kept by partners and reading points, still verify), each once.
 */
export function mergeKeySet(current: PublicJwk, before: JwkSet | undefined): JwkSet {
  const older = (before?.keys ?? []).filter((key) => key.kid !== current.kid);
  return { keys: [current, ...older] };
}

/** Parse a JWK Set; undefined when the text is not one (a key file written by hand, damaged…). */
export function parseKeySet(text: string): JwkSet | undefined {
  try {
    const parsed = JSON.parse(text) as { keys?: unknown };
    if (!Array.isArray(parsed.keys)) return undefined;
    const keys = parsed.keys.filter((key): key is PublicJwk => {
      const k = key as Partial<PublicJwk>;
      return k.kty === 'OKP' && k.crv === 'Ed25519' && typeof k.x === 'string' && typeof k.kid === 'string';
    });
    return { keys: keys.map(({ kty, crv, x, kid }) => ({ kty, crv, x, kid, use: 'sig', alg: 'EdDSA' })) };
  } catch {
    return undefined;
  }
}

/** The bytes of a key set as published: one key per line, so a rotation reads as a one-line diff. */
export function keySetBytes(set: JwkSet): Buffer {
  return Buffer.from(`{"keys":[\n${set.keys.map((key) => JSON.stringify(key)).join(',\n')}\n]}\n`, 'utf8');
}

/**
 * The key from the environment (`GAZETTE_SIGNING_KEY`), read and checked now, so a bad key stops
 * the build before its first write. Undefined when the variable is not set: the build writes
 * its manifest unsigned and says so.
 */
export function environmentSigningKey(env: NodeJS.ProcessEnv): SigningKey | undefined {
  const text = env[SIGNING_KEY_VARIABLE];
  if (text === undefined || text.trim() === '') return undefined;
  return parseSigningKey(text, `The environment variable ${SIGNING_KEY_VARIABLE}`);
}
