import { realpathSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';

/**
 * True when the module at `moduleUrl` is the process's entry point (`node file.js`, or
 * scripts/run.mjs, which sets argv[1] to the file it runs). Lets a CLI module also be imported by
 * tests without running.
 */
export function isEntryPoint(moduleUrl: string): boolean {
  const entry = process.argv[1];
  if (!entry) return false;
  try {
    return pathToFileURL(realpathSync(entry)).href === moduleUrl;
  } catch {
    return false;
  }
}

/** A flag of a CLI, as `node:util` parseArgs declares one. */
export interface CliFlag {
  type: 'string' | 'boolean';
  /** Repeatable: the values in the order given. */
  multiple?: boolean;
  short?: string;
}

/** What the flags of `F` parse to: a string (or strings, if repeatable) for a value flag, true for a switch given. */
export type CliValues<F extends Record<string, CliFlag>> = {
  [K in keyof F]?: F[K]['type'] extends 'boolean' ? true : F[K]['multiple'] extends true ? string[] : string;
};

export interface CliArgsOptions {
  /** Makes the CLI's own error type (its exit code 2) from a message saying what to fix. */
  fail: (message: string) => Error;
  /** How flags look, for the message about a stray argument: `--role clerk`. */
  example: string;
  /** Whether operands (`file`, `-`, anything after `--`) are allowed; the CLI checks how many. */
  positionals?: boolean;
}

/**
 * Reads a CLI's arguments with `node:util` parseArgs (`--flag value`, `--flag=value`, short flags,
 * `--` ending the flags) and refuses, with a message saying which, unknown flags, stray arguments,
 * a flag given twice that is not repeatable, a value flag without its value (`--role --sub x`
 * included: a value never starts with `--`) and a switch given a value. An empty `--flag=` is left
 * to the CLI, which knows what it means.
 *
 * parseArgs runs non-strict and its tokens are checked here, in order, so that the first problem
 * is the one reported and the messages stay the CLIs' own; strict mode would also refuse values
 * that start with a single `-` (a subject `-x` is the CLI's to judge, and `-` means stdin).
 */
export function parseCliArgs<const F extends Record<string, CliFlag>>(
  argv: readonly string[],
  flags: F,
  options: CliArgsOptions,
): { values: CliValues<F>; positionals: string[] } {
  const { fail, example } = options;
  const { values, positionals, tokens } = parseArgs({ args: [...argv], options: flags, strict: false, allowPositionals: true, tokens: true });
  const seen = new Set<string>();
  for (const token of tokens) {
    if (token.kind === 'positional') {
      if (!options.positionals) throw fail(`unexpected argument "${printableArg(token.value)}" (flags look like ${example})`);
      continue;
    }
    if (token.kind !== 'option') continue;
    const flag = Object.hasOwn(flags, token.name) ? flags[token.name] : undefined;
    if (!flag) {
      if (!token.rawName.startsWith('--')) throw fail(`unexpected argument "${printableArg(argv[token.index] ?? token.rawName)}" (flags look like ${example})`);
      throw fail(
        `unknown flag --${printableArg(token.name)} (known: ${Object.keys(flags)
          .map((name) => `--${name}`)
          .join(', ')})`,
      );
    }
    if (flag.type === 'boolean') {
      if (token.value !== undefined) throw fail(`--${token.name} takes no value`);
    } else if (token.value === undefined || (!token.inlineValue && token.value.startsWith('--'))) {
      throw fail(`--${token.name} needs a value`);
    }
    if (seen.has(token.name) && !flag.multiple) throw fail(`--${token.name} is given more than once`);
    seen.add(token.name);
  }
  // Every token was checked against `flags`: each value has the shape CliValues describes.
  return { values: values as CliValues<F>, positionals };
}

/** An argument as it may be quoted in a message: at most 64 characters, control characters escaped. */
function printableArg(text: string): string {
  const shown = text.length > 64 ? `${text.slice(0, 64)}…` : text;
  return shown.replace(/[\u0000-\u001f\u007f-\u009f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
