// Child-process entry that runs s3rver for startEmbeddedServers (servers.ts). Plain JavaScript on
// purpose: it runs under bare `node --openssl-legacy-provider` (s3rver's list-pagination tokens
// use a cipher OpenSSL 3 disables), without tsx, whose require hook breaks one of koa's
// dependencies (`generator-function`'s module-sync export), and it starts faster that way.
// It is also the watchdog of the embedded servers: when the parent goes away (even by SIGKILL)
// the IPC channel closes and this process kills every process it was asked to guard.
//
// Messages, parent → child: { type: 'guard', pid } | { type: 'stop' }
//           child → parent: { type: 'listening', port } | { type: 'failed', message }

import { createHash } from 'node:crypto';
import { mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { createRequire } from 'node:module';
import S3rver from 's3rver';

const S3Object = createRequire(import.meta.url)('s3rver/lib/models/object.js');

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

/**
 * Present while a server runs on the directory; removed once it stopped with no write in progress.
 * Found at start, it means the last server was stopped mid-write.
 */
const RUNNING_MARK = '.gazette-s3rver-running';
const OBJECT = '._S3rver_object';
const METADATA = '._S3rver_metadata.json';
const MD5 = '._S3rver_object.md5';
/** s3rver's temporary files (see atomicWrites), left behind only by a server that was killed. */
const TEMPORARY = /\._S3rver_[a-z0-9.]+\.tmp-\d+$/;

/**
 * s3rver writes an object in three files, one after the other: a server stopped between them (a
 * crash, a killed process) leaves an object whose metadata is cut short or missing, or whose bytes
 * are not the ones the metadata describes, and s3rver then fails every listing that meets it, HEAD
 * bucket included. S3 never shows a half-written object: remove those, so the object is as if its
 * interrupted PUT never happened (the build that made it writes it again). Only files changed
 * since the interrupted server started are checked. Returns the keys removed.
 */
async function removeInterruptedWrites(root, since) {
  const removed = [];
  const files = new Set(await readdir(root, { recursive: true }));
  const recent = async (path) => {
    try {
      return (await stat(join(root, path))).mtimeMs >= since;
    } catch {
      return false;
    }
  };
  const remove = async (base) => {
    await Promise.all([OBJECT, METADATA, MD5].map((suffix) => rm(join(root, base + suffix), { force: true })));
    removed.push(base);
  };
  for (const file of files) {
    if (TEMPORARY.test(file)) {
      await rm(join(root, file), { force: true });
      continue;
    }
    const base = file.endsWith(OBJECT) ? file.slice(0, -OBJECT.length) : file.endsWith(METADATA) ? file.slice(0, -METADATA.length) : undefined;
    if (base === undefined || (file.endsWith(METADATA) && files.has(base + OBJECT))) continue; // each object once
    if (!(await recent(base + OBJECT)) && !(await recent(base + METADATA))) continue;
    if (!files.has(base + OBJECT) || !files.has(base + METADATA)) {
      await remove(base);
      continue;
    }
    let metadata;
    try {
      metadata = JSON.parse(await readFile(join(root, base + METADATA), 'utf8'));
    } catch {
      await remove(base);
      continue;
    }
    const sha256 = metadata['x-amz-meta-sha256'];
    const body = await readFile(join(root, base + OBJECT));
    if (typeof sha256 === 'string' && createHash('sha256').update(body).digest('hex') !== sha256) {
      await remove(base);
      continue;
    }
    // Possibly the previous version's: s3rver computes it again when it is missing.
    await rm(join(root, base + MD5), { force: true });
  }
  return removed;
}

/**
 * S3 replaces an object all at once: a reader sees the old bytes or the new ones. s3rver writes
 * over the old file in place, so a server stopped mid-write leaves neither. Write each of an
 * object's files to a temporary name and rename it over the old one instead.
 */
function atomicWrites(store) {
  let serial = 0;
  const replace = async (path, data) => {
    // A new file has no old version to keep: written in place (a start after a kill removes a cut one).
    try {
      await writeFile(path, data, { flag: 'wx' });
      return;
    } catch (error) {
      if (error?.code !== 'EEXIST') throw error;
    }
    const temporary = `${path}.tmp-${++serial}`;
    await writeFile(temporary, data);
    await rename(temporary, path);
  };
  const collect = async (stream) => {
    const chunks = [];
    for await (const chunk of stream) chunks.push(chunk);
    return Buffer.concat(chunks);
  };
  store.putObject = async function putObject(object) {
    const objectPath = this.getResourcePath(object.bucket, object.key, 'object');
    await mkdir(dirname(objectPath), { recursive: true });
    const body = Buffer.isBuffer(object.content) ? object.content : await collect(object.content);
    const md5 = createHash('md5').update(body).digest('hex');
    await replace(objectPath, body);
    await this.putMetadata(object.bucket, object.key, object.metadata, md5);
    return { size: body.length, md5 };
  };
  // As s3rver's own putMetadata: the metadata S3 keeps, then its md5 and metadata files.
  store.putMetadata = async function putMetadata(bucket, key, metadata, md5) {
    const kept = Object.fromEntries(Object.entries(metadata).filter(([name]) => S3Object.ALLOWED_METADATA.includes(name) || name.startsWith('x-amz-meta-')));
    if (md5) await replace(this.getResourcePath(bucket, key, 'object.md5'), md5);
    await replace(this.getResourcePath(bucket, key, 'metadata.json'), JSON.stringify(kept, null, 2));
  };
}

async function main() {
  if (directory === undefined || process.send === undefined) {
    throw new Error('s3rverProcess.mjs is started by startEmbeddedServers with an IPC channel and a data directory.');
  }
  const server = new S3rver({ address: '127.0.0.1', port: 0, directory, silent: true });
  atomicWrites(server.store);
  // A request s3rver fails with HTTP 500 says only "internal error": its cause goes to stderr,
  // which the parent keeps and names when such a failure stops it.
  server.on('error', (error, ctx) => {
    if (typeof error?.status === 'number' && error.status < 500) return; // an S3 answer, e.g. NoSuchKey
    process.stderr.write(`${ctx?.method ?? ''} ${ctx?.path ?? ''}: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  });
  process.on('disconnect', () => {
    killGuarded();
    process.exit(0);
  });
  // Requests being handled: a stop lets them finish their file writes (up to a limit) before exiting.
  let inFlight = 0;
  const handle = server.callback.bind(server);
  server.callback = () => {
    const handler = handle();
    return (request, response) => {
      inFlight++;
      Promise.resolve(handler(request, response)).finally(() => inFlight--);
    };
  };
  const mark = join(directory, RUNNING_MARK);
  process.on('message', (request) => {
    if (request.type === 'guard') guarded.add(request.pid);
    if (request.type === 'stop') {
      // No new connection; the requests being handled finish (up to 2 s), then the rest is cut.
      server.httpServer?.close();
      server.httpServer?.closeIdleConnections();
      const drained = new Promise((resolve) => {
        const started = performance.now();
        const poll = () => (inFlight === 0 || performance.now() - started > 2000 ? resolve(inFlight === 0) : setTimeout(poll, 10));
        poll();
      });
      drained
        .then((clean) => {
          server.httpServer?.closeAllConnections();
          return clean ? rm(mark, { force: true }) : undefined;
        })
        .finally(() => process.exit(0));
    }
  });
  const interrupted = await stat(mark).then(
    (found) => found.mtimeMs,
    () => undefined,
  );
  if (interrupted !== undefined) {
    const removed = await removeInterruptedWrites(directory, interrupted - 1000);
    if (removed.length > 0) process.stderr.write(`Removed ${removed.length} object(s) a stopped server left half-written: ${removed.slice(0, 5).join(', ')}\n`);
  }
  await writeFile(mark, `${process.pid}\n`);
  const { port } = await server.run();
  process.send({ type: 'listening', port });
}

main().catch((error) => {
  process.send?.({ type: 'failed', message: error instanceof Error ? (error.stack ?? error.message) : String(error) });
  killGuarded();
  process.exit(1);
});
