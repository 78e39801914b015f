import pg from 'pg';
import { createTestApp, type TestApp } from './harness/test-app.js';

describe('health probes', () => {
  let t: TestApp;
  let owner: pg.Client;
  beforeAll(async () => {
    t = await createTestApp();
    owner = new pg.Client({ connectionString: t.databaseUrl });
    await owner.connect();
  });
  afterAll(async () => {
    await owner.end();
    await t.close();
  });

  it('answers /health without a token', async () => {
    const res = await t.http().get('/health');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: 'ok' });
  });

  it('is ready when the database answers and every migration is applied', async () => {
    const res = await t.http().get('/health/ready');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: 'ready', checks: { database: 'up', migrations: 'applied', ledger: 'writable' } });
  });

  it('gives every response its own request id and echoes a well-formed one from the caller beside it', async () => {
    const fresh = await t.http().get('/health');
    expect(fresh.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    const kept = await t.http().get('/health').set('x-request-id', 'hall-JINGAN-01-000042');
    expect(kept.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    expect(kept.headers['x-client-request-id']).toBe('hall-JINGAN-01-000042');
    const replaced = await t.http().get('/health').set('x-request-id', 'bad id\twith spaces');
    expect(replaced.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    expect(replaced.headers['x-client-request-id']).toBeUndefined();
  });

  // RELIABILITY-AND-SECURITY §I 52: readiness tries the append path now; no request has failed before these.
  it('answers 503 with ledger "failing" as soon as the writer role may no longer insert ledger entries, and recovers', async () => {
    const entries = async () => (await owner.query<{ n: number }>(`SELECT count(*)::int AS n FROM onegate.ledger_entry`)).rows[0]!.n;
    const before = await entries();
    expect((await t.http().get('/health/ready')).status).toBe(200);
    await owner.query(`REVOKE INSERT ON onegate.ledger_entry FROM onegate_app`);
    try {
      const res = await t.http().get('/health/ready');
      expect(res.status).toBe(503);
      expect(res.body).toEqual({ status: 'unavailable', checks: { database: 'up', migrations: 'applied', ledger: 'failing' } });
    } finally {
      await owner.query(`GRANT INSERT ON onegate.ledger_entry TO onegate_app`);
    }
    expect((await t.http().get('/health/ready')).status).toBe(200);
    // The probe's entry was rolled back each time: readiness adds nothing to the ledger.
    expect(await entries()).toBe(before);
  });

  it('answers 503 with ledger "failing" while the ledger table is locked against writes, within the probe timeout', async () => {
    const locker = new pg.Client({ connectionString: t.databaseUrl });
    await locker.connect();
    try {
      await locker.query('BEGIN');
      await locker.query('LOCK TABLE onegate.ledger_entry IN EXCLUSIVE MODE');
      const started = Date.now();
      const res = await t.http().get('/health/ready');
      expect(res.status).toBe(503);
      expect(res.body.checks.ledger).toBe('failing');
      expect(Date.now() - started).toBeLessThan(5000);
    } finally {
      await locker.query('ROLLBACK');
      await locker.end();
    }
    expect((await t.http().get('/health/ready')).status).toBe(200);
  });
});
