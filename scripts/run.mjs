// Runs one of onegate's entry points from dist/, compiling first when the sources are newer
// than the last build. Keeps `npm start` and the CLIs one command on a fresh clone, and later
// starts fast. Build output goes to stderr so that `npm run --silent token` prints only the token.
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const stamp = join(root, 'dist', '.build-stamp');

const entryPoints = {
  main: 'dist/src/main.js',
  migrate: 'dist/src/database/migrate.cli.js',
  seed: 'dist/src/seed/seed.cli.js',
  token: 'dist/src/identity/token.cli.js',
  'ledger-verify': 'dist/src/ledger/ledger-verify.cli.js',
  'cert-verify': 'dist/src/certificates/cert-verify.cli.js',
  'cert-root': 'dist/src/certificates/cert-root.cli.js',
  burden: 'dist/src/one-things/burden.cli.js',
  schema: 'dist/src/schema.cli.js',
  'migration-generate': 'dist/src/database/migration-generate.cli.js',
  bench: 'dist/bench/all.js',
  'bench-ledger': 'dist/bench/ledger/ledger.bench.js',
  'bench-exchange': 'dist/bench/exchange/exchange.bench.js',
  'bench-certificates': 'dist/bench/certificates/certificates.bench.js',
  'bench-cases': 'dist/bench/cases/cases.bench.js',
  'bench-applications': 'dist/bench/applications/applications.bench.js',
  'bench-ledger-verify': 'dist/bench/ledger/verify.bench.js',
  soak: 'dist/bench/soak/soak.js',
  'bench-profile': 'dist/bench/cpu-profile.js',
};

function newestSourceTime() {
  let newest = 0;
  const visit = (path) => {
    const info = statSync(path);
    if (info.isDirectory()) {
      // Benchmark figures are written by runs, not compiled: they never make the build stale.
      if (path === join(root, 'bench', 'results')) return;
      for (const name of readdirSync(path)) visit(join(path, name));
    } else if (/\.(ts|json|html|css)$/.test(path)) {
      newest = Math.max(newest, info.mtimeMs);
    }
  };
  for (const part of ['src', 'migrations', 'bench', 'examples', 'console', 'tsconfig.json', 'tsconfig.build.json', 'package.json']) {
    const path = join(root, part);
    if (existsSync(path)) visit(path);
  }
  return newest;
}

function buildIfStale(force) {
  const built = existsSync(stamp) ? statSync(stamp).mtimeMs : 0;
  if (!force && built >= newestSourceTime()) return;
  const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');
  if (!existsSync(tsc)) {
    if (built > 0) return; // installed without dev dependencies: run what was built
    console.error('onegate: cannot build: TypeScript is not installed (run `npm install`).');
    process.exit(1);
  }
  process.stderr.write('onegate: compiling TypeScript…\n');
  // The gateway, then the web console (browser modules, its own compiler settings) and its static files.
  for (const project of ['tsconfig.build.json', join('console', 'tsconfig.json')]) {
    const result = spawnSync(process.execPath, [tsc, '-p', join(root, project)], {
      cwd: root,
      stdio: ['ignore', process.stderr, process.stderr],
    });
    if (result.status !== 0) {
      console.error('onegate: the build failed (see the compiler output above).');
      process.exit(result.status ?? 1);
    }
  }
  mkdirSync(join(root, 'dist', 'console'), { recursive: true });
  for (const file of ['index.html', 'styles.css']) copyFileSync(join(root, 'console', file), join(root, 'dist', 'console', file));
  // The QR decoder the consoles load when a code is to be scanned (served by the gateway: halls may be offline).
  mkdirSync(join(root, 'dist', 'console', 'vendor'), { recursive: true });
  copyFileSync(join(root, 'node_modules', 'jsqr', 'dist', 'jsQR.js'), join(root, 'dist', 'console', 'vendor', 'jsQR.js'));
  writeFileSync(stamp, new Date().toISOString() + '\n');
}

const [, , command, ...rest] = process.argv;
if (command === '--build-only') {
  buildIfStale(true);
} else if (command === '--build-if-stale') {
  buildIfStale(false);
} else if (!entryPoints[command]) {
  console.error(`onegate: unknown command "${command}". Known: ${Object.keys(entryPoints).join(', ')}`);
  process.exit(2);
} else {
  buildIfStale(false);
  const entry = join(root, entryPoints[command]);
  process.argv = [process.argv[0], entry, ...rest];
  await import(pathToFileURL(entry).href);
}
