import { formatSummary, parseSeedArgs, progressReporter, runSeedCli, SeedArgsError } from './seed.cli.js';

describe('parseSeedArgs', () => {
  const fails = (argv: string[], message: RegExp) => {
    expect(() => parseSeedArgs(argv)).toThrow(SeedArgsError);
    expect(() => parseSeedArgs(argv)).toThrow(message);
  };

  it('reads --citizens and --seed in both spellings, with the default seed', () => {
    expect(parseSeedArgs(['--citizens', '1000'])).toEqual({ citizens: 1000, seed: 'onegate' });
    expect(parseSeedArgs(['--citizens=0', '--seed=demo 2'])).toEqual({ citizens: 0, seed: 'demo 2' });
    expect(parseSeedArgs(['--seed', 'x', '--citizens', '5000000'])).toEqual({ citizens: 5_000_000, seed: 'x' });
  });

  it('refuses missing, malformed and out-of-range citizen counts', () => {
    fails([], /--citizens is required/);
    fails(['--citizens'], /--citizens needs a value/);
    fails(['--citizens', '--seed', 'x'], /--citizens needs a value/);
    for (const bad of ['-1', '1.5', '1e6', '5000001', 'ten', '', ' 10', '0x10']) {
      fails([`--citizens=${bad}`], /--citizens must be a whole number from 0 to 5000000/);
    }
  });

  it('refuses unknown flags, positionals, repeats and an empty seed', () => {
    fails(['--citizens', '1', '--verbose'], /unknown flag --verbose/);
    fails(['1000'], /unexpected argument "1000"/);
    fails(['--citizens', '1', '--citizens', '2'], /given more than once/);
    fails(['--citizens', '1', '--seed='], /--seed must not be empty/);
  });

  it('exits 2 with the usage on bad arguments, before touching any database', async () => {
    const err: string[] = [];
    const code = await runSeedCli(['--citizens', 'many'], { stdout: { write: () => true }, stderr: { write: (t: string) => err.push(t) } });
    expect(code).toBe(2);
    expect(err.join('')).toMatch(/--citizens must be a whole number[\s\S]*usage: npm run seed/);
  });
});

describe('progressReporter', () => {
  it('prints a line every 10% when stderr is not a terminal', () => {
    const lines: string[] = [];
    const report = progressReporter({ write: (t: string) => lines.push(t), isTTY: false });
    for (let done = 0; done <= 1000; done += 50) report(done, 1000);
    expect(lines.filter((l) => l.startsWith('seed: ') && l.includes('%'))).toHaveLength(11);
    expect(lines[0]).toBe('seed: 0% (0/1,000 citizens)\n');
    expect(lines.at(-1)).toMatch(/rebuilding/);
  });

  it('redraws one line in place on a terminal', () => {
    const writes: string[] = [];
    const report = progressReporter({ write: (t: string) => writes.push(t), isTTY: true });
    report(250, 1000);
    expect(writes).toEqual([`\r[${'#'.repeat(8)}${'.'.repeat(22)}]  25% 250/1,000 citizens`]);
  });

  it('reports the end once, however often it is told', () => {
    const writes: string[] = [];
    const report = progressReporter({ write: (t: string) => writes.push(t), isTTY: true });
    report(1000, 1000);
    report(1000, 1000);
    expect(writes.filter((w) => w.includes('rebuilding'))).toHaveLength(1);
  });

  it('copes with zero citizens', () => {
    const lines: string[] = [];
    const report = progressReporter({ write: (t: string) => lines.push(t) });
    report(0, 0);
    expect(lines[0]).toBe('seed: 100% (0/0 citizens)\n');
  });
});

describe('formatSummary', () => {
  it('lists rows per table and the total', () => {
    const text = formatSummary(
      { citizens: 1000, seed: 'onegate' },
      { citizens: 1000, seconds: 1.234, rows: { 'dept_health.birth_certificate': 150, 'dept_public_security.resident': 1008 } },
    );
    expect(text).toContain('seeded 1,000 synthetic citizens plus the demo people (seed "onegate") in 1.2 s');
    expect(text).toMatch(/dept_public_security\.resident\s+1,008/);
    expect(text).toMatch(/total\s+1,158/);
  });
});
