// Lint: typescript-eslint's recommended type-aware rules (through the project service, so the lint sees
// the same types as `tsc`) over every TypeScript file, and the layer rule that keeps dependencies
// pointing one way (docs/architecture.md, "Layers and the rule that enforces them").
import path from 'node:path';
import js from '@eslint/js';
import { createNodeResolver, importX } from 'eslint-plugin-import-x';
import tseslint from 'typescript-eslint';

// The layers, bottom first. A file may import from its own layer and the layers below it, never from a
// layer above. Folders hold one layer each, except the few pure modules named here that sit in a
// folder of use cases (a file matched by two layers' globs gets both layers' restrictions, so name the
// exceptions in the lower layer, or leave them out of the upper glob). Every entry is a glob: the rule
// wants all globs or none.
const layers = [
  {
    name: 'content',
    what: 'the domain: model, records, digests, dates, keys, and the presentation data (strings, PDF style)',
    files: ['src/content/**', 'src/{outputs,concurrency}.ts', 'templates/{strings.ts,pdf/**}'],
  },
  {
    name: 'pure',
    what: 'render, feed serializers, templates and other pure transforms of content',
    files: [
      'src/render/**',
      'src/feeds/**',
      'src/manifest/**',
      'templates/**',
      'src/{delivery/partner,discovery/cataloguePaths,discovery/columns,discovery/statsFigures}.ts',
      'src/discovery/permalinkRules.{js,d.ts}',
    ],
  },
  {
    name: 'use case',
    what: 'publish, feed rebuild, delivery, discovery outputs, deposit, import, and the store ports they use',
    files: [
      'src/publish/!(jobProcess).ts',
      'src/delivery/!(dynamodb|sqlite).ts',
      'src/discovery/**',
      'src/deposit/**',
      'src/import/**',
      'src/store/{ports,errors}.ts',
    ],
  },
  {
    name: 'adapter',
    what: 'stores, local servers and AWS glue',
    files: ['src/store/**', 'src/delivery/{dynamodb,sqlite}.ts', 'src/local/**', 'src/aws/**'],
  },
  {
    name: 'entry point',
    what: 'the CLI, worker processes, Lambda functions, CDK app, benchmarks and tests',
    files: ['src/cli/**', 'src/publish/{jobProcess.ts,*.mjs}', 'bin/**', 'functions/**', 'infra/**', 'bench/**', 'test/**', '*.ts'],
  },
];

const root = import.meta.dirname;
const absolute = (glob) => path.resolve(root, glob);
const layerZones = layers.slice(0, -1).map((layer, index) => {
  const below = layers.slice(0, index + 1).flatMap((l) => l.files);
  const above = layers.slice(index + 1);
  return {
    target: layer.files,
    // One glob per zone, so an import that several of its patterns match is reported once.
    from: `{${above.flatMap((l) => l.files).join(',')}}`,
    except: below.map(absolute),
    message: `A ${layer.name} module (${layer.what}) may not import from the layers above it (${above
      .map((l) => l.name)
      .join(', ')}): pass what it needs in as a parameter or move the shared part down.`,
  };
});

export default tseslint.config(
  { ignores: ['node_modules/', '.gazette/', 'cdk.out/', 'dist/', 'coverage/', 'content/'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    plugins: { 'import-x': importX },
    settings: {
      'import-x/resolver-next': [createNodeResolver()],
      'import-x/extensions': ['.ts', '.tsx', '.js', '.mjs'],
      'import-x/parsers': { '@typescript-eslint/parser': ['.ts', '.tsx'] },
    },
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: root },
      globals: {
        process: 'readonly',
        console: 'readonly',
        URL: 'readonly',
        Buffer: 'readonly',
        setTimeout: 'readonly',
        clearTimeout: 'readonly',
        performance: 'readonly',
      },
    },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      // Adapters implement the async ports synchronously (SQLite, files); `async` is what turns their
      // throws into the rejections the ports promise, so an `async` without `await` is intended.
      '@typescript-eslint/require-await': 'off',
      'import-x/no-restricted-paths': ['error', { basePath: root, zones: layerZones }],
      // Type-only imports are erased and cannot form a cycle at run time; import-x skips them.
      'import-x/no-cycle': ['error', { ignoreExternal: true }],
      'no-restricted-syntax': [
        'error',
        {
          selector: "NewExpression[callee.name='Date'][arguments.length=0]",
          message: 'Read the injected clock (`now`) instead of `new Date()`: output must be deterministic.',
        },
        {
          selector: "CallExpression[callee.object.name='Date'][callee.property.name='now']",
          message: 'Read the injected clock (`now`) instead of `Date.now()`; use performance.now() for durations.',
        },
      ],
    },
  },
  {
    // Tests and benchmarks read parsed JSON, feeds and SDK responses loosely typed on purpose; the
    // promise rules still apply to them.
    files: ['test/**', 'bench/**'],
    rules: {
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      // A fake server's async request handler may reject: in a test that unhandled rejection fails the
      // run (Vitest reports it), which is what should happen, so passing one to createServer is fine.
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: { arguments: false } }],
    },
  },
  {
    // The browser scripts name the globals they use (`/* global performance */`), which Node also has.
    files: ['templates/scripts/**'],
    rules: { 'no-redeclare': ['error', { builtinGlobals: false }] },
  },
  {
    // Plain JavaScript (process bootstraps, browser scripts, this file) is outside the TypeScript project.
    files: ['**/*.js', '**/*.mjs'],
    extends: [tseslint.configs.disableTypeChecked],
  },
);
