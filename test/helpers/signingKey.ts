// A fresh Ed25519 signing key for tests of the signed manifest (never a fixed key in the repo).

import { generateKeyPairSync } from 'node:crypto';
import { parseSigningKey, type SigningKey } from '../../src/manifest/signing.ts';

export function newSigningKey(): SigningKey {
  const { privateKey } = generateKeyPairSync('ed25519');
  return parseSigningKey(privateKey.export({ format: 'pem', type: 'pkcs8' }).toString(), 'test key');
}
