import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { prepareEnvironment } from '../../src/app.prepare.js';
import { loadConfig } from '../../src/config/app-config.js';
import { EmbeddedPostgres } from '../../src/database/embedded-postgres.js';
import { createLogger } from '../../src/logging/logger.js';
import { seedDepartmentSources } from '../../src/seed/seed.js';
import { adminQuery, harnessState, withDatabase } from '../harness/database.js';
import { freePort } from '../harness/free-port.js';
import { GatewayProcess, probe, sleep } from '../support/gateway-process.js';
import { HttpLoad, type Outcome } from '../support/http-load.js';
import {
  houseTransferConsents,
  houseTransferLookup,
  ledgerFacts,
  percentile,
  releasedData,
  report,
  sized,
  tally,
  tokens,
  uncleanFailure,
  verifyLedger,
} from './fault-kit.js';

/*
 * RELIABILITY-AND-SECURITY §H 41: PostgreSQL restarted under load → requests during the outage fail
 * cleanly, none hangs, and the gateway reconnects by itself.
 *
 * A PostgreSQL of this file's own (embedded, on a free port, in a temporary directory; never the
 * machine's shared one) is stopped (fast shutdown) under a gateway process's load and started again
 * on the same port a few seconds later; the gateway is not touched.
 */

const SIZE = sized({ clients: 6, beforeMs: 1500, outageMs: 3000, afterMs: 2000 }, { clients: 16, beforeMs: 5000, outageMs: 10_000, afterMs: 8000 });
const LEDGER_WRITE_TIMEOUT_MS = 2000;
const DEPARTMENT_TIMEOUT_MS = 1000;
const HALF_OPEN_MS = 2000;
/** The TypeORM pool's connection timeout (src/database/data-source-options.ts). */
const DB_CONNECT_TIMEOUT_MS = 5000;
/** The longest a lookup may wait on its own: a connection, the ledger write, the departments. */
const GATEWAY_BOUND_MS = DB_CONNECT_TIMEOUT_MS + LEDGER_WRITE_TIMEOUT_MS + 500 + DEPARTMENT_TIMEOUT_MS;
/** A loaded two-core machine's share. */
const SLACK_MS = 5000;
/** How long the gateway may take to serve data again once PostgreSQL is back. */
const RECOVERY_WITHIN_MS = 30_000;
/** What a client may be told while the database is away. */
const OUTAGE_CODES = new Set(['SERVICE_UNAVAILABLE', 'DEPARTMENT_UNAVAILABLE', 'DEPARTMENT_TIMEOUT']);

