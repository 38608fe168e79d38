#!/usr/bin/env -S node --max-semi-space-size=64
// The `gazette` command. The code is TypeScript with no build step between a commit and a working
// CLI: it runs from a bundle of the sources made on demand and remade when any of them changed, or
// through tsx (see sourceBundle.mjs). A young generation larger than V8's default (16 MB per
// semi-space) suits a build: it allocates a great deal that dies young, and fewer scavenges
// measured about 7% less CPU for a full build and 15% for a save in watch mode (docs/benchmarks.md).
import { importSource } from './sourceBundle.mjs';

const { main } = await importSource(new URL('../src/cli/main.ts', import.meta.url));
process.exitCode = await main(process.argv.slice(2));
