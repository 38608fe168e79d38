// Bundle every Lambda function with esbuild: one ESM file per function (AWS SDK included, so the
// bundle runs the SDK version we test against, not the runtime's), plus the files it reads at run
// time, laid out as in the repository. Run: `node --import tsx infra/bundle.ts [name…]`.

import { cp, mkdir, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { join, relative, resolve } from 'node:path';
import { build, type Metafile, type Plugin } from 'esbuild';
import { bundlesDir, type FunctionName, functionNames, functionSpecs, repoRoot } from './functions.ts';
import { collectRenderCodeParts, RENDER_CODE_FILE } from '../src/publish/renderCode.ts';

export interface BundleResult {
  name: FunctionName;
  dir: string;
  /** Bytes of index.mjs. */
  codeBytes: number;
  /** Bytes of everything else in the folder (templates, fonts, data files). */
  assetBytes: number;
  fontBytes: number;
}

/**
 * In a bundle every module shares one `import.meta.url`. Give each module back its own, as if the
 * repository layout were kept under the bundle folder, so `new URL('../../templates/…', import.meta.url)`
 * finds the copied assets (see FunctionSpec.assets).
 */
const ownModuleUrl: Plugin = {
  name: 'own-module-url',
  setup(builder) {
    builder.onLoad({ filter: /\.(?:[cm]?[jt]s|tsx)$/ }, async (args) => {
      const source = await readFile(args.path, 'utf8');
      if (!source.includes('import.meta.url')) return undefined;
      const rel = relative(repoRoot, args.path).split('\\').join('/');
      const contents = source.replaceAll('import.meta.url', `new URL(${JSON.stringify(`./${rel}`)}, import.meta.url).href`);
      return { contents, loader: loaderFor(args.path) };
    });
  },
};

function loaderFor(path: string): 'ts' | 'tsx' | 'js' {
  if (path.endsWith('.tsx')) return 'tsx';
  return path.endsWith('.ts') || path.endsWith('.mts') || path.endsWith('.cts') ? 'ts' : 'js';
}

export interface BundleOptions {
  /** Parent folder of the bundles (default dist/functions/); each function gets `<outDir>/<name>/`. */
  outDir?: string;
}

export async function bundleFunction(name: FunctionName, options: BundleOptions = {}): Promise<BundleResult & { metafile: Metafile }> {
  const spec = functionSpecs[name];
  const dir = join(options.outDir ?? bundlesDir, name);
  await rm(dir, { recursive: true, force: true });
  await mkdir(dir, { recursive: true });
  const result = await build({
    entryPoints: [join(repoRoot, spec.entry)],
    outfile: join(dir, 'index.mjs'),
    bundle: true,
    platform: 'node',
    format: 'esm',
    // Lambda runs Node 24; the smoke tests run the same file on the local Node 20.
    target: 'node20',
    mainFields: ['module', 'main'],
    conditions: ['node', 'import'],
    jsx: 'automatic',
    jsxImportSource: 'hastscript',
    minify: true,
    keepNames: true,
    sourcemap: false,
    legalComments: 'none',
    metafile: true,
    logLevel: 'warning',
    plugins: [ownModuleUrl],
    // CommonJS dependencies call require() for Node built-ins; ESM output has no require of its own.
    banner: { js: "import { createRequire as __gazetteCreateRequire } from 'node:module'; const require = __gazetteCreateRequire(import.meta.url);" },
  });
  let assetBytes = 0;
  let fontBytes = 0;
  for (const asset of spec.assets) {
    const from = join(repoRoot, asset);
    await cp(from, join(dir, asset), { recursive: true });
    const size = await sizeOf(from);
    assetBytes += size;
    if (asset === 'templates') fontBytes += await sizeOf(join(from, 'fonts'));
  }
  // A function that renders or writes feeds computes the code's fingerprints from the code it was
  // bundled from; the sources it would follow imports through are not in the bundle, so their parts are.
  // (esbuild names its inputs relative to the working folder.)
  if (Object.keys(result.metafile.inputs).some((input) => resolve(input) === join(repoRoot, 'src', 'publish', 'renderCode.ts'))) {
    await writeFile(join(dir, RENDER_CODE_FILE), `${JSON.stringify(collectRenderCodeParts(repoRoot))}\n`);
  }
  // Lambda treats index.mjs as ESM by its extension; this marks the folder for plain `node` too.
  await writeFile(join(dir, 'package.json'), '{ "type": "module" }\n');
  const codeBytes = (await stat(join(dir, 'index.mjs'))).size;
  return { name, dir, codeBytes, assetBytes, fontBytes, metafile: result.metafile };
}

export async function bundleFunctions(names: readonly FunctionName[] = functionNames, options: BundleOptions = {}): Promise<BundleResult[]> {
  const results: BundleResult[] = [];
  for (const name of names) {
    const { metafile: _metafile, ...result } = await bundleFunction(name, options);
    results.push(result);
  }
  return results;
}

async function sizeOf(path: string): Promise<number> {
  const info = await stat(path);
  if (!info.isDirectory()) return info.size;
  let total = 0;
  for (const entry of await readdir(path, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) total += (await stat(join(entry.parentPath, entry.name))).size;
  }
  return total;
}

const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(2)} MB`;

if (process.argv[1] !== undefined && import.meta.url === new URL(`file://${process.argv[1]}`).href) {
  const asked = process.argv.slice(2) as FunctionName[];
  const unknown = asked.filter((name) => !functionNames.includes(name));
  if (unknown.length > 0) {
    console.error(`Unknown function(s): ${unknown.join(', ')}. Known: ${functionNames.join(', ')}.`);
    process.exit(1);
  }
  for (const result of await bundleFunctions(asked.length > 0 ? asked : functionNames)) {
    console.log(
      `${result.name.padEnd(8)} code ${mb(result.codeBytes)}  assets ${mb(result.assetBytes - result.fontBytes)}  fonts ${mb(result.fontBytes)}  → ${relative(repoRoot, result.dir)}`,
    );
  }
}
