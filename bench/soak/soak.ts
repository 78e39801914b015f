// `npm run soak [-- --minutes 10 --citizens 10000 --connections 32]`: the gateway under a steady
// load for ten minutes. It first measures the gateway's capacity for the house-transfer lookup
// (as bench:exchange does, at --connections), then holds half of it as a fixed request rate from
// autocannon in its own process, sampling p50/p99 and the gateway's RSS every --interval seconds.
// Passes when neither latency nor memory drifts upward (least-squares slope over the samples after
// the first minute, projected over the run, within the limits below). Not part of CI; writes
// bench/results/soak.json, bench/results/soak.svg and the soak table in bench/README.md.
import { join } from 'node:path';
import { parseCliArgs } from '../../src/common/cli.js';
import { startDepartmentApi, gatewayEnv, prepareSample, requestBody, type SampleEntry } from '../exchange/exchange-setup.js';
import { stop } from '../exchange/children.js';
import { residentMemory } from '../exchange/cpu.js';
import type { LoadRequest } from '../exchange/load.js';
import {
  freePort,
  measureLoad,
  measuredBuildNote,
  prepareBenchDatabase,
  runContext,
  snapshotBuild,
  sourceState,
  startGateway,
  withBenchServer,
  ledgerEntryCount,
  type CpuContext,
} from '../harness.js';
import { writeResult } from '../results.js';

const USAGE = `usage: npm run soak -- [--minutes 10] [--citizens 10000] [--connections 32] [--interval 10] [--rate N] [--sample 2000]

  --minutes M       length of the soak
  --citizens N      seeded citizens (database onegate_bench_<size>, shared with bench:exchange)
  --connections C   concurrent connections, for the capacity run and the soak
  --interval S      seconds between samples of latency and memory
  --rate N          requests per second to hold (default: half the capacity measured first)
  --sample N        citizens looked up, each with a consent grant

PostgreSQL: DATABASE_URL (a role that may create databases and roles), else the embedded server under DATA_DIR.`;

const log = (message: string) => console.log(`soak: ${message}`);
const round = (n: number, digits = 2) => Math.round(n * 10 ** digits) / 10 ** digits;
/** Samples in the first minute are the gateway settling (JIT, pools, heap growth) and not counted for drift. */
const SETTLE_SECONDS = 60;
/** Upward drift allowed over the whole run, projected from the slope: p99 by this share of its mean (and at least 1 ms), RSS by this share. */
const P99_DRIFT_LIMIT = 0.2;
const RSS_DRIFT_LIMIT = 0.1;

interface Sample {
  atSeconds: number;
  ok: number;
  notOk: number;
  p50: number;
  p99: number;
  rssMiB: number | null;
}

/** Least-squares slope of y over x. */
function slope(points: Array<[number, number]>): number {
  const n = points.length;
  if (n < 2) return 0;
  const mx = points.reduce((a, p) => a + p[0], 0) / n;
  const my = points.reduce((a, p) => a + p[1], 0) / n;
  const sxy = points.reduce((a, p) => a + (p[0] - mx) * (p[1] - my), 0);
  const sxx = points.reduce((a, p) => a + (p[0] - mx) ** 2, 0);
  return sxx === 0 ? 0 : sxy / sxx;
}

/** The drift of one figure over the samples after settling: slope projected over that span, against the limit. */
function drift(samples: Sample[], value: (s: Sample) => number | null, share: number, floor: number) {
  const points = samples.filter((s) => s.atSeconds > SETTLE_SECONDS && value(s) !== null).map((s) => [s.atSeconds, value(s)!] as [number, number]);
  const mean = points.reduce((a, p) => a + p[1], 0) / Math.max(1, points.length);
  const span = points.length > 1 ? points[points.length - 1]![0] - points[0]![0] : 0;
  const projected = slope(points) * span;
  const limit = Math.max(share * mean, floor);
  return { samples: points.length, mean: round(mean), projectedChange: round(projected), limit: round(limit), drifts: points.length < 3 || projected > limit };
}

