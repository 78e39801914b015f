// `npm run bench:profile -- FILE.cpuprofile [--top 25]`: where a gateway's CPU went, from the V8
// CPU profile a benchmark writes with BENCH_PROFILE_DIR. Shares are of the busy time (samples
// not idle): self time by package (node_modules package, onegate module, or Node's own), self
// time by function, and time inclusive of callers by function (what a request's stages cost,
// e.g. `fetch exchange/database-connector.js`). Synchronous stacks only: time after an `await`
// is counted under the microtask queue, not under the function that awaited.
import { readFileSync } from 'node:fs';
import { parseCliArgs } from '../src/common/cli.js';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

const USAGE = 'usage: npm run bench:profile -- <file.cpuprofile> [--top 25]';

/** The package a frame belongs to: an npm package, an onegate module (folder/file), Node's own module, or (native). */
function owner(url: string): string {
  if (!url) return '(native)';
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (pkg) return pkg[1]!;
  const own = /\/(?:src|bench|examples)\/(.+)\.js$/.exec(url);
  if (own) return own[1]!;
  return url;
}

export function summarize(profile: Profile, top: number): string {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const selfTime = new Map<number, number>();
  profile.samples.forEach((id, i) => selfTime.set(id, (selfTime.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));
  let total = 0;
  let idle = 0;
  for (const [id, t] of selfTime) {
    total += t;
    if (byId.get(id)!.callFrame.functionName === '(idle)') idle += t;
  }
  const busy = Math.max(1, total - idle);
  const name = (n: ProfileNode) => `${n.callFrame.functionName || '(anonymous)'} ${owner(n.callFrame.url)}`;
  const byPackage = new Map<string, number>();
  const byFunction = new Map<string, number>();
  const inclusive = new Map<string, number>();
  const add = (m: Map<string, number>, k: string, t: number) => m.set(k, (m.get(k) ?? 0) + t);
  for (const [id, t] of selfTime) {
    const node = byId.get(id)!;
    if (node.callFrame.functionName === '(idle)') continue;
    add(byPackage, owner(node.callFrame.url), t);
    add(byFunction, name(node), t);
    const seen = new Set<string>();
    for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
      const k = name(byId.get(cur)!);
      if (!seen.has(k)) {
        seen.add(k);
        add(inclusive, k, t);
      }
    }
  }
  const table = (m: Map<string, number>) =>
    [...m]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([k, t]) => `${((100 * t) / busy).toFixed(1).padStart(5)} %  ${k}`)
      .join('\n');
  return [
    `profile: ${(total / 1e6).toFixed(1)} s sampled, ${((100 * busy) / Math.max(1, total)).toFixed(1)} % busy; shares below are of the busy time`,
    '',
    '--- self time by package',
    table(byPackage),
    '',
    '--- self time by function',
    table(byFunction),
    '',
    '--- inclusive time by function (synchronous callers)',
    table(inclusive),
    '',
  ].join('\n');
}

function main(argv: string[]): void {
  if (argv.includes('--help')) {
    console.error(USAGE);
    process.exitCode = 2;
    return;
  }
  const { values, positionals } = parseCliArgs(
    argv,
    { top: { type: 'string' } },
    { fail: (m) => new Error(`${m}\n${USAGE}`), example: '--top 25', positionals: true },
  );
  const file = positionals[0];
  if (!file || positionals.length > 1) {
    console.error(USAGE);
    process.exitCode = 2;
    return;
  }
  const top = Number(values.top ?? 25);
  process.stdout.write(summarize(JSON.parse(readFileSync(file, 'utf8')) as Profile, top));
}

main(process.argv.slice(2));
