// What a subcommand may touch of its process: streams, working directory, terminal, clock.

import { relative } from 'node:path';

export interface CliIo {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  cwd: string;
  /** True for an interactive terminal (progress bar); false in CI logs and pipes. */
  isTTY?: boolean;
  /** The wall clock, read once per command; `--now` overrides it. */
  now: () => Date;
}

/** A folder as messages name it: relative to where the command runs, with `/` (as the user reaches it). */
export function shownPath(io: Pick<CliIo, 'cwd'>, path: string): string {
  return relative(io.cwd, path).replace(/\\/g, '/') || '.';
}