async function main(argv: string[]): Promise<void> {
  if (argv.includes('--help') || argv.includes('-h')) {
    console.error(USAGE);
    return;
  }
  const text = { type: 'string' } as const;
  const { values } = parseCliArgs(
    argv,
    { minutes: text, citizens: text, connections: text, interval: text, rate: text, sample: text },
    { fail: (m) => new Error(`${m}\n\n${USAGE}`), example: '--minutes 10' },
  );
  const minutes = Number(values.minutes ?? 10);
  const citizens = Number(values.citizens ?? 10_000);
  const connections = Number(values.connections ?? 32);
  const interval = Number(values.interval ?? 10);
  const fixedRate = values.rate !== undefined ? Number(values.rate) : undefined;
  const sampleSize = Number(values.sample ?? 2000);
  const problems: string[] = [];
  if (!(minutes > 0 && minutes <= 240)) problems.push('--minutes: more than 0, at most 240');
  if (!Number.isInteger(citizens) || citizens < 1 || citizens > 5_000_000) problems.push('--citizens: a whole number from 1 to 5000000');
  if (!Number.isInteger(connections) || connections < 1 || connections > 1000) problems.push('--connections: a whole number from 1 to 1000');
  if (!(interval >= 1 && interval <= 600)) problems.push('--interval: 1 to 600 seconds');
  if (fixedRate !== undefined && !(Number.isInteger(fixedRate) && fixedRate >= 1)) problems.push('--rate: a whole number of requests per second');
  if (!Number.isInteger(sampleSize) || sampleSize < 1) problems.push('--sample: a whole number');
  if (problems.length > 0) throw new Error(`${problems.join('; ')}\n\n${USAGE}`);

  await withBenchServer(async (server) => {
    const source = sourceState(snapshotBuild());
    const { database, ownerUrl, logDir, env, config, db } = await prepareBenchDatabase(log, server.adminUrl, server.dataDir, citizens, false);
    const sample: SampleEntry[] = await prepareSample(ownerUrl, config, citizens, sampleSize);
    const ctx: CpuContext = { ownerUrl, database };
    const api = await startDepartmentApi(db.readerUrls.HUMAN_RESOURCES, server.dataDir, logDir);
    await db.close();
    const port = await freePort();
    const gateway = await startGateway(gatewayEnv(env, api, port, 'warn'), port, join(logDir, 'gateway-soak.log'));
    const request = (seconds: number, warmupSeconds: number, rate?: number): LoadRequest => ({
      url: gateway.url,
      connections,
      warmupSeconds,
      seconds,
      requests: sample.map((entry) => ({ body: requestBody(entry), authorization: entry.clerk.authorization })),
      ...(rate ? { rate, bucketSeconds: interval } : {}),
    });
    const named = { gateway: gateway.child.pid, departmentApi: api.child.pid };
    try {
      let capacity: number | null = null;
      if (fixedRate === undefined) {
        const run = await measureLoad(ctx, named, request(15, 5));
        capacity = run.okPerSecond;
        log(`capacity at ${connections} connections: ${capacity} q/s (p99 ${run.latencyMs.p99} ms)`);
      }
      const rate = fixedRate ?? Math.max(1, Math.round(capacity! / 2));
      const entriesBefore = await ledgerEntryCount(ownerUrl);
      log(`holding ${rate} requests/s for ${minutes} min, sampling every ${interval} s…`);
      const samples: Sample[] = [];
      const run = await measureLoad(ctx, named, request(minutes * 60, 5, rate), (bucket) => {
        const memory = residentMemory(gateway.child.pid);
        const s = { atSeconds: bucket.atSeconds, ok: bucket.ok, notOk: bucket.notOk, p50: bucket.p50, p99: bucket.p99, rssMiB: memory?.rssMiB ?? null };
        samples.push(s);
        log(
          `${String(Math.round(s.atSeconds)).padStart(4)} s: ${round(s.ok / interval, 0)} q/s, p50 ${s.p50} ms, p99 ${s.p99} ms, errors ${s.notOk}, RSS ${s.rssMiB} MiB`,
        );
      });
      const entriesWritten = (await ledgerEntryCount(ownerUrl)) - entriesBefore;
      const p99 = drift(samples, (s) => s.p99, P99_DRIFT_LIMIT, 1);
      const rss = drift(samples, (s) => s.rssMiB, RSS_DRIFT_LIMIT, 0);
      const errors = run.non2xx + run.graphqlErrors + run.transportErrors;
      const passed = !p99.drifts && !rss.drifts && errors === 0;
      log(
        `${passed ? 'passed' : 'FAILED'}: p99 change over the run ${p99.projectedChange} ms (limit ${p99.limit}), RSS ${rss.projectedChange} MiB (limit ${rss.limit}), ` +
          `errors ${errors}; ${run.ok} answers, ${entriesWritten} ledger entries written`,
      );
      const u = run.cpu.usage;
      await writeResult(
        'soak',
        {
          name: 'soak',
          description:
            `The gateway under a steady load at half its measured capacity (the house-transfer lookup of bench:exchange, ${connections} connections, ` +
            `fixed request rate from autocannon in its own process) for ${minutes} minutes, p50/p99 and the gateway's RSS sampled every ${interval} s. ` +
            "autocannon's rate is a quota per connection and second, sent as fast as answers come and then held until the next second, so the " +
            'gateway works at full speed for about half of each second and idles for the rest: latency is that of full load at these connections.',
          ...runContext(server),
          summary: {
            headers: [
              'citizens',
              'capacity q/s',
              'held rate q/s',
              'minutes',
              'answered q/s',
              'p50 ms',
              'p99 ms',
              'errors',
              'p99 drift ms (limit)',
              'RSS drift MiB (limit)',
              'RSS MiB first → last',
              'CPU cores: gateway / postgres / API / load',
              'verdict',
            ],
            rows: [
              [
                citizens.toLocaleString('en-US'),
                capacity === null ? '(fixed)' : String(capacity),
                String(rate),
                String(minutes),
                String(run.okPerSecond),
                String(run.latencyMs.p50),
                String(run.latencyMs.p99),
                String(errors),
                `${p99.projectedChange} (${p99.limit})`,
                `${rss.projectedChange} (${rss.limit})`,
                `${samples[0]?.rssMiB ?? '?'} → ${samples.at(-1)?.rssMiB ?? '?'}`,
                `${u.gateway} / ${u.postgres} / ${u.departmentApi} / ${u.loadGenerator}`,
                passed ? 'no drift' : '**drift or errors**',
              ],
            ],
          },
          notes: [
            `Drift: the least-squares slope of the ${interval}-second samples after the first ${SETTLE_SECONDS} s, times the span it covers, ` +
              `must stay within ${P99_DRIFT_LIMIT * 100} % of the mean p99 (at least 1 ms) and ${RSS_DRIFT_LIMIT * 100} % of the mean RSS. ` +
              `Every answer was checked (2xx without GraphQL errors); the ledger gained ${entriesWritten.toLocaleString('en-US')} entries for ${run.ok.toLocaleString('en-US')} answers in the measured period (and the warm-up's).`,
            measuredBuildNote(source),
          ],
          source,
          settings: { minutes, citizens, connections, interval, rate, capacity, sample: sample.length, database, settleSeconds: SETTLE_SECONDS },
          drift: { p99, rss },
          samples,
          run: { ...run, timeline: undefined },
          ledgerEntriesWritten: entriesWritten,
        },
        [
          {
            file: 'soak.svg',
            title: `Soak: p50, p99 and gateway RSS every ${interval} s at ${rate} requests/s`,
            chart: {
              kind: 'line',
              title: `Soak at ${rate} req/s (half of capacity): latency and gateway memory`,
              xLabel: 'seconds',
              yLabel: 'latency ms',
              rightLabel: 'RSS MiB',
              series: [
                { name: 'p50', points: samples.map((s) => [s.atSeconds, s.p50]) },
                { name: 'p99', points: samples.map((s) => [s.atSeconds, s.p99]) },
                { name: 'gateway RSS', right: true, points: samples.filter((s) => s.rssMiB !== null).map((s) => [s.atSeconds, s.rssMiB!]) },
              ],
            },
          },
        ],
      );
      if (!passed) process.exitCode = 1;
    } finally {
      await stop(gateway.child);
      await stop(api.child);
    }
  });
}

main(process.argv.slice(2)).catch((error: unknown) => {
  console.error(`soak: ${(error as Error).message}`);
  process.exitCode = 1;
});
