import { realpathSync } from 'node:fs';
import { pathToFileURL } from 'node:url';

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

/**
 * Reads `--flag value` / `--flag=value` pairs, refusing unknown, repeated and value-less flags
 * with a message saying which (an empty `--flag=` is left to the CLI, which knows what it means). `fail` makes the CLI's own error type (its exit code 2).
 */
export function parseFlags<Flag extends string>(
  argv: readonly string[],
  flags: readonly Flag[],
  fail: (message: string) => Error,
  example: string,
): Map<Flag, string> {
  const values = new Map<Flag, string>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const match = /^--([a-z-]+)(?:=(.*))?$/s.exec(arg);
    if (!match) throw fail(`unexpected argument "${arg}" (flags look like ${example})`);
    const name = match[1] as Flag;
    if (!flags.includes(name)) throw fail(`unknown flag --${match[1]} (known: ${flags.map((f) => `--${f}`).join(', ')})`);
    if (values.has(name)) throw fail(`--${name} is given more than once`);
    let value = match[2];
    if (value === undefined) {
      const next = argv[i + 1];
      if (next === undefined || next.startsWith('--')) throw fail(`--${name} needs a value`);
      value = next;
      i++;
    }
    values.set(name, value);
  }
  return values;
}
