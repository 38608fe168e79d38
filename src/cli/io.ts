// What a subcommand may touch of its process: streams, working directory, terminal, clock.

export interface CliIo {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  cwd: string;
  /** True for an interactive terminal (progress bar); false in CI logs and pipes. */
  isTTY?: boolean;
  /** The wall clock, read once per command; `--now` overrides it. */
  now: () => Date;
}
