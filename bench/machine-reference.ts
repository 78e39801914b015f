// A few fixed workloads timed on the machine itself before a benchmark starts, recorded with its
// figures. Two machines sold as the same size can differ twofold for this software (memory latency,
// virtualisation overhead on syscalls and wake-ups) while differing little for plain arithmetic, so
// figures recorded on different days should be compared only with these beside them.
import { generateKeyPairSync, sign, verify } from 'node:crypto';
import pg from 'pg';

export interface MachineReference {
  /** Best of 3: a Map of 1,000,000 distinct string keys filled and read back (memory-latency-bound, like a busy gateway's heap). */
  mapMillionKeysMs: number;
  /** Best of 3 rounds of 2,000: one ES256 (P-256, SHA-256) signature check of 1,500 bytes with node:crypto (what a credential check costs at least). */
  p256VerifyMicros: number;
  /** Median of 2,000 `SELECT 1` round trips to the benchmark's PostgreSQL on one connection (loopback and wake-up latency). */
  postgresRoundTripMicros: number;
}

const round1 = (n: number) => Math.round(n * 10) / 10;

function mapMillionKeysMs(): number {
  let best = Infinity;
  for (let attempt = 0; attempt < 3; attempt++) {
    const started = performance.now();
    const map = new Map<string, number>();
    for (let i = 0; i < 1_000_000; i++) map.set(`key-${i}`, i);
    let sum = 0;
    for (let i = 0; i < 1_000_000; i++) sum += map.get(`key-${i}`)!;
    if (sum !== 499_999_500_000) throw new Error('machine reference: the map workload gave a wrong sum');
    best = Math.min(best, performance.now() - started);
  }
  return Math.round(best);
}

function p256VerifyMicros(): number {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const data = Buffer.alloc(1500, 'onegate');
  const key = { key: publicKey, dsaEncoding: 'ieee-p1363' } as const;
  const signature = sign('sha256', data, { key: privateKey, dsaEncoding: 'ieee-p1363' });
  let best = Infinity;
  for (let attempt = 0; attempt < 3; attempt++) {
    const started = performance.now();
    for (let i = 0; i < 2000; i++) {
      if (!verify('sha256', data, key, signature)) throw new Error('machine reference: a valid signature did not verify');
    }
    best = Math.min(best, ((performance.now() - started) * 1000) / 2000);
  }
  return round1(best);
}

async function postgresRoundTripMicros(url: string): Promise<number> {
  const client = new pg.Client({ connectionString: url, application_name: 'onegate-bench-reference' });
  await client.connect();
  try {
    const times: number[] = [];
    for (let i = 0; i < 2200; i++) {
      const started = performance.now();
      await client.query({ text: 'SELECT 1', name: 'onegate_bench_reference' });
      if (i >= 200) times.push(performance.now() - started);
    }
    times.sort((a, b) => a - b);
    return round1(times[times.length >> 1]! * 1000);
  } finally {
    await client.end();
  }
}

/** Times the reference workloads (about 5 s); run it while nothing else of the benchmark is running. */
export async function measureMachineReference(postgresUrl: string): Promise<MachineReference> {
  return {
    mapMillionKeysMs: mapMillionKeysMs(),
    p256VerifyMicros: p256VerifyMicros(),
    postgresRoundTripMicros: await postgresRoundTripMicros(postgresUrl),
  };
}

/** The sentence shown with a table whose run measured the reference. */
export function describeMachineReference(reference: MachineReference): string {
  return (
    `Machine reference (compare these before comparing figures from different runs): a Map of 1,000,000 string keys filled and read back ` +
    `in ${reference.mapMillionKeysMs} ms, one P-256 signature check in ${reference.p256VerifyMicros} µs, ` +
    `a PostgreSQL round trip in ${reference.postgresRoundTripMicros} µs.`
  );
}
