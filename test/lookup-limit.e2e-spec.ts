import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import pg from 'pg';
import { connectionsFor } from '../src/database/database-setup.js';
import { LEASE_MS, SharedLookupRateLimiter } from '../src/exchange/shared-lookup-rate-limiter.js';
import { createLogger } from '../src/logging/logger.js';
import { harnessState } from './harness/database.js';
import { freePort } from './harness/free-port.js';
import { createTestApp, type TestApp } from './harness/test-app.js';
import { addIdentityCheckMatter } from './support/fixture-matters.js';

/*
 * The per-principal lookup limit holds across gateway instances: two gateways on one database (as
 * behind a load balancer) allow a principal the limit once, not twice, with the same errors,
 * reasons and retry-after as one instance. So does the public rate limit per client address.
 */

const LI_WEI = '330825198803142023';
const PER_MINUTE = 6;
const PUBLIC_MAX = 5;
const LOOKUP = `query($case: String!) { citizen(idNumber: "${LI_WEI}", purpose: { matter: "IDENTITY_CHECK", caseNumber: $case }) { person { name } } }`;

type Errors = Array<{ message: string; extensions?: Record<string, unknown> }>;

describe('the lookup limit across instances', () => {
  let a: TestApp;
  let b: TestApp;
  let owner: pg.Client;
  let cases = 0;

  const lookup = async (app: TestApp, token: string) => {
    const res = await app.graphql<{ citizen: { person: { name: string } | null } | null }>(LOOKUP, { case: `LL-${++cases}` }, token);
    expect(res.status).toBe(200);
    return res.body as { data?: { citizen: { person: { name: string } | null } | null } | null; errors?: Errors };
  };
  const limited = (body: { errors?: Errors }) => (body.errors ?? []).some((e) => e.extensions?.code === 'TOO_MANY_REQUESTS');
  /** Moves a principal's bucket back in time, as if its last take had been `seconds` earlier. */
  const age = (principal: string, seconds: number) =>
    owner.query(`UPDATE onegate.lookup_allowance SET taken_at = taken_at - make_interval(secs => $2) WHERE principal = $1`, [principal, seconds]);

  beforeAll(async () => {
    const env = {
      EXCHANGE_LOOKUPS_PER_MINUTE: String(PER_MINUTE),
      PUBLIC_RATE_LIMIT_MAX: String(PUBLIC_MAX),
      PUBLIC_RATE_LIMIT_WINDOW_SECONDS: '60',
      LEDGER_CHECKPOINT_INTERVAL_SECONDS: '0',
    };
    a = await createTestApp(env);
    b = await createTestApp(env, a);
    await addIdentityCheckMatter(a);
    owner = new pg.Client({ connectionString: a.databaseUrl });
    await owner.connect();
  });
  afterAll(async () => {
    await owner?.end();
    await b?.close();
    await a?.close();
  });

  it('allows a clerk the limit once across two gateways, then refuses on both with RATE_LIMITED and retry-after', async () => {
    const clerk = await a.token({ role: 'clerk', sub: 'C-LL-1', hall: 'LONGYOU-01' });
    for (let i = 0; i < PER_MINUTE; i++) {
      const body = await lookup(i % 2 === 0 ? a : b, clerk);
      expect(body.errors).toBeUndefined();
      expect(body.data!.citizen!.person!.name).toBe('Li Wei');
    }
    for (const app of [a, b]) {
      const body = await lookup(app, clerk);
      expect(body.data!.citizen).toBeNull();
      expect(body.errors).toHaveLength(1);
      // One lookup comes back every 60 / 6 = 10 s.
      expect(body.errors![0]!.extensions).toEqual({ code: 'TOO_MANY_REQUESTS', reason: 'RATE_LIMITED', retryAfterSeconds: 10 });
    }
    // Each refusal is a DENIED ledger entry, whichever instance refused.
    const { rows } = await owner.query(
      `SELECT count(*)::int AS n FROM onegate.ledger_entry WHERE actor_id = 'C-LL-1' AND outcome = 'DENIED' AND detail->>'reason' = 'RATE_LIMITED'`,
    );
    expect(rows[0].n).toBe(2);
    // Another clerk has a bucket of their own.
    expect((await lookup(b, await b.token({ role: 'clerk', sub: 'C-LL-2', hall: 'LONGYOU-01' }))).errors).toBeUndefined();
  });

  it('refills with time, on the database clock, for every instance alike', async () => {
    const clerk = await a.token({ role: 'clerk', sub: 'C-LL-3', hall: 'LONGYOU-01' });
    for (let i = 0; i < PER_MINUTE; i++) expect((await lookup(a, clerk)).errors).toBeUndefined();
    expect(limited(await lookup(b, clerk))).toBe(true);
    // 4 s later: 0.4 of a lookup back, 6 s still to wait.
    await age('clerk:C-LL-3', 4);
    expect((await lookup(a, clerk)).errors![0]!.extensions).toMatchObject({ reason: 'RATE_LIMITED', retryAfterSeconds: 6 });
    // 10 s after that: one lookup back, on the other instance too, and then none.
    await age('clerk:C-LL-3', 10);
    expect((await lookup(b, clerk)).errors).toBeUndefined();
    expect(limited(await lookup(a, clerk))).toBe(true);
  });

  it('grants exactly the limit to concurrent lookups spread over both instances', async () => {
    const clerk = await a.token({ role: 'clerk', sub: 'C-LL-4', hall: 'LONGYOU-01' });
    const bodies = await Promise.all(Array.from({ length: 3 * PER_MINUTE }, (_, i) => lookup(i % 2 === 0 ? a : b, clerk)));
    expect(bodies.filter((body) => !body.errors).length).toBe(PER_MINUTE);
    expect(bodies.filter(limited).length).toBe(2 * PER_MINUTE);
  });

  it('allows one client address the public limit once across two gateways, then 429 on both until its window ends', async () => {
    // Verification by identifier without a token: each answer would be a ledger entry, so it is limited per address.
    const verify = (app: TestApp) => app.http().get('/verify?id=urn:onegate:cert:LL-UNKNOWN').set('accept', 'text/html');
    const statuses: number[] = [];
    for (let i = 0; i < PUBLIC_MAX; i++) statuses.push((await verify(i % 2 === 0 ? a : b)).status);
    expect(statuses.every((status) => status !== 429)).toBe(true);
    for (const app of [a, b]) {
      const refused = await verify(app);
      expect(refused.status).toBe(429);
      expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
    }
    const { rows } = await owner.query<{ hits: number }>(`SELECT hits FROM onegate.public_allowance`);
    expect(rows).toEqual([{ hits: PUBLIC_MAX + 2 }]);
    // The window ended (as if it had started 61 s ago): the address starts a new one, on either instance.
    await owner.query(`UPDATE onegate.public_allowance SET window_started_at = window_started_at - interval '61 seconds'`);
    expect((await verify(b)).status).not.toBe(429);
    expect((await owner.query<{ hits: number }>(`SELECT hits FROM onegate.public_allowance`)).rows).toEqual([{ hits: 1 }]);
  });

  it('takes many lookups of one principal in one statement like one at a time', async () => {
    const runtime = new pg.Pool({ connectionString: connectionsFor(a.databaseUrl, harnessState().rolePassword).runtimeUrl, max: 2 });
    const limiter = new SharedLookupRateLimiter(runtime, PER_MINUTE, createLogger('silent'));
    try {
      // Asked in one tick: one statement with n = 10 for the principal; 6 granted in arrival order, 4 told to wait.
      const answers = await Promise.all(Array.from({ length: 10 }, () => limiter.take('department:LL-BATCH')));
      expect(answers).toEqual([0, 0, 0, 0, 0, 0, 10, 10, 10, 10]);
      const together = await Promise.all([limiter.take('department:LL-X'), limiter.take('department:LL-Y'), limiter.take('department:LL-X')]);
      expect(together).toEqual([0, 0, 0]);
      const { rows } = await owner.query(
        `SELECT principal, granted, tokens FROM onegate.lookup_allowance WHERE principal LIKE 'department:LL-%' ORDER BY principal`,
      );
      expect(rows).toEqual([
        { principal: 'department:LL-BATCH', granted: 6, tokens: 0 },
        { principal: 'department:LL-X', granted: 2, tokens: PER_MINUTE - 2 },
        { principal: 'department:LL-Y', granted: 1, tokens: PER_MINUTE - 1 },
      ]);
    } finally {
      await limiter.onApplicationShutdown();
    }
  });

  describe('a busy principal takes ahead', () => {
    // 2,400 per minute: a lease period (250 ms) refills 10, so an instance may take up to 10 ahead.
    const BUSY_PER_MINUTE = 2400;
    const limiters: SharedLookupRateLimiter[] = [];
    /** A limiter on a pool of its own, and a count of the statements sent through it. */
    const busyLimiter = () => {
      const pool = new pg.Pool({ connectionString: connectionsFor(a.databaseUrl, harnessState().rolePassword).runtimeUrl, max: 2 });
      const statements = jest.spyOn(pool, 'query');
      const limiter = new SharedLookupRateLimiter(pool, BUSY_PER_MINUTE, createLogger('silent'));
      limiters.push(limiter);
      return { limiter, statements: () => statements.mock.calls.length };
    };
    const bucket = async (principal: string) =>
      (await owner.query<{ tokens: number }>(`SELECT tokens FROM onegate.lookup_allowance WHERE principal = $1`, [principal])).rows[0]!.tokens;

    afterAll(async () => {
      for (const limiter of limiters) await limiter.onApplicationShutdown();
    });

    it('takes a lone lookup alone: one token from the shared bucket', async () => {
      const { limiter } = busyLimiter();
      expect(await limiter.take('department:LL-LONE')).toBe(0);
      expect(await bucket('department:LL-LONE')).toBe(BUSY_PER_MINUTE - 1);
      await new Promise((r) => setTimeout(r, 2 * LEASE_MS + 50));
      expect(await limiter.take('department:LL-LONE')).toBe(0);
      // Refilled to the limit, then one taken: nothing was taken ahead for a principal that was not busy.
      expect(await bucket('department:LL-LONE')).toBe(BUSY_PER_MINUTE - 1);
    });

    it('goes to the database for a few of many lookups in a row, each counted in the shared bucket', async () => {
      const { limiter, statements } = busyLimiter();
      const answers: number[] = [];
      const started = Date.now();
      for (let i = 0; i < 40; i++) answers.push(await limiter.take('department:LL-ROW'));
      const refilled = Math.ceil(((Date.now() - started) / 60_000) * BUSY_PER_MINUTE);
      expect(answers.every((n) => n === 0)).toBe(true);
      expect(statements()).toBeLessThan(12);
      // What left the bucket (less its refill meanwhile): the 40 allowed, and at most a lease period's refill held ahead.
      const left = BUSY_PER_MINUTE - (await bucket('department:LL-ROW'));
      expect(left).toBeGreaterThanOrEqual(40 - refilled);
      expect(left).toBeLessThanOrEqual(40 + 10);
    });

    it('never allows more than the limit across two instances taking ahead', async () => {
      const [first, second] = [busyLimiter().limiter, busyLimiter().limiter];
      const principal = 'department:LL-SHARED';
      const started = Date.now();
      let allowed = 0;
      // Both instances busy first (so that they take ahead), then many more lookups than the limit at once.
      for (let i = 0; i < 30; i++) allowed += (await Promise.all([first.take(principal), second.take(principal)])).filter((n) => n === 0).length;
      const burst = await Promise.all(Array.from({ length: 3000 }, (_, i) => (i % 2 === 0 ? first : second).take(principal)));
      allowed += burst.filter((n) => n === 0).length;
      const refilled = Math.ceil(((Date.now() - started) / 60_000) * BUSY_PER_MINUTE);
      expect(allowed).toBeLessThanOrEqual(BUSY_PER_MINUTE + refilled);
      // Short of the limit by at most what the two instances still hold ahead.
      expect(allowed).toBeGreaterThanOrEqual(BUSY_PER_MINUTE - 2 * 10);
      expect(burst.filter((n) => n > 0).length).toBeGreaterThan(0);
    });
  });

  it('counts on the instance alone while the database cannot be reached, never unlimited', async () => {
    const unreachable = new pg.Pool({ connectionString: `postgres://onegate_app:x@127.0.0.1:${await freePort()}/none`, connectionTimeoutMillis: 500 });
    const limiter = new SharedLookupRateLimiter(unreachable, 2, createLogger('silent'));
    try {
      expect(await limiter.take('clerk:offline')).toBe(0);
      expect(await limiter.take('clerk:offline')).toBe(0);
      expect(await limiter.take('clerk:offline')).toBe(30);
    } finally {
      await limiter.onApplicationShutdown();
    }
  });
});
