// Command-line options for every subcommand, parsed one way: node:util's parseArgs (strict), a
// `-h, --help` every command has, and one shape of usage error — the command's name, what was
// wrong, a "Did you mean" for a misspelt option, then the command's help.

import { parseArgs, type ParseArgsConfig } from 'node:util';
import { didYouMean } from '../content/suggest.ts';
import type { CliIo } from './io.ts';

type Options = NonNullable<ParseArgsConfig['options']>;
const helpOption = { help: { type: 'boolean', short: 'h', default: false } } as const;

export interface CommandSpec<O extends Options, P extends boolean> {
  /** How the command is named in messages, e.g. `gazette status`. */
  name: string;
  options: O;
  /** Whether the command takes arguments besides its options (default: no). */
  positionals?: P;
  /** Accept `--no-<option>` for boolean options. */
  negatives?: boolean;
  help: string;
}

type Parsed<O extends Options, P extends boolean> = ReturnType<
  typeof parseArgs<{ args: string[]; strict: true; allowPositionals: P; allowNegative: boolean; options: O & typeof helpOption }>
>;

/**
 * Parse a subcommand's arguments. Returns the options and positionals, or the exit code once
 * it has printed the help (`--help`: 0) or a usage error (1).
 */
export function parseCommand<const O extends Options, const P extends boolean = false>(
  argv: string[],
  io: Pick<CliIo, 'stdout' | 'stderr'>,
  spec: CommandSpec<O, P>,
): Parsed<O, P> | number {
  const options = { ...spec.options, ...helpOption };
  let parsed: Parsed<O, P>;
  try {
    parsed = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: (spec.positionals ?? false) as P,
      allowNegative: spec.negatives ?? false,
      options,
    });
  } catch (error) {
    io.stderr.write(`${spec.name}: ${usageMessage(error as Error, Object.keys(options))}\n\n${spec.help}`);
    return 1;
  }
  if ((parsed.values as { help?: boolean }).help === true) {
    io.stdout.write(spec.help);
    return 0;
  }
  return parsed;
}

/** parseArgs's message as a sentence, with the nearest option when one was misspelt. */
function usageMessage(error: Error, known: string[]): string {
  const sentence = error.message.replace(/\.?$/, '.');
  const unknown = /^Unknown option '(--?[\w-]+)'/.exec(error.message)?.[1];
  const hint = unknown === undefined ? undefined : didYouMean(unknown.replace(/^-+/, ''), known);
  // A near miss is a typo: the advice on passing a positional that starts with "-" would only distract.
  return hint === undefined ? sentence : `Unknown option '${unknown}'. ${hint.replace(/`(.+)`/, '`--$1`')}`;
}
