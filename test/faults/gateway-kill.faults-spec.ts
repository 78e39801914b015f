import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import pg from 'pg';
import { harnessState } from '../harness/database.js';
import { freePort } from '../harness/free-port.js';
import { GatewayProcess, sleep } from '../support/gateway-process.js';
import { HttpLoad, type Outcome } from '../support/http-load.js';
import {
  checkpointNow,
  createFileDatabase,
  grantConsent,
  houseTransferConsents,
  houseTransferLookup,
  issued,
  LI_WEI,
  ledgerFacts,
  percentile,
  releasedData,
  report,
  sized,
  tokens,
  verifyLedger,
} from './fault-kit.js';

/*
 * RELIABILITY-AND-SECURITY §H 40: the gateway killed (SIGKILL) under load and restarted → the
 * ledger verifies, and every response a client received with data has its entry.
 *
 * A real gateway process on its own database, under clerks' lookups (DATA_ACCESS entries) and
 * certificate issuance (CERTIFICATE_ISSUE entries with their certificates), is killed with
 * SIGKILL mid-load and started again on the same database and port while the clients carry on.
 */

const SIZE = sized(
  { lookupClients: 6, issueClients: 2, cycles: 1, loadMs: 2500, afterMs: 1500 },
  { lookupClients: 24, issueClients: 4, cycles: 3, loadMs: 10_000, afterMs: 5000 },
);
/** A request that takes this long has hung (the gateway's own bounds are a few seconds). */
const CLIENT_DEADLINE_MS = 30_000;
const ISSUE = `mutation($input: IssueCertificateInput!) { issueCertificate(input: $input) { id identifier } }`;

