import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { randomBytes } from 'node:crypto';
import { connect, createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { join } from 'node:path';
import pg from 'pg';
import request from 'supertest';
import { createApp } from '../src/app.factory.js';
import { loadConfig } from '../src/config/app-config.js';
import { connectionsFor } from '../src/database/database-setup.js';
import { DevIssuer } from '../src/identity/dev-issuer.js';
import { createLogger } from '../src/logging/logger.js';
import { adminQuery, harnessState, withDatabase } from './harness/database.js';
import { createTestApp, type TestApp } from './harness/test-app.js';

/*
 * RELIABILITY-AND-SECURITY §I 46: an unauthenticated endpoint that writes (public certificate
 * verification: each answer is a ledger entry) is rate-limited per client; a flood gets 429s and
 * cannot grow the ledger beyond the limit.
 */

const LI_WEI = '330825198803142023';
const ISSUE = `mutation($input: IssueCertificateInput!) { issueCertificate(input: $input) { identifier credential } }`;
const VERIFY = `query($credential: String!) { verifyCertificate(credential: $credential) { valid } }`;
const LIMIT = 10;
const FLOOD_MS = 5000;
const FLOOD_CLIENTS = 8;

describe('§I 46: public verification is rate-limited per client', () => {
  let t: TestApp;
  let owner: pg.Client;
  let certificate: { identifier: string; credential: string };
  let base: string;

  const verifyEntries = async () =>
    (await owner.query<{ n: number }>(`SELECT count(*)::int AS n FROM onegate.ledger_entry WHERE kind = 'CERTIFICATE_VERIFY'`)).rows[0]!.n;

  beforeAll(async () => {
    t = await createTestApp({ PUBLIC_RATE_LIMIT_MAX: String(LIMIT), PUBLIC_RATE_LIMIT_WINDOW_SECONDS: '60' });
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    base = `http://127.0.0.1:${(t.app.getHttpServer().address() as AddressInfo).port}`;
    owner = new pg.Client({ connectionString: t.databaseUrl });
    await owner.connect();
    // A household register extract: Public Security's own records alone, issued without a purpose.
    const publicSecurity = await t.token({ role: 'department', sub: 'ps-registry', department: 'PUBLIC_SECURITY' });
    const issued = await t.graphql<{ issueCertificate: { identifier: string; credential: string } }>(
      ISSUE,
      { input: { type: 'HOUSEHOLD_REGISTER_EXTRACT', holder: LI_WEI, idempotencyKey: 'rate-limit-1' } },
      publicSecurity,
    );
    expect(issued.body.errors).toBeUndefined();
    certificate = issued.body.data!.issueCertificate;
  });
  afterAll(async () => {
    await owner?.end();
    await t?.close();
  });

  it(`a ${FLOOD_MS / 1000}-second flood of /verify?id= gets 429s after ${LIMIT} answers, and adds at most ${LIMIT} ledger entries`, async () => {
    const before = await verifyEntries();
    const statuses = new Map<number, number>();
    let first429: { body: string; contentType: string | null; retryAfter: string | null } | undefined;
    const url = `${base}/verify?id=${encodeURIComponent(certificate.identifier)}`;
    const end = Date.now() + FLOOD_MS;
    await Promise.all(
      Array.from({ length: FLOOD_CLIENTS }, async () => {
        while (Date.now() < end) {
          const res = await fetch(url);
          const text = await res.text();
          statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
          if (res.status === 429 && !first429)
            first429 = { body: text, contentType: res.headers.get('content-type'), retryAfter: res.headers.get('retry-after') };
        }
      }),
    );
    const added = (await verifyEntries()) - before;
    const total = [...statuses.values()].reduce((a, b) => a + b, 0);
    console.log(
      `§I 46 flood: ${total} requests in ${FLOOD_MS / 1000} s from one client: ${statuses.get(200) ?? 0} answered, ${statuses.get(429) ?? 0} refused with 429; ledger entries added: ${added}`,
    );

    expect(statuses.get(200)).toBe(LIMIT);
    expect(statuses.get(429)).toBe(total - LIMIT);
    expect(statuses.get(429)).toBeGreaterThan(100);
    expect(added).toBe(LIMIT);
    // The page people open from a QR code says so in their words, not in JSON.
    expect(first429!.contentType).toMatch(/^text\/html/);
    expect(first429!.body).toMatch(/核验请求过于频繁，请 \d+ 秒后刷新本页[\s\S]*Too many verifications from this address/);
    expect(first429!.body).not.toContain(certificate.identifier);
    expect(Number(first429!.retryAfter)).toBeGreaterThan(0);
  });

  it('the same budget covers POST /certificates/verify and verifyCertificate without a token; a caller with a token is not held back', async () => {
    const before = await verifyEntries();
    const post = await fetch(`${base}/certificates/verify`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ credential: certificate.credential }),
    });
    expect(post.status).toBe(429);
    expect(await post.json()).toMatchObject({ code: 'TOO_MANY_REQUESTS', reason: 'RATE_LIMITED' });

    const graphql = await fetch(`${base}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: VERIFY, variables: { credential: certificate.credential } }),
    });
    // GraphQL: 200 with the error's code, as the lookup rate limit answers.
    expect(graphql.status).toBe(200);
    const body = (await graphql.json()) as { data: unknown; errors: Array<{ message: string; extensions: Record<string, unknown> }> };
    expect(body.data).toBeNull();
    expect(body.errors).toEqual([
      {
        message: expect.stringMatching(/请求过于频繁[\s\S]*Too many requests/),
        path: ['verifyCertificate'],
        locations: expect.anything(),
        extensions: { code: 'TOO_MANY_REQUESTS', reason: 'RATE_LIMITED', retryAfterSeconds: expect.any(Number) },
      },
    ]);
    // A bad token is no way round it: it counts as no token.
    const forged = await fetch(`${base}/certificates/verify`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: 'Bearer not.a.token' },
      body: JSON.stringify({ credential: certificate.credential }),
    });
    expect(forged.status).toBe(429);
    expect(await verifyEntries()).toBe(before);

    const clerk = await t.token({ role: 'clerk', sub: 'C-RATE', hall: 'LONGYOU-01' });
    const signedIn = await t.graphql<{ verifyCertificate: { valid: boolean } }>(VERIFY, { credential: certificate.credential }, clerk);
    expect(signedIn.body.errors).toBeUndefined();
    expect(signedIn.body.data!.verifyCertificate.valid).toBe(true);
    expect(await verifyEntries()).toBe(before + 1);
  });
});

/*
 * RELIABILITY-AND-SECURITY §I 50: request headers and bodies have time limits; a client that
 * trickles bytes is cut off within the configured timeout (set small here).
 */
describe('§I 50: a client that trickles bytes is cut off', () => {
  const HEADERS_MS = 1000;
  const REQUEST_MS = 2000;
  const CONNECTION_MS = 3000;
  /** Node checks the first two every HEADERS_MS / 4; a loaded two-core machine's share on top. */
  const SLACK_MS = HEADERS_MS / 4 + 1000;
  let t: TestApp;
  let port: number;

  beforeAll(async () => {
    t = await createTestApp({
      HTTP_HEADERS_TIMEOUT_MS: String(HEADERS_MS),
      HTTP_REQUEST_TIMEOUT_MS: String(REQUEST_MS),
      HTTP_CONNECTION_TIMEOUT_MS: String(CONNECTION_MS),
    });
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    port = (t.app.getHttpServer().address() as AddressInfo).port;
  });
  afterAll(() => t?.close());

  /** Opens a socket, sends `head`, then one byte of `drip` every 200 ms; resolves when the server closes it. */
  const trickle = (head: string, drip = 'x'.repeat(10_000)) =>
    new Promise<{ ms: number; answer: string; bytesDripped: number }>((resolve, reject) => {
      const started = performance.now();
      const socket = connect(port, '127.0.0.1');
      let answer = '';
      let dripped = 0;
      let timer: NodeJS.Timeout | undefined;
      socket.setEncoding('utf8');
      socket.on('data', (chunk: string) => (answer += chunk));
      socket.on('error', () => undefined);
      socket.on('close', () => {
        clearInterval(timer);
        resolve({ ms: performance.now() - started, answer, bytesDripped: dripped });
      });
      socket.on('connect', () => {
        socket.write(head);
        timer = setInterval(() => {
          if (dripped >= drip.length || socket.destroyed) return;
          socket.write(drip[dripped++]!);
        }, 200);
      });
      setTimeout(() => {
        socket.destroy();
        reject(new Error('the server never closed the trickling connection'));
      }, 30_000).unref();
    });

  it(`headers trickled a byte at a time: cut off (408) after HTTP_HEADERS_TIMEOUT_MS (${HEADERS_MS} ms)`, async () => {
    const cut = await trickle('GET /health HTTP/1.1\r\nHost: onegate\r\nX-Slow: ');
    console.log(`§I 50 headers trickle: closed after ${Math.round(cut.ms)} ms (${cut.bytesDripped} bytes dripped): ${cut.answer.split('\r\n')[0]}`);
    expect(cut.ms).toBeGreaterThanOrEqual(HEADERS_MS - 50);
    expect(cut.ms).toBeLessThan(HEADERS_MS + SLACK_MS);
    expect(cut.answer).toMatch(/^HTTP\/1\.1 408 /);
  });

  it(`a body trickled a byte at a time: cut off (408) after HTTP_REQUEST_TIMEOUT_MS (${REQUEST_MS} ms)`, async () => {
    const cut = await trickle('POST /graphql HTTP/1.1\r\nHost: onegate\r\nContent-Type: application/json\r\nContent-Length: 10000\r\n\r\n');
    console.log(`§I 50 body trickle: closed after ${Math.round(cut.ms)} ms (${cut.bytesDripped} bytes dripped): ${cut.answer.split('\r\n')[0]}`);
    expect(cut.ms).toBeGreaterThanOrEqual(REQUEST_MS - 50);
    expect(cut.ms).toBeLessThan(REQUEST_MS + SLACK_MS);
    expect(cut.answer).toMatch(/^HTTP\/1\.1 408 /);
  });

  it(`an idle kept-alive connection is closed after HTTP_CONNECTION_TIMEOUT_MS (${CONNECTION_MS} ms)`, async () => {
    const cut = await trickle('GET /health HTTP/1.1\r\nHost: onegate\r\n\r\n', '');
    expect(cut.answer).toMatch(/^HTTP\/1\.1 200 /);
    expect(cut.ms).toBeGreaterThanOrEqual(CONNECTION_MS - 50);
    expect(cut.ms).toBeLessThan(CONNECTION_MS + 1500);
  });
});

/*
 * RELIABILITY-AND-SECURITY §I 53: a burst of identical infrastructure errors (the database down)
 * is logged once per interval with a count, not a stack per request. The gateway reaches its
 * database through a TCP relay here, which the test closes: every connection is then refused.
 */
describe('§I 53: the database down under a burst of requests', () => {
  const INTERVAL_MS = 1500;
  let app: NestFastifyApplication | undefined;
  let relay: Server | undefined;
  const sockets = new Set<Socket>();
  let database: string;
  const harness = harnessState();

  afterAll(async () => {
    await app?.close();
    for (const socket of sockets) socket.destroy();
    relay?.close();
    if (database) await adminQuery(harness.adminUrl, `DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
  });

  it('50 identical DATABASE_UNAVAILABLE failures of each kind: one error line each, then one line counting the other 49', async () => {
    const target = new URL(harness.adminUrl);
    relay = createServer((client) => {
      const upstream = connect(Number(target.port || 5432), target.hostname);
      for (const s of [client, upstream]) {
        sockets.add(s);
        s.on('close', () => sockets.delete(s));
        s.on('error', () => undefined);
      }
      client.pipe(upstream).pipe(client);
    });
    await new Promise<void>((resolve) => relay!.listen(0, '127.0.0.1', resolve));
    database = `onegate_test_logs_${process.pid}_${randomBytes(3).toString('hex')}`;
    await adminQuery(harness.adminUrl, `CREATE DATABASE ${database} TEMPLATE ${harness.template}`);
    const viaRelay = new URL(withDatabase(harness.adminUrl, database));
    viaRelay.hostname = '127.0.0.1';
    viaRelay.port = String((relay.address() as AddressInfo).port);

    const lines: Array<Record<string, unknown>> = [];
    const logger = createLogger('info', 'test', { write: (line: string) => void lines.push(JSON.parse(line) as Record<string, unknown>) });
    const config = loadConfig({
      NODE_ENV: 'test',
      DATABASE_URL: viaRelay.toString(),
      DB_ROLE_PASSWORD: harness.rolePassword,
      DATA_DIR: harness.dataDir,
      CERTS_DIR: join(harness.dataDir, 'certs'),
      LOG_LEVEL: 'info',
      LOG_REPEAT_INTERVAL_MS: String(INTERVAL_MS),
      LEDGER_CHECKPOINT_INTERVAL_SECONDS: '0',
    });
    app = await createApp({ config, connections: connectionsFor(viaRelay.toString(), harness.rolePassword), logger });
    const devIssuer = new DevIssuer(loadConfig({ NODE_ENV: 'test', DATA_DIR: harness.dataDir }));
    const clerk = await devIssuer.issueToken({ role: 'clerk', sub: 'C-LOGS', hall: 'LONGYOU-01', ttlSeconds: 600 });
    const ask = () =>
      request(app!.getHttpServer())
        .post('/graphql')
        .set('content-type', 'application/json')
        .set('authorization', `Bearer ${clerk}`)
        .send({ query: '{ departments { code } }' });
    expect((await ask()).body.errors).toBeUndefined();

    // The database goes away: open connections are cut, new ones refused. (close() answers once every
    // connection has ended: they are cut first, or it would wait for the pools' busy ones — the job
    // queue polls — to go idle.)
    const closed = new Promise<void>((resolve) => relay!.close(() => resolve()));
    for (const socket of sockets) socket.destroy();
    await closed;
    const burstStarted = Date.now();
    const answers = [];
    for (let i = 0; i < 50; i++) answers.push(await ask());
    // And 50 that must write the ledger (a verification, recorded before it is answered), over HTTP.
    const verifications = [];
    for (let i = 0; i < 50; i++) {
      verifications.push(
        await request(app!.getHttpServer()).post('/certificates/verify').set('authorization', `Bearer ${clerk}`).send({ credential: 'not-a-credential' }),
      );
    }
    expect(Date.now() - burstStarted).toBeLessThan(INTERVAL_MS);
    expect(answers.map((a) => a.body.errors?.[0]?.extensions?.reason)).toEqual(Array(50).fill('DATABASE_UNAVAILABLE'));
    // LEDGER_UNAVAILABLE (503): an answer, not a server failure; what broke is the ledger writer's line.
    expect(verifications.map((v) => v.status)).toEqual(Array(50).fill(503));

    const errorLines = () =>
      lines.filter((l) => (l.level as number) >= 50).map((l): Record<string, unknown> => ({ ...l, err: l.err ? 'err' : undefined, trace: undefined }));
    const kinds = ['GraphQL operation failed', 'ledger batch could not be written'];
    // One line of each kind during the burst, whatever the number of failures.
    expect(
      errorLines()
        .map((l) => l.msg)
        .sort(),
    ).toEqual([...kinds].sort());
    await new Promise((resolve) => setTimeout(resolve, INTERVAL_MS + 300));
    const all = errorLines();
    console.log(
      `§I 53: 50 GraphQL requests and 50 verifications while the database was down → ${all.length} error lines:\n${all.map((l) => `  ${l.msg}`).join('\n')}`,
    );
    expect(all).toHaveLength(4);
    for (const kind of kinds) {
      const [first, summary, ...more] = all.filter((l) => String(l.msg).startsWith(kind));
      expect(first).toMatchObject({ msg: kind, err: 'err', errorKind: 'DATABASE_UNAVAILABLE' });
      expect(summary).toMatchObject({
        repeated: 49,
        errorKind: 'DATABASE_UNAVAILABLE',
        msg: `${kind}: 49 more times in ${INTERVAL_MS / 1000} s (logged once per interval)`,
      });
      expect(more).toEqual([]);
    }
  }, 60_000);
});
