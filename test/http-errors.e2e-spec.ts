import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import pg from 'pg';
import { createTestApp, type TestApp } from './harness/test-app.js';

/*
 * Plain HTTP routes answer a DomainError in one shape, written by one filter (DomainErrorFilter):
 * `{ statusCode, error, code, reason, message }`, the status from the code, as JSON whatever the
 * route meant to send. GraphQL answers the same errors with the same code and reason.
 */

const LI_WEI = '330825198803142023';
const ISSUE = `mutation($input: IssueCertificateInput!) { issueCertificate(input: $input) { identifier credential } }`;

describe('HTTP error answers', () => {
  let t: TestApp;
  let owner: pg.Client;
  let certificate: { identifier: string; credential: string };
  let auditor: string;

  beforeAll(async () => {
    t = await createTestApp({ LEDGER_WRITE_TIMEOUT_MS: '1000' });
    owner = new pg.Client({ connectionString: t.databaseUrl });
    await owner.connect();
    auditor = await t.token({ role: 'auditor', sub: 'A-HTTP' });
    const publicSecurity = await t.token({ role: 'department', sub: 'ps-registry', department: 'PUBLIC_SECURITY' });
    const issued = await t.graphql<{ issueCertificate: { identifier: string; credential: string } }>(
      ISSUE,
      { input: { type: 'HOUSEHOLD_REGISTER_EXTRACT', holder: LI_WEI, idempotencyKey: 'http-errors-1' } },
      publicSecurity,
    );
    expect(issued.body.errors).toBeUndefined();
    certificate = issued.body.data!.issueCertificate;
  });
  afterAll(async () => {
    await owner?.query('GRANT INSERT ON onegate.ledger_entry TO onegate_app').catch(() => undefined);
    await owner?.end();
    await t?.close();
  });

  it('401 with WWW-Authenticate, 403, 400 and 404, each with code and reason', async () => {
    const anonymous = await t.http().get('/audit/export');
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers['www-authenticate']).toBe('Bearer');
    expect(anonymous.body).toEqual({
      statusCode: 401,
      error: 'UNAUTHENTICATED',
      code: 'UNAUTHENTICATED',
      reason: 'TOKEN_MISSING',
      message: 'authentication required: send a bearer token',
    });

    const malformed = await t.http().get('/audit/export').set('authorization', 'Bearer not-a-token');
    expect(malformed.status).toBe(401);
    expect(malformed.body).toMatchObject({ code: 'UNAUTHENTICATED', reason: 'TOKEN_MALFORMED' });

    const clerk = await t.token({ role: 'clerk', sub: 'C-HTTP', hall: 'LONGYOU-01' });
    const forbidden = await t.http().get('/audit/export').set('authorization', `Bearer ${clerk}`);
    expect(forbidden.status).toBe(403);
    expect(forbidden.headers['www-authenticate']).toBeUndefined();
    expect(forbidden.body).toMatchObject({ statusCode: 403, code: 'FORBIDDEN', reason: 'ROLE_NOT_ALLOWED' });

    const invalid = await t.http().get('/audit/export?colour=red').set('authorization', `Bearer ${auditor}`);
    expect(invalid.status).toBe(400);
    expect(invalid.body).toMatchObject({ statusCode: 400, error: 'BAD_USER_INPUT', code: 'BAD_USER_INPUT', reason: 'INPUT_INVALID' });
    expect(invalid.body.message).toMatch(/^invalid input: .*colour/);

    const missing = await t.http().get('/status-lists/PUBLIC_SECURITY/999999');
    expect(missing.status).toBe(404);
    expect(missing.body).toEqual({ statusCode: 404, error: 'NOT_FOUND', code: 'NOT_FOUND', reason: 'STATUS_LIST_NOT_FOUND', message: 'no such status list' });
  });

  it('503 LEDGER_UNAVAILABLE as JSON on every route that records, the verification page too', async () => {
    await owner.query('REVOKE INSERT ON onegate.ledger_entry FROM onegate_app');
    try {
      const answers = [
        await t.http().get(`/verify?id=${encodeURIComponent(certificate.identifier)}`),
        await t.http().post('/certificates/verify').send({ credential: certificate.credential }),
        await t.http().get('/audit/export').set('authorization', `Bearer ${auditor}`),
      ];
      for (const answer of answers) {
        expect(answer.status).toBe(503);
        expect(answer.headers['content-type']).toMatch(/^application\/json/);
        expect(answer.body).toEqual({
          statusCode: 503,
          error: 'SERVICE_UNAVAILABLE',
          code: 'SERVICE_UNAVAILABLE',
          reason: 'LEDGER_UNAVAILABLE',
          message: 'the audit ledger cannot be written; no data was released',
        });
        expect(answer.text).not.toContain(LI_WEI);
      }
    } finally {
      await owner.query('GRANT INSERT ON onegate.ledger_entry TO onegate_app');
    }
    expect((await t.http().get(`/verify?id=${encodeURIComponent(certificate.identifier)}`)).status).toBe(200);
  });
});