describe('§H 40: the gateway killed under load', () => {
  const harness = harnessState();
  let database: Awaited<ReturnType<typeof createFileDatabase>>;
  let port: number;
  let gateway: GatewayProcess | undefined;
  const start = async () => {
    gateway = await GatewayProcess.start({
      databaseUrl: database.url,
      rolePassword: harness.rolePassword,
      dataDir: harness.dataDir,
      port,
      env: { LEDGER_CHECKPOINT_INTERVAL_SECONDS: '1', EXCHANGE_LOOKUPS_PER_MINUTE: '10000000' },
    });
    return gateway;
  };

  beforeAll(async () => {
    database = await createFileDatabase();
    port = await freePort();
    await start();
  }, 90_000);
  afterAll(async () => {
    await gateway?.stop();
    await database?.drop();
  }, 60_000);

  it(
    'every lookup and certificate a client received has its ledger entry, and the ledger verifies, after kill -9 and restart',
    async () => {
      const token = tokens();
      const clerk = await token({ role: 'clerk', sub: 'C-LY-KILL', hall: 'LONGYOU-01' });
      const civilAffairs = await token({ role: 'department', sub: 'civil-affairs-registry', department: 'CIVIL_AFFAIRS' });
      const auditor = await token({ role: 'auditor', sub: 'A-KILL' });
      const consents = await houseTransferConsents(gateway!.url, (sub) => token({ role: 'citizen', sub }));
      // Civil Affairs builds the certificate partly from Public Security's records: it issues under MARRIAGE_REGISTRATION with her consent.
      const marriageConsent = await grantConsent(gateway!.url, await token({ role: 'citizen', sub: LI_WEI }), 'MARRIAGE_REGISTRATION', {
        departments: ['CIVIL_AFFAIRS'],
      });
      let keys = 0;
      const load = new HttpLoad({
        url: gateway!.url,
        concurrency: SIZE.lookupClients + SIZE.issueClients,
        deadlineMs: CLIENT_DEADLINE_MS,
        idPrefix: 'kill',
        next: (worker, n) => {
          if (worker < SIZE.issueClients) {
            return {
              kind: 'issue',
              query: ISSUE,
              variables: {
                input: {
                  type: 'MARRIAGE_CERTIFICATE',
                  holder: LI_WEI,
                  idempotencyKey: `kill-${process.pid}-${++keys}`,
                  purpose: { matter: 'MARRIAGE_REGISTRATION', caseNumber: `KILL-MR-${keys}`, consent: marriageConsent },
                },
              },
              token: civilAffairs,
            };
          }
          return houseTransferLookup(clerk, consents, 'KILL', worker, n);
        },
      });

      const saved: string[] = [];
      const kills: Array<{ at: number; inFlight: number; before: number; downMs: number }> = [];
      load.start();
      try {
        for (let cycle = 0; cycle < SIZE.cycles; cycle++) {
          const answered = load.count(releasedData);
          await load.until(() => load.count(releasedData) > answered + 20, 30_000, 'lookups answered with data');
          await sleep(SIZE.loadMs / 2);
          // A signed checkpoint from before the kill: the ledger after the restart must extend it.
          saved.push((await checkpointNow(gateway!.url, auditor)).note);
          await sleep(SIZE.loadMs / 2);
          const at = performance.now();
          const inFlight = load.inFlight;
          await gateway!.kill('SIGKILL');
          const downAt = performance.now();
          await start();
          kills.push({ at, inFlight, before: load.count(releasedData), downMs: Math.round(performance.now() - downAt) });
        }
        const answered = load.count(releasedData);
        await load.until(() => load.count(releasedData) > answered + 20, 30_000, 'lookups answered with data after the restart');
        await sleep(SIZE.afterMs);
      } finally {
        await load.stop();
      }

      const outcomes = load.outcomes;
      const withData = outcomes.filter(releasedData);
      const certificates = outcomes.filter(issued);
      const lastKill = kills.at(-1)!.at;
      // Requests sent while the gateway was down (or cut by the kill) got no answer; every answer is a success.
      const answeredOtherwise = outcomes.filter((o) => o.status !== 0 && !releasedData(o) && !issued(o));
      const hung = outcomes.filter((o) => o.timedOut);
      const facts = await ledgerFacts(
        database.url,
        [...withData, ...certificates].map((o) => o.id),
      );
      const verification = await verifyLedger(gateway!.url, auditor, saved);

      report('gateway SIGKILL', {
        requests: outcomes.length,
        lookupsWithData: withData.length,
        certificatesIssued: certificates.length,
        inFlightAtKill: kills.map((k) => k.inFlight).join('/'),
        noAnswer: outcomes.filter((o) => o.status === 0).length,
        restartMs: kills.map((k) => k.downMs).join('/'),
        afterLastKill: withData.filter((o) => o.startedAt > lastKill).length,
        p99ms: percentile(
          withData.map((o) => o.ms),
          99,
        ),
        ledgerEntries: facts.entries,
        verified: verification.report.ok,
      });

      expect(hung.map((o) => o.id)).toEqual([]);
      expect(answeredOtherwise.map((o) => describeOutcome(o))).toEqual([]);
      expect(withData.length).toBeGreaterThan(0);
      expect(withData.filter((o) => o.startedAt > lastKill).length).toBeGreaterThan(0);
      expect(certificates.length).toBeGreaterThan(0);
      // No gaps, no forks, whatever the kill cut.
      expect(facts.maxIndex).toBe(facts.entries - 1);
      expect(facts.distinctIndexes).toBe(facts.entries);
      // Every response with data has exactly its entry.
      const missing: string[] = [];
      for (const o of withData) {
        const entries = facts.byRequest.get(o.id) ?? [];
        const access = entries.filter((e) => e.kind === 'DATA_ACCESS');
        if (access.length !== 1 || access[0]!.subject !== o.meta!.subject || access[0]!.outcome !== 'GRANTED')
          missing.push(`${o.id}: ${JSON.stringify(entries)}`);
      }
      for (const o of certificates) {
        const entries = (facts.byRequest.get(o.id) ?? []).filter((e) => e.kind === 'CERTIFICATE_ISSUE' && e.outcome === 'GRANTED');
        if (entries.length !== 1) missing.push(`${o.id}: ${JSON.stringify(facts.byRequest.get(o.id) ?? [])}`);
      }
      expect(missing).toEqual([]);
      // Every certificate a client received is registered.
      const owner = new pg.Client({ connectionString: database.url });
      await owner.connect();
      try {
        const ids = certificates.map((o) => o.body!.data!.issueCertificate.id as string);
        const { rows } = await owner.query<{ n: number }>(`SELECT count(*)::int AS n FROM onegate.certificate WHERE id = ANY($1::uuid[])`, [ids]);
        expect(rows[0]!.n).toBe(ids.length);
      } finally {
        await owner.end();
      }
      // The ledger verifies, and extends every checkpoint signed before a kill.
      expect(verification.report.firstFailure).toBeNull();
      expect(verification.code).toBe(0);
      expect(verification.report.entries).toBeGreaterThanOrEqual(facts.entries);
    },
    sized(90_000, 240_000),
  );
});

function describeOutcome(o: Outcome): string {
  return `${o.kind} HTTP ${o.status}: ${JSON.stringify(o.body?.errors ?? o.text ?? null).slice(0, 300)}`;
}
