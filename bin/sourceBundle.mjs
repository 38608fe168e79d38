// How a Gazette process gets from the TypeScript sources to running code, without a build step.
//
// Run through tsx, every process pays for its modules to be resolved and transpiled through loader
// hooks on a second thread: about half a second of CPU for `gazette --help`, a second or more for
// a build, and the same again in every render worker. So the command, its worker threads and its
// worker processes run an esbuild bundle of src/ and templates/ instead, made on demand and kept
// under node_modules/.cache/gazette/. Before using it a process compares the size and modification
// time of every file the bundle was made from (a few milliseconds); if any differs, or one is
// gone, it makes the bundle again (under a second), so an edited source takes effect on the next
// run exactly as it did under tsx. The pure-JavaScript packages of the Markdown pipeline are bundled
// in too (bundledPackages); every other package loads as Node loads it.
//
// tsx remains the fallback: when esbuild is missing or the cache folder cannot be written, and
// when GAZETTE_SOURCES=tsx asks for it (stack traces then name the .ts files and lines).

import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const repoRoot = fileURLToPath(new URL('../', import.meta.url));
// GAZETTE_BUNDLE_CACHE moves it (it must be inside the checkout, where the bundle finds node_modules).
const cacheDir = process.env['GAZETTE_BUNDLE_CACHE'] ?? join(repoRoot, 'node_modules', '.cache', 'gazette');
/** The modules a process starts from, by bundle entry name. */
const entryModules = {
  cli: 'src/cli/main.ts',
  renderWorker: 'src/publish/renderWorker.ts',
  searchWorker: 'src/discovery/searchWorker.ts',
  analyzeWorker: 'src/content/analyzeWorker.ts',
  jobProcess: 'src/publish/jobProcess.ts',
};
/**
 * Files that shape the bundle besides the modules in it. The lock files stand for the packages
 * bundled in: npm rewrites node_modules/.package-lock.json whenever it installs, so an `npm ci`
 * after the bundle was made (the lock file unchanged) makes it again.
 */
const configFiles = ['tsconfig.json', 'package.json', 'package-lock.json', 'node_modules/.package-lock.json', 'bin/sourceBundle.mjs'];
/**
 * Packages bundled with the sources, with everything they import: pure JavaScript that finds no
 * files of its own. Node loads each module of a package as a file of its own, and the Markdown
 * pipeline alone is some 300 of them: resolving, reading and compiling them cost a build about
 * 0.3 s before its first step, and every worker thread the same again. Every other package (the
 * SQLite binding, pdfkit and its fonts, the AWS SDK, …) stays outside and loads as Node loads it.
 */
const bundledPackages = new Set([
  'hastscript',
  'html-void-elements',
  'mdast-util-gfm-autolink-literal',
  'property-information',
  'rehype-sanitize',
  'remark-gfm',
  'remark-parse',
  'remark-rehype',
  'unified',
  'unist-util-visit',
  'yaml',
  'zod',
  'fflate',
]);
/** The bundle a parent process runs, passed to its worker threads and processes so they run the same code. */
const inheritedVariable = 'GAZETTE_BUNDLE_DIR';
const FORMAT = 1;

/**
 * Import the module at `url` (a file of this repository): from the bundle when it is one of the
 * bundle's entries and the bundle is current (made again if not), otherwise through tsx.
 */
export async function importSource(url) {
  const path = fileURLToPath(url);
  const entry = Object.entries(entryModules).find(([, module]) => join(repoRoot, module) === path)?.[0];
  if (entry !== undefined && process.env['GAZETTE_SOURCES'] !== 'tsx') {
    const inherited = process.env[inheritedVariable];
    const dir = inherited ?? (await currentBundle());
    if (dir !== undefined) {
      if (inherited === undefined) markInUse(dir);
      process.env[inheritedVariable] = dir;
      return import(pathToFileURL(join(dir, `${entry}.mjs`)).href);
    }
  }
  const { register } = await import('tsx/esm/api');
  register();
  return import(url);
}

/** The folder of a bundle made from the sources as they are now, or undefined when none can be made. */
export async function currentBundle() {
  const recordFile = join(cacheDir, `${rootKey()}.json`);
  const record = readRecord(recordFile);
  if (record !== undefined && isCurrent(record)) return join(cacheDir, record.dir);
  try {
    return await makeBundle(recordFile);
  } catch (error) {
    if (process.env['GAZETTE_DEBUG_BUNDLE'] !== undefined)
      process.stderr.write(`gazette: running the sources through tsx: ${error instanceof Error ? error.stack : String(error)}\n`);
    return undefined;
  }
}

// One record per checkout, so two checkouts sharing node_modules (a symlink) do not keep
// replacing each other's bundle.
function rootKey() {
  return `bundle-${createHash('sha256').update(repoRoot).digest('hex').slice(0, 12)}`;
}

function readRecord(file) {
  try {
    const record = JSON.parse(readFileSync(file, 'utf8'));
    return record.format === FORMAT && record.root === repoRoot ? record : undefined;
  } catch {
    return undefined;
  }
}

