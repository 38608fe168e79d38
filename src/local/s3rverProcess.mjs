// Child-process entry that runs s3rver for startEmbeddedServers (servers.ts). Plain JavaScript on
// purpose: it runs under bare `node --openssl-legacy-provider` (s3rver's list-pagination tokens
// use a cipher OpenSSL 3 disables), without tsx, whose require hook breaks one of koa's
// dependencies (`generator-function`'s module-sync export), and it starts faster that way.
// It is also the watchdog of the embedded servers: when the parent goes away (even by SIGKILL)
// the IPC channel closes and this process kills every process it was asked to guard.
//
// Messages, parent → child: { type: 'guard', pid } | { type: 'stop' }
//           child → parent: { type: 'listening', port } | { type: 'failed', message }

import S3rver from 's3rver';

const directory = process.argv[2];
const guarded = new Set();

function killGuarded() {
  for (const pid of guarded) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // Already gone.
    }
  }
}

async function main() {
  if (directory === undefined || process.send === undefined) {
    throw new Error('s3rverProcess.mjs is started by startEmbeddedServers with an IPC channel and a data directory.');
  }
  const server = new S3rver({ address: '127.0.0.1', port: 0, directory, silent: true });
  process.on('disconnect', () => {
    killGuarded();
    process.exit(0);
  });
  process.on('message', (request) => {
    if (request.type === 'guard') guarded.add(request.pid);
    if (request.type === 'stop') {
      server.httpServer?.closeAllConnections();
      server.close().finally(() => process.exit(0));
    }
  });
  const { port } = await server.run();
  process.send({ type: 'listening', port });
}

main().catch((error) => {
  process.send?.({ type: 'failed', message: error instanceof Error ? (error.stack ?? error.message) : String(error) });
  killGuarded();
  process.exit(1);
});
