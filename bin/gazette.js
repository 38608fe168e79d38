#!/usr/bin/env node
// The `gazette` command. The code is TypeScript run through tsx, so there is no build step
// between a commit and a working CLI.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
