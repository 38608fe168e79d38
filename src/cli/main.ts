// The `gazette` command: one dispatcher, one module per subcommand.

import type { CliIo } from './io.ts';

interface Command {
  summary: string;
  run(argv: string[], io: CliIo): Promise<number>;
}

const commands: Record<string, Command> = {
  check: {
    summary: 'Validate content/ and report every problem with its file, line and column.',
    run: async (argv, io) => (await import('./check.ts')).runCheck(argv, io),
  },
  build: {
    summary: 'Validate, then publish changed documents to the local stores (files and SQLite under .gazette/).',
    run: async (argv, io) => (await import('./build.ts')).runBuild(argv, io),
  },
  release: {
    summary: 'Publish every embargoed document that is due (the build, at --now).',
    run: async (argv, io) => (await import('./build.ts')).runBuild(argv, io, 'release'),
  },
  deliveries: {
    summary: 'List partner deliveries; `send` retries what is due; `redrive` re-sends dead ones.',
    run: async (argv, io) => (await import('./deliveries.ts')).runDeliveries(argv, io),
  },
  publish: {
    summary: 'Validate, then upload changed sources to the AWS source bucket (--target aws).',
    run: async (argv, io) => (await import('./publish.ts')).runPublish(argv, io),
  },
  preview: {
    summary: 'Serve the published site from the local stores (add --build to build first).',
    run: async (argv, io) => (await import('./preview.ts')).runPreview(argv, io),
  },
  status: {
    summary: 'List scheduled (embargoed) documents and flag overdue releases.',
    run: async (argv, io) => (await import('./status.ts')).runStatus(argv, io),
  },
  history: {
    summary: "Print a document's audit trail: every state change with time, version and digest.",
    run: async (argv, io) => (await import('./history.ts')).runHistory(argv, io),
  },
  deposit: {
    summary: 'Write the deposit package (BagIt) of a published issue for the reading points; --verify checks one.',
    run: async (argv, io) => (await import('./deposit.ts')).runDeposit(argv, io),
  },
  verify: {
    summary: 'Check a copy of the site (folder or URL) or one file against the signed manifest; say what differs.',
    run: async (argv, io) => (await import('./verify.ts')).runVerify(argv, io),
  },
  new: {
    summary: 'Scaffold a valid issue, article, release or conference with a fresh id.',
    run: async (argv, io) => (await import('./new.ts')).runNew(argv, io, io.now()),
  },
  import: {
    summary: "Turn a department's Word (.docx) document into an article of an issue, then check it.",
    run: async (argv, io) => (await import('./import.ts')).runImport(argv, io),
  },
};

export function usage(): string {
  const width = Math.max(...Object.keys(commands).map((name) => name.length));
  const lines = Object.entries(commands).map(([name, command]) => `  ${name.padEnd(width)}  ${command.summary}`);
  return ['Usage: gazette <command> [options]', '', 'Commands:', ...lines, '', 'Run `gazette <command> --help` for the options of one command.', ''].join('\n');
}

export async function main(argv: string[], io: CliIo = processIo()): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    io.stdout.write(usage());
    return name === undefined ? 1 : 0;
  }
  const command = commands[name];
  if (command === undefined) {
    io.stderr.write(`gazette: "${name}" is not a command.\n\n${usage()}`);
    return 1;
  }
  return command.run(rest, io);
}

function processIo(): CliIo {
  return {
    stdout: process.stdout,
    stderr: process.stderr,
    cwd: process.cwd(),
    isTTY: process.stdout.isTTY === true && process.env['CI'] === undefined,
    // The one place the CLI reads the wall clock; everything below receives it.
    now: () => new Date(), // eslint-disable-line no-restricted-syntax
  };
}
