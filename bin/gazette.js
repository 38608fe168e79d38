#!/usr/bin/env -S node --max-semi-space-size=64
// The `gazette` command. The code is TypeScript run through tsx, so there is no build step
// between a commit and a working CLI. A young generation larger than V8's default (16 MB per
// semi-space) suits a build: it allocates a great deal that dies young, and fewer scavenges
// measured about 7% less CPU for a full build and 15% for a save in watch mode (docs/benchmarks.md).
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
