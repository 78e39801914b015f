import { parseCliArgs } from './cli.js';

class ArgsError extends Error {}

const FLAGS = {
  trust: { type: 'string' },
  'status-list': { type: 'string', multiple: true },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

const parse = (argv: string[], positionals = true) =>
  parseCliArgs(argv, FLAGS, { fail: (message) => new ArgsError(message), example: '--trust root.pem', positionals });
const refusal = (argv: string[], positionals = true) => {
  try {
    parse(argv, positionals);
  } catch (error) {
    expect(error).toBeInstanceOf(ArgsError);
    return (error as Error).message;
  }
  throw new Error('expected a refusal');
};

describe("parseCliArgs (node:util parseArgs, with the CLIs' own refusals)", () => {
  it('reads --flag value, --flag=value, repeatable flags, switches, operands and --', () => {
    expect(parse(['--trust=r.pem', 'c.jwt', '--status-list', 'a', '--status-list=b', '--json', '--', '--odd'])).toEqual({
      values: { trust: 'r.pem', 'status-list': ['a', 'b'], json: true },
      positionals: ['c.jwt', '--odd'],
    });
  });

  it('takes "-" and values that start with a single dash as they are; leaves an empty value to the CLI', () => {
    expect(parse(['-', '--trust', '-x'])).toEqual({ values: { trust: '-x' }, positionals: ['-'] });
    expect(parse(['--trust='])).toEqual({ values: { trust: '' }, positionals: [] });
  });

  it('refuses, in argument order, what the CLIs refused before', () => {
    expect(refusal(['--trust'])).toBe('--trust needs a value');
    expect(refusal(['--trust', '--json'])).toBe('--trust needs a value');
    expect(refusal(['--trust', 'a', '--trust', 'b'])).toBe('--trust is given more than once');
    expect(refusal(['--json', '--json'])).toBe('--json is given more than once');
    expect(refusal(['--json=yes'])).toBe('--json takes no value');
    expect(refusal(['--verbose', '--trust'])).toBe('unknown flag --verbose (known: --trust, --status-list, --json, --help)');
    expect(refusal(['-x', 'a'])).toBe('unexpected argument "-x" (flags look like --trust root.pem)');
    expect(refusal(['-hx'])).toBe('unexpected argument "-hx" (flags look like --trust root.pem)');
    expect(refusal(['c.jwt'], false)).toBe('unexpected argument "c.jwt" (flags look like --trust root.pem)');
    expect(refusal(['--trust', 'r.pem', '--', 'c.jwt'], false)).toBe('unexpected argument "c.jwt" (flags look like --trust root.pem)');
  });

  it('knows short flags', () => {
    expect(parse(['-h']).values).toEqual({ help: true });
  });

  it('never echoes control characters or long arguments', () => {
    expect(refusal([`\u001b[31m${'x'.repeat(100)}`], false)).toMatch(/^unexpected argument "\\u001b\[31mx{59}…"/);
  });
});