describe('§H 41: PostgreSQL restarted under load', () => {
  const harness = harnessState();
  const dir = mkdtempSync(join(tmpdir(), 'onegate-faults-pg-'));
  let embedded: EmbeddedPostgres;
  let gateway: GatewayProcess | undefined;
  let ownerUrl: string;

  beforeAll(async () => {
    // Run as root, PostgreSQL runs as the `postgres` user, which must be able to enter this folder.
    chmodSync(dir, 0o711);
    embedded = new EmbeddedPostgres({
      dataDir: join(dir, 'postgres'),
      port: await freePort(),
      superuserPassword: randomBytes(18).toString('base64url'),
      logFile: join(dir, 'postgres.log'),
    });
    await embedded.start();
    // As the global setup prepares the template: migrated, roles, catalog, the demo people.
    await adminQuery(embedded.superuserUrl(), 'CREATE DATABASE onegate_faults');
    ownerUrl = withDatabase(embedded.superuserUrl(), 'onegate_faults');
    const config = loadConfig({
      NODE_ENV: 'test',
      DATABASE_URL: ownerUrl,
      DB_ROLE_PASSWORD: harness.rolePassword,
      DATA_DIR: harness.dataDir,
      LOG_LEVEL: 'warn',
    });
    const db = await prepareEnvironment(config, createLogger('warn'), { seedIfEmpty: false });
    await seedDepartmentSources(db.ownerUrl, { citizens: 0, seed: 'test' });
    await db.close();
    gateway = await GatewayProcess.start({
      databaseUrl: ownerUrl,
      rolePassword: harness.rolePassword,
      dataDir: harness.dataDir,
      port: await freePort(),
      env: {
        LEDGER_CHECKPOINT_INTERVAL_SECONDS: '1',
        LEDGER_WRITE_TIMEOUT_MS: String(LEDGER_WRITE_TIMEOUT_MS),
        DEPARTMENT_TIMEOUT_MS: String(DEPARTMENT_TIMEOUT_MS),
        DEPARTMENT_BREAKER_HALF_OPEN_MS: String(HALF_OPEN_MS),
        EXCHANGE_LOOKUPS_PER_MINUTE: '10000000',
      },
    });
  }, 120_000);
  afterAll(async () => {
    await gateway?.stop();
    await embedded?.stop();
    rmSync(dir, { recursive: true, force: true });
  }, 60_000);

  it(
    'fails the requests during the outage cleanly and within the timeouts, says it is not ready, and serves again by itself',
    async () => {
      const token = tokens();
      const clerk = await token({ role: 'clerk', sub: 'C-LY-PG', hall: 'LONGYOU-01' });
      const auditor = await token({ role: 'auditor', sub: 'A-PG' });
      const consents = await houseTransferConsents(gateway!.url, (sub) => token({ role: 'citizen', sub }));
      const load = new HttpLoad({
        url: gateway!.url,
        concurrency: SIZE.clients,
        deadlineMs: GATEWAY_BOUND_MS + SLACK_MS * 2,
        idPrefix: 'pg',
        next: (worker, n) => houseTransferLookup(clerk, consents, 'PG', worker, n),
      });
      const complete = (o: Outcome) => releasedData(o) && o.body!.errors === undefined;

      const readiness: Array<{ at: number; end: number; status: number }> = [];
      let probing = true;
      const prober = (async () => {
        while (probing) {
          const at = performance.now();
          const status = await probe(`${gateway!.url}/health/ready`, GATEWAY_BOUND_MS + SLACK_MS);
          readiness.push({ at, end: performance.now(), status });
          await sleep(200);
        }
      })();

      let stopBegan: number;
      let stopped = 0;
      let startBegan = 0;
      let started = 0;
      let firstData: number;
      let firstComplete = 0;
      load.start();
      try {
        await load.until(() => load.count(complete) > 20, 30_000, 'complete lookups before the outage');
        await sleep(SIZE.beforeMs);
        stopBegan = performance.now();
        await embedded.stop();
        stopped = performance.now();
        await sleep(SIZE.outageMs);
        startBegan = performance.now();
        await embedded.start();
        started = performance.now();
        await load.until(
          () => load.outcomes.some((o) => o.startedAt > started && releasedData(o)),
          RECOVERY_WITHIN_MS,
          'data served after PostgreSQL came back',
        );
        firstData = Math.min(...load.outcomes.filter((o) => o.startedAt > started && releasedData(o)).map((o) => o.endedAt));
        await load.until(
          () => load.outcomes.some((o) => o.startedAt > started && complete(o)),
          RECOVERY_WITHIN_MS,
          'complete lookups after PostgreSQL came back',
        );
        firstComplete = Math.min(...load.outcomes.filter((o) => o.startedAt > started && complete(o)).map((o) => o.endedAt));
        await sleep(SIZE.afterMs);
      } catch (error) {
        const recent = load.outcomes.filter((o) => o.startedAt > (started || stopped));
        throw new Error(`${(error as Error).message}\nsince PostgreSQL came back: ${tally(recent)}\ngateway output:\n${gateway!.tail(6000)}`, { cause: error });
      } finally {
        await load.stop();
        probing = false;
        await prober;
      }

      const outcomes = load.outcomes;
      const during = outcomes.filter((o) => o.startedAt >= stopped && o.endedAt <= startBegan);
      // Lookups with data may still carry errors (a department that failed as the database went): clean ones too.
      const unclean = outcomes
        .filter((o) => !releasedData(o) || o.body?.errors !== undefined)
        .map((o) => ({ o, problem: uncleanFailure(o, OUTAGE_CODES) }))
        .filter(({ problem }) => problem !== null)
        .map(({ o, problem }) => `${o.id} at ${Math.round(o.startedAt - stopped)} ms of the outage: ${problem}`);
      const withData = outcomes.filter(releasedData);
      const afterRecovery = outcomes.filter((o) => o.startedAt > firstComplete);
      const readyDuring = readiness.filter((r) => r.at >= stopped && r.end <= startBegan);
      const codes = new Map<string, number>();
      for (const o of during)
        for (const e of o.body?.errors ?? [])
          codes.set(`${e.extensions?.code}/${e.extensions?.reason}`, (codes.get(`${e.extensions?.code}/${e.extensions?.reason}`) ?? 0) + 1);

      const facts = await ledgerFacts(
        ownerUrl,
        withData.map((o) => o.id),
      );
      const verification = await verifyLedger(gateway!.url, auditor);
      report('PostgreSQL restart', {
        requests: outcomes.length,
        lookupsWithData: withData.length,
        duringOutage: during.length,
        outageP99ms: percentile(
          during.map((o) => o.ms),
          99,
        ),
        outageMaxMs: percentile(
          during.map((o) => o.ms),
          100,
        ),
        outageCodes: [...codes].map(([c, n]) => `${c}:${n}`).join(','),
        stopMs: Math.round(stopped - stopBegan),
        pgStartMs: Math.round(started - startBegan),
        firstDataAfterMs: Math.round(firstData - started),
        firstCompleteAfterMs: Math.round(firstComplete - started),
        readyProbesDuringOutage: `${readyDuring.filter((r) => r.status === 503).length}/${readyDuring.length} not ready`,
        ledgerEntries: facts.entries,
        verified: verification.report.ok,
      });

      // None hangs: every request got its answer within the gateway's bound (plus a loaded machine's slack).
      expect(outcomes.filter((o) => o.timedOut || o.ms > GATEWAY_BOUND_MS + SLACK_MS).map((o) => `${o.id}: ${Math.round(o.ms)} ms`)).toEqual([]);
      // Every failure is clean: an HTTP answer whose errors carry a client code and no internal text.
      expect(unclean).toEqual([]);
      expect(during.length).toBeGreaterThan(0);
      expect(during.filter(releasedData)).toEqual([]);
      // Not ready while the database is away.
      expect(readyDuring.length).toBeGreaterThan(0);
      expect(readyDuring.filter((r) => r.status !== 503)).toEqual([]);
      // Back by itself: data again soon after PostgreSQL, and every lookup complete from then on.
      expect(firstData - started).toBeLessThan(RECOVERY_WITHIN_MS);
      expect(afterRecovery.length).toBeGreaterThan(0);
      expect(afterRecovery.filter((o) => !complete(o)).map((o) => `${o.id}: ${JSON.stringify(o.body?.errors ?? o.error)}`)).toEqual([]);
      expect(readiness.at(-1)!.status).toBe(200);
      // The ledger verifies and holds every response with data.
      expect(facts.maxIndex).toBe(facts.entries - 1);
      expect(
        withData
          .filter((o) => (facts.byRequest.get(o.id) ?? []).filter((e) => e.kind === 'DATA_ACCESS' && e.subject === o.meta!.subject).length !== 1)
          .map((o) => o.id),
      ).toEqual([]);
      expect(verification.report.firstFailure).toBeNull();
      expect(verification.code).toBe(0);
    },
    sized(90_000, 180_000),
  );
});
