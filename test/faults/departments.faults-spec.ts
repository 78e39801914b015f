import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { connectionsFor } from '../../src/database/database-setup.js';
import { DepartmentRegistry } from '../../src/exchange/department-registry.js';
import { harnessState } from '../harness/database.js';
import { freePort } from '../harness/free-port.js';
import { createTestApp, type TestApp } from '../harness/test-app.js';
import { DepartmentApiProcess, writeConnectorsFile } from '../support/department-api-process.js';
import { sleep } from '../support/gateway-process.js';
import { HttpLoad, type Outcome } from '../support/http-load.js';
import { houseTransferConsents, houseTransferLookup, LI_WEI, ledgerFacts, percentile, report, sized, tally, ZHANG_HAO } from './fault-kit.js';

/*
 * RELIABILITY-AND-SECURITY §F 34–36 under load: the tests of test/exchange-departments.e2e-spec.ts,
 * with clerks' lookups arriving concurrently all the while. Human Resources is the reference
 * department API (its own process, FAULTS=1), switched to hang, garbage, invalid records and 500s
 * in turn, and back to normal after each; the other departments are read from their databases.
 */

const SIZE = sized({ clients: 6, faultMs: 2500, steadyMs: 1000 }, { clients: 16, faultMs: 8000, steadyMs: 3000 });
// As in the §F tests.
const TIMEOUT_MS = 600;
const BREAKER_FAILURES = 3;
const HALF_OPEN_MS = 1500;
/**
 * One call per item is in flight at a time (EXCHANGE_CALLS_IN_FLIGHT_PER_ITEM = 1): a lookup may wait
 * for the call before its own, so the slowest answer is two department timeouts, plus a loaded
 * machine's share (the load runs in the gateway's own process here).
 */
const LATENCY_BOUND_MS = 2 * TIMEOUT_MS + 2000;
/** How long after the department is back a lookup may still miss its data: the breaker's half-open delay and a probe. */
const RECOVERY_WITHIN_MS = HALF_OPEN_MS + TIMEOUT_MS + 10_000;
const SECRET_ENV = 'HUMAN_RESOURCES_API_HMAC_SECRET';

type Fault = 'hang' | 'garbage' | 'invalid' | 'error';
/** What a lookup's socialInsurance error may say while the department is in each fault (the breaker may have opened). */
const EXPECTED: Record<Fault, string[]> = {
  hang: ['DEPARTMENT_TIMEOUT/TIMEOUT', 'DEPARTMENT_UNAVAILABLE/CIRCUIT_OPEN'],
  garbage: ['DEPARTMENT_UNAVAILABLE/FAILED', 'DEPARTMENT_UNAVAILABLE/CIRCUIT_OPEN'],
  invalid: ['DEPARTMENT_INVALID_RESPONSE/SCHEMA_MISMATCH', 'DEPARTMENT_UNAVAILABLE/CIRCUIT_OPEN'],
  error: ['DEPARTMENT_UNAVAILABLE/FAILED', 'DEPARTMENT_UNAVAILABLE/CIRCUIT_OPEN'],
};
/** The other departments' records of each subject, exactly as when all is well. */
const OTHERS: Record<string, Record<string, unknown>> = {
  [LI_WEI]: {
    person: { name: 'Li Wei' },
    household: { householdNumber: '330825-004417' },
    marriage: { certificateNumber: 'J330825-2014-001288' },
    properties: [{ certificateNumber: 'ZJ(2019)LY-0031552' }],
  },
  [ZHANG_HAO]: {
    person: { name: 'Zhang Hao' },
    household: { householdNumber: '330825-004417' },
    marriage: { certificateNumber: 'J330825-2014-001288' },
    properties: [{ certificateNumber: 'ZJ(2019)LY-0031552' }],
  },
};

interface Phase {
  fault: Fault;
  /** When the department was switched (performance.now()), and back. */
  from: number;
  to: number;
  calls: number;
  abandoned: number;
  hangingAfter: number;
}

