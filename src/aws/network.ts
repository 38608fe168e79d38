// Which webhook and hub addresses the functions may call. Production refuses loopback and private
// addresses (a partner URL must not reach into our network); the smoke tests, which receive
// webhooks on 127.0.0.1, set GAZETTE_NETWORK_MODE=local.

import type { NetworkMode } from '../delivery/endpoint.ts';

export function networkModeFromEnv(env: NodeJS.ProcessEnv = process.env): NetworkMode {
  const value = env['GAZETTE_NETWORK_MODE'] ?? 'production';
  if (value !== 'production' && value !== 'local') {
    throw new Error(`GAZETTE_NETWORK_MODE is "${value}"; it must be "production" (default) or "local".`);
  }
  return value;
}
