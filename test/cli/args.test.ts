// Every subcommand answers --help and a misspelt option the same way (src/cli/args.ts): what a
// user typing `gazette <command> …` sees, read from the streams the dispatcher writes to.

import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { main, usage } from '../../src/cli/main.ts';

async function run(argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  stdout.on('data', (chunk: Buffer) => out.push(chunk));
  stderr.on('data', (chunk: Buffer) => err.push(chunk));
  const code = await main(argv, { stdout, stderr, cwd: process.cwd(), now: () => new Date('2010-06-01T01:00:00Z') });
  return { code, stdout: Buffer.concat(out).toString(), stderr: Buffer.concat(err).toString() };
}

/** The commands the dispatcher lists in its usage. */
const commands = [...usage().matchAll(/^ {2}([a-z]+) {2,}/gm)].map((match) => match[1] as string);

describe('command-line options, the same for every command', () => {
  it('lists every command it dispatches', () => {
    expect(commands).toEqual(expect.arrayContaining(['check', 'build', 'release', 'preview', 'status', 'history', 'deposit', 'verify', 'new', 'import']));
  });

  it.each(commands)('gazette %s --help prints its usage and exits 0', async (command) => {
    const { code, stdout, stderr } = await run([command, '--help']);
    expect(code).toBe(0);
    expect(stderr).toBe('');
    expect(stdout).toMatch(new RegExp(`^Usage:\\s+gazette ${command}\\b`));
    expect(stdout).toContain('-h, --help');
    // -h is the same.
    expect((await run([command, '-h'])).stdout).toBe(stdout);
  });

  it.each(commands)('gazette %s names a misspelt option, suggests the right one and shows the usage', async (command) => {
    const { code, stdout, stderr } = await run([command, '--hlep']);
    expect(code).toBe(1);
    expect(stdout).toBe('');
    const [message, ...rest] = stderr.split('\n');
    expect(message).toMatch(new RegExp(`^gazette ${command}: Unknown option '--hlep'\\. Did you mean \`--help\`\\?$`));
    expect(rest.join('\n')).toMatch(new RegExp(`Usage:\\s+gazette ${command}\\b`));
  });

  it('an option value that cannot be right is reported with the usage, before anything runs', async () => {
    const { code, stderr } = await run(['build', '--now', 'tomorrow', '--content', 'no-such-folder']);
    expect(code).toBe(1);
    expect(stderr).toMatch(
      /^gazette build: --now "tomorrow" is not an ISO 8601 date-time\. Write it like 2010-06-01T09:00:00\+08:00\.\n\nUsage: gazette build/,
    );
  });
});