function isCurrent(record) {
  for (const [file, mtimeMs, size] of record.inputs) {
    const now = statSync(join(repoRoot, file), { throwIfNoEntry: false });
    // A file recorded as missing (size -1: a checkout without a lock file) must still be missing.
    if (now === undefined ? size !== -1 : now.mtimeMs !== mtimeMs || now.size !== size) return false;
  }
  return statSync(join(cacheDir, record.dir, 'cli.mjs'), { throwIfNoEntry: false }) !== undefined;
}

async function makeBundle(recordFile) {
  const { build, version } = await import('esbuild');
  const key = rootKey();
  const dir = `${key}-${process.pid}-${Math.round(performance.timeOrigin + performance.now()).toString(36)}`;
  const outdir = join(cacheDir, dir);
  // Each file's size and time are taken before it is read: a file saved while the bundle is made
  // then differs from its record, and the next run makes the bundle again.
  const inputs = new Map();
  const note = (path) => {
    const { mtimeMs, size } = statSync(path, { throwIfNoEntry: false }) ?? { mtimeMs: -1, size: -1 };
    inputs.set(relative(repoRoot, path).split(sep).join('/'), [mtimeMs, size]);
  };
  for (const file of configFiles) note(join(repoRoot, file));
  const ownSources = {
    name: 'gazette-sources',
    setup(builder) {
      // A package the sources import is bundled when it is one of bundledPackages, and so is what
      // it imports in turn; any other stays an import of its own.
      builder.onResolve({ filter: /^[^./]/ }, (args) => {
        if (args.path.startsWith('node:') || args.importer.includes(`${sep}node_modules${sep}`)) return undefined;
        const name = args.path.startsWith('@') ? args.path.split('/').slice(0, 2).join('/') : (args.path.split('/')[0] ?? args.path);
        return bundledPackages.has(name) ? undefined : { path: args.path, external: true };
      });
      builder.onLoad({ filter: /\.(?:m?[jt]s|tsx)$/ }, (args) => {
        if (args.path.includes(`${sep}node_modules${sep}`)) return undefined;
        note(args.path);
        const source = readFileSync(args.path, 'utf8');
        // Modules find their data files (templates, fonts, schemas) relative to themselves: each
        // keeps its own import.meta.url rather than the bundle's.
        const contents = source.replaceAll('import.meta.url', JSON.stringify(pathToFileURL(args.path).href));
        return { contents, loader: args.path.endsWith('.tsx') ? 'tsx' : args.path.endsWith('.ts') ? 'ts' : 'js' };
      });
    },
  };
  mkdirSync(cacheDir, { recursive: true });
  await build({
    absWorkingDir: repoRoot,
    entryPoints: Object.fromEntries(Object.entries(entryModules).map(([name, module]) => [name, join(repoRoot, module)])),
    outdir,
    outExtension: { '.js': '.mjs' },
    bundle: true,
    // Chunks keep modules that are imported on demand (the AWS SDK adapters, PDF, Word import)
    // out of a process that does not need them, as separate modules do under tsx.
    splitting: true,
    chunkNames: 'chunk-[hash]',
    format: 'esm',
    platform: 'node',
    target: 'node20',
    // `node --enable-source-maps bin/gazette.js …` maps stack traces to the .ts files.
    sourcemap: 'linked',
    // A CommonJS package bundled in (yaml) requires Node's built-in modules.
    banner: { js: "import { createRequire as __gazetteRequire } from 'node:module'; const require = __gazetteRequire(import.meta.url);" },
    logLevel: 'silent',
    plugins: [ownSources],
  });
  const record = { format: FORMAT, root: repoRoot, esbuild: version, dir, inputs: [...inputs].map(([file, [mtimeMs, size]]) => [file, mtimeMs, size]) };
  const temporary = `${recordFile}.${process.pid}.tmp`;
  writeFileSync(temporary, JSON.stringify(record));
  renameSync(temporary, recordFile);
  removeOldBundles(key, dir);
  return outdir;
}

/**
 * A process that runs from a bundle leaves its pid there: it may load more of its chunks later (a
 * watch rendering its first PDF), so the bundle stays until that process has ended.
 */
function markInUse(dir) {
  try {
    mkdirSync(join(dir, 'running'), { recursive: true });
    writeFileSync(join(dir, 'running', String(process.pid)), '');
  } catch {
    // A read-only cache: nothing removes bundles from it either.
  }
}

/** Remove this checkout's replaced bundles that no running process started from, keeping the two newest. */
function removeOldBundles(key, current) {
  const bundles = readdirSync(cacheDir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && entry.name.startsWith(`${key}-`) && entry.name !== current)
    .map((entry) => ({ name: entry.name, mtimeMs: statSync(join(cacheDir, entry.name)).mtimeMs }))
    .sort((a, b) => b.mtimeMs - a.mtimeMs);
  for (const old of bundles.slice(2)) {
    if (!runningPids(join(cacheDir, old.name)).some(isRunning)) rmSync(join(cacheDir, old.name), { recursive: true, force: true });
  }
}

function runningPids(dir) {
  try {
    return readdirSync(join(dir, 'running'));
  } catch {
    return [];
  }
}

function isRunning(pid) {
  try {
    process.kill(Number(pid), 0);
    return true;
  } catch (error) {
    // EPERM: it runs, as another user.
    return error.code === 'EPERM';
  }
}