describe('§F under load: a department that hangs, answers garbage, invalid records or 500s', () => {
  const secret = randomBytes(24).toString('base64url');
  const dir = mkdtempSync(join(tmpdir(), 'onegate-faults-connectors-'));
  let t: TestApp;
  let api: DepartmentApiProcess;
  let url: string;

  beforeAll(async () => {
    process.env[SECRET_ENV] = secret;
    const apiPort = await freePort();
    const file = writeConnectorsFile(dir, apiPort, TIMEOUT_MS);
    t = await createTestApp({
      DEPARTMENT_CONNECTORS_FILE: file,
      DEPARTMENT_TIMEOUT_MS: String(TIMEOUT_MS),
      DEPARTMENT_BREAKER_FAILURES: String(BREAKER_FAILURES),
      DEPARTMENT_BREAKER_HALF_OPEN_MS: String(HALF_OPEN_MS),
      LEDGER_CHECKPOINT_INTERVAL_SECONDS: '0',
      EXCHANGE_LOOKUPS_PER_MINUTE: '10000000',
    });
    const port = await freePort();
    await t.app.listen({ port, host: '127.0.0.1' });
    url = `http://127.0.0.1:${port}`;
    const readerUrl = connectionsFor(t.databaseUrl, harnessState().rolePassword).readerUrls.HUMAN_RESOURCES;
    api = new DepartmentApiProcess(
      { DEPARTMENT_DATABASE_URL: readerUrl, HMAC_SECRET: secret, HMAC_KEY_ID: 'onegate', PORT: String(apiPort), FAULTS: '1' },
      secret,
    );
    await api.listening();
  }, 90_000);
  afterAll(async () => {
    api?.kill('SIGTERM');
    const killer = setTimeout(() => api?.kill('SIGKILL'), 10_000);
    await api?.exit;
    clearTimeout(killer);
    await t?.close();
    delete process.env[SECRET_ENV];
    rmSync(dir, { recursive: true, force: true });
  }, 60_000);

  it(
    'other departments are served, the failing one is reported within the timeouts, the breaker stops calling it, every lookup is audited, and all recovers',
    async () => {
      const clerk = await t.token({ role: 'clerk', sub: 'C-LY-FAULTS', hall: 'LONGYOU-01' });
      const consents = await houseTransferConsents(url, (sub) => t.token({ role: 'citizen', sub }));
      const load = new HttpLoad({
        url,
        concurrency: SIZE.clients,
        deadlineMs: 30_000,
        idPrefix: 'dept',
        next: (worker, n) => houseTransferLookup(clerk, consents, 'DEPT', worker, n),
      });
      const complete = (o: Outcome) => o.status === 200 && o.body?.errors === undefined && o.body?.data?.citizen?.socialInsurance?.accountNumber !== undefined;
      const breaker = () => t.app.get(DepartmentRegistry).department('HUMAN_RESOURCES').breakerState;
      /** Until a lookup sent after `since` is complete again; its end. */
      const recovered = async (since: number) => {
        const done = () => load.outcomes.filter((o) => o.startedAt > since && complete(o));
        await load.until(() => done().length > 0, RECOVERY_WITHIN_MS, 'a complete lookup after the department came back');
        return Math.min(...done().map((o) => o.endedAt));
      };

      const phases: Phase[] = [];
      const steady: Array<{ from: number; to: number }> = [];
      const breakerSeen = new Set<string>();
      load.start();
      try {
        await load.until(() => load.count(complete) > 20, 30_000, 'complete lookups');
        let from = performance.now();
        await sleep(SIZE.steadyMs);
        for (const fault of ['hang', 'garbage', 'invalid', 'error'] as const) {
          // Lookups that end before the switch cannot have seen the fault; those in flight across it may have.
          steady.push({ from, to: performance.now() });
          await api.fault(fault);
          // Read after the switch: every call counted from here on met the fault.
          const before = await api.stats();
          const phase: Phase = { fault, from: performance.now(), to: 0, calls: 0, abandoned: 0, hangingAfter: 0 };
          const deadline = phase.from + SIZE.faultMs;
          while (performance.now() < deadline) {
            breakerSeen.add(breaker());
            await sleep(50);
          }
          const during = await api.stats();
          await api.fault('none');
          phase.to = performance.now();
          phase.calls = during.requests - before.requests;
          from = await recovered(phase.to);
          // The abandoned calls are counted once the gateway has given up on every held one.
          for (let i = 0; i < 60 && (await api.stats()).hanging > 0; i++) await sleep(50);
          const after = await api.stats();
          phase.abandoned = after.abandoned - before.abandoned;
          phase.hangingAfter = after.hanging;
          phases.push(phase);
          await sleep(SIZE.steadyMs);
        }
        steady.push({ from, to: performance.now() });
      } catch (error) {
        throw new Error(`${(error as Error).message}\nlast 200 lookups: ${tally(load.outcomes.slice(-200))}`, { cause: error });
      } finally {
        await load.stop();
      }

      const outcomes = load.outcomes;
      const problems: string[] = [];
      // Every lookup, whatever the department did: HTTP 200, the other departments' records, nothing hung.
      for (const o of outcomes) {
        const citizen = o.body?.data?.citizen;
        if (o.status !== 200 || !citizen) problems.push(`${o.id}: HTTP ${o.status} ${JSON.stringify(o.body?.errors ?? o.error ?? o.text)}`);
        else {
          const { idNumber: _id, socialInsurance: _si, ...others } = citizen;
          if (!isDeepStrictEqual(others, OTHERS[o.meta!.subject as string]))
            problems.push(`${o.id}: other departments' records differ: ${JSON.stringify(others)}`);
        }
      }
      const rows: Record<string, string | number> = {};
      for (const phase of phases) {
        const inPhase = outcomes.filter((o) => o.startedAt > phase.from && o.startedAt < phase.to);
        const codes = new Map<string, number>();
        for (const o of inPhase) {
          const citizen = o.body?.data?.citizen;
          const errors = o.body?.errors ?? [];
          const error = errors[0];
          const code = `${error?.extensions?.code}/${error?.extensions?.reason}`;
          codes.set(code, (codes.get(code) ?? 0) + 1);
          if (
            !citizen ||
            citizen.socialInsurance !== null ||
            errors.length !== 1 ||
            JSON.stringify(error!.path) !== '["citizen","socialInsurance"]' ||
            error!.extensions?.department !== 'HUMAN_RESOURCES' ||
            !EXPECTED[phase.fault].includes(code)
          ) {
            problems.push(`${phase.fault}: ${o.id}: ${JSON.stringify({ socialInsurance: citizen?.socialInsurance, errors })}`);
          }
          if (o.ms > LATENCY_BOUND_MS) problems.push(`${phase.fault}: ${o.id} took ${Math.round(o.ms)} ms`);
        }
        // The breaker opened and stopped calling: a few calls to open it, then one probe per half-open delay.
        const allowedCalls = BREAKER_FAILURES + Math.ceil((phase.to - phase.from) / HALF_OPEN_MS) + 1;
        if (phase.calls > allowedCalls) problems.push(`${phase.fault}: ${phase.calls} calls reached the department (at most ${allowedCalls} expected)`);
        if (!codes.has('DEPARTMENT_UNAVAILABLE/CIRCUIT_OPEN')) problems.push(`${phase.fault}: the breaker never opened`);
        // A hanging department's held requests are all given up: their sockets closed.
        if (phase.fault === 'hang' && (phase.abandoned < phase.calls || phase.hangingAfter !== 0)) {
          problems.push(`hang: ${phase.calls} calls, ${phase.abandoned} abandoned, ${phase.hangingAfter} still held`);
        }
        rows[phase.fault] = `${inPhase.length}lookups/${phase.calls}calls/p99=${percentile(
          inPhase.map((o) => o.ms),
          99,
        )}ms/max=${percentile(
          inPhase.map((o) => o.ms),
          100,
        )}ms/${[...codes].map(([c, n]) => `${c.split('/')[1]}:${n}`).join('+')}`;
      }
      // Between faults, once the department answered again, every lookup is complete.
      for (const { from, to } of steady) {
        for (const o of outcomes.filter((o) => o.startedAt > from && o.endedAt < to && !complete(o)))
          problems.push(`recovered: ${o.id}: ${JSON.stringify(o.body?.errors ?? o.error)}`);
      }
      // Every lookup is audited: its DATA_ACCESS entry names the departments asked, Human Resources included.
      const facts = await ledgerFacts(
        t.databaseUrl,
        outcomes.map((o) => o.id),
      );
      const unaudited = outcomes.filter((o) => {
        const access = (facts.byRequest.get(o.id) ?? []).filter((e) => e.kind === 'DATA_ACCESS');
        return (
          access.length !== 1 ||
          access[0]!.outcome !== 'GRANTED' ||
          access[0]!.subject !== o.meta!.subject ||
          !access[0]!.departments.includes('HUMAN_RESOURCES')
        );
      });

      report('departments', {
        requests: outcomes.length,
        complete: outcomes.filter(complete).length,
        ...rows,
        recoveredMs: phases.map((p, i) => Math.round(steady[i + 1]!.from - p.to)).join('/'),
        breakerStates: [...breakerSeen].sort().join('+'),
        audited: outcomes.length - unaudited.length,
      });
      expect(problems.slice(0, 20)).toEqual([]);
      expect(unaudited.map((o) => o.id)).toEqual([]);
      expect(breakerSeen).toContain('OPEN');
      expect(breaker()).toBe('CLOSED');
    },
    sized(90_000, 240_000),
  );
});
