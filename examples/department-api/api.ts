import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import pg from 'pg';
import { constantTimeEqual, verifySignature } from '../../src/exchange/hmac-signature.js';

/**
 * A reference department API: the Human Resources and Social Security Bureau publishing its social
 * insurance accounts over HTTP, in its own naming, for onegate's HTTP connector to consume. Plain
 * node:http; see README.md in this folder.
 */

/** One account as the bureau publishes it (its own snake_case naming, not onegate's). */
export interface PublishedAccount {
  id_number: string;
  account_no: string;
  status: string;
  contribution_months: number;
  employer: string | null;
  opened_on: string;
}

export interface AccountStore {
  findByIdNumbers(idNumbers: readonly string[]): Promise<PublishedAccount[]>;
  close(): Promise<void>;
}

/** The bureau's own store: schema dept_human_resources, read through its read-only role. */
export function postgresAccountStore(databaseUrl: string): AccountStore & { ping(): Promise<void> } {
  const pool = new pg.Pool({
    connectionString: databaseUrl,
    max: 4,
    idleTimeoutMillis: 10_000,
    application_name: 'department-api',
    statement_timeout: 5_000,
  });
  // An idle connection dropped by the server must not take the process down; the next query reconnects.
  pool.on('error', () => undefined);
  return {
    async ping() {
      await pool.query('SELECT 1');
    },
    async findByIdNumbers(idNumbers) {
      // Named, so each pooled connection parses and plans it once.
      const { rows } = await pool.query<PublishedAccount>({
        name: 'insurance_accounts_by_id',
        text: `SELECT id_number, account_number AS account_no, status, contribution_months, employer,
                to_char(opened_on, 'YYYY-MM-DD') AS opened_on
           FROM dept_human_resources.insurance_account
          WHERE id_number = ANY($1::text[])
          ORDER BY id_number`,
        values: [idNumbers],
      });
      return rows;
    },
    async close() {
      await pool.end();
    },
  };
}

export interface ApiAuth {
  /** Accepted as `authorization: Bearer <token>`. */
  token?: string;
  /** Accepted as the x-onegate-* HMAC signature (src/exchange/hmac-signature.ts). */
  hmac?: { keyId: string; secret: string };
}

export const FAULT_MODES = ['none', 'hang', 'error', 'garbage', 'invalid'] as const;
export type FaultMode = (typeof FAULT_MODES)[number];

export interface ApiStats {
  /** Requests that reached the data API (/v1/...), whatever their outcome. */
  requests: number;
  /** Requests held open by the hang fault right now. */
  hanging: number;
  /** Held requests whose client gave up and closed the socket. */
  abandoned: number;
  mode: FaultMode;
  delayMs: number;
}

export interface DepartmentApiOptions {
  store: AccountStore;
  auth: ApiAuth;
  /** Enables /_control/fault and /_control/stats (tests only). */
  faults?: boolean;
}

export interface DepartmentApi {
  server: Server;
  stats(): ApiStats;
  /** Stops accepting, ends held requests, lets in-flight ones finish (up to graceMs). */
  shutdown(graceMs?: number): Promise<void>;
}

export const MAX_BATCH = 100;
const MAX_BODY_BYTES = 16 * 1024;
const MAX_DELAY_MS = 600_000;
const ID_NUMBER = /^[0-9]{17}[0-9X]$/;

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export function createDepartmentApi(options: DepartmentApiOptions): DepartmentApi {
  const { store, auth, faults = false } = options;
  if (!auth.token && !auth.hmac) throw new Error('the department API needs API_TOKEN or HMAC_SECRET: it refuses to serve unauthenticated');
  const fault = { mode: 'none' as FaultMode, delayMs: 0 };
  const counters = { requests: 0, abandoned: 0 };
  const held = new Set<ServerResponse>();
  const inFlight = new Set<ServerResponse>();

  const server = createServer((req, res) => {
    inFlight.add(res);
    res.once('close', () => inFlight.delete(res));
    handle(req, res).catch((error: unknown) => {
      if (error instanceof HttpError) return send(res, error.status, { error: error.message });
      // Never the request (it names citizens) nor the database URL: only what failed.
      const code = (error as { code?: unknown }).code;
      process.stderr.write(`${JSON.stringify({ msg: 'request failed', error: typeof code === 'string' ? code : (error as Error).name })}\n`);
      send(res, 503, { error: 'the records are unavailable right now' });
    });
  });
  server.on('clientError', (_error, socket) => {
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nconnection: close\r\n\r\n');
    else socket.destroy();
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const target = req.url ?? '/';
    const url = new URL(target, 'http://department.invalid');
    const isData = url.pathname.startsWith('/v1/');
    if (isData) counters.requests++;

    if (url.pathname === '/healthz') {
      if (req.method !== 'GET') throw new HttpError(405, 'method not allowed');
      return send(res, 200, { status: 'ok' });
    }
    const body = await readBody(req);
    if (!authenticated(req, target, body)) {
      res.setHeader('www-authenticate', 'Bearer');
      throw new HttpError(401, 'unauthenticated');
    }

    if (faults && url.pathname.startsWith('/_control/')) return control(req, res, url, body);
    if (url.pathname !== '/v1/social-insurance/accounts') throw new HttpError(404, 'not found');
    if (req.method !== 'GET') throw new HttpError(405, 'method not allowed');

    const idNumbers = parseIdNumbers(url);
    if (faults && fault.delayMs > 0) {
      await new Promise((resolve) => setTimeout(resolve, fault.delayMs));
      if (res.destroyed) return;
    }
    if (faults && fault.mode !== 'none') return injectFault(res, idNumbers);
    const accounts = await store.findByIdNumbers(idNumbers);
    send(res, 200, { accounts });
  }

  function authenticated(req: IncomingMessage, target: string, body: Buffer): boolean {
    const authorization = req.headers.authorization;
    if (auth.token && typeof authorization === 'string' && authorization.startsWith('Bearer ')) {
      if (constantTimeEqual(authorization.slice('Bearer '.length), auth.token)) return true;
    }
    if (auth.hmac) {
      const { keyId, secret } = auth.hmac;
      const verdict = verifySignature({
        headers: req.headers,
        method: req.method ?? 'GET',
        pathWithQuery: target,
        body,
        secretFor: (id) => (constantTimeEqual(id, keyId) ? secret : undefined),
      });
      if (verdict.ok) return true;
    }
    return false;
  }

  function control(req: IncomingMessage, res: ServerResponse, url: URL, body: Buffer): void {
    if (url.pathname === '/_control/stats' && req.method === 'GET') return send(res, 200, stats());
    if (url.pathname === '/_control/fault' && req.method === 'POST') {
      let parsed: unknown;
      try {
        parsed = JSON.parse(body.toString('utf8'));
      } catch {
        throw new HttpError(400, 'the body must be JSON');
      }
      const { mode, delayMs = 0 } = (parsed ?? {}) as { mode?: unknown; delayMs?: unknown };
      if (!FAULT_MODES.includes(mode as FaultMode)) throw new HttpError(400, `mode must be one of ${FAULT_MODES.join(', ')}`);
      if (typeof delayMs !== 'number' || !Number.isInteger(delayMs) || delayMs < 0 || delayMs > MAX_DELAY_MS) {
        throw new HttpError(400, `delayMs must be an integer from 0 to ${MAX_DELAY_MS}`);
      }
      fault.mode = mode as FaultMode;
      fault.delayMs = delayMs;
      return send(res, 200, { mode: fault.mode, delayMs: fault.delayMs });
    }
    throw new HttpError(404, 'not found');
  }

  async function injectFault(res: ServerResponse, idNumbers: string[]): Promise<void> {
    switch (fault.mode) {
      case 'hang':
        // Never answer; keep the socket open and notice when the client gives up.
        held.add(res);
        res.once('close', () => {
          held.delete(res);
          if (!res.writableFinished) counters.abandoned++;
        });
        return;
      case 'error':
        return send(res, 500, { error: 'injected fault' });
      case 'garbage':
        res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store' });
        res.end('<html><body>Service Temporarily Unavailable</body></html>');
        return;
      case 'invalid': {
        // Well-formed JSON in the right shape, but the values break the item's schema.
        const real = new Map((await store.findByIdNumbers(idNumbers)).map((a) => [a.id_number, a]));
        const accounts = idNumbers.map((id) => ({
          id_number: id,
          account_no: real.get(id)?.account_no ?? 'SI-UNKNOWN',
          status: 'ON_HOLIDAY',
          contribution_months: 'many',
          employer: 42,
        }));
        return send(res, 200, { accounts });
      }
      case 'none':
        return;
    }
  }

  function stats(): ApiStats {
    return { requests: counters.requests, hanging: held.size, abandoned: counters.abandoned, mode: fault.mode, delayMs: fault.delayMs };
  }

  async function shutdown(graceMs = 5_000): Promise<void> {
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    for (const res of held) res.destroy();
    server.closeIdleConnections();
    const deadline = Date.now() + graceMs;
    while (inFlight.size > 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
    server.closeAllConnections();
    await closed;
  }

  return { server, stats, shutdown };
}

function parseIdNumbers(url: URL): string[] {
  const values = url.searchParams.getAll('idNumbers');
  if (values.length !== 1 || values[0] === '') throw new HttpError(400, 'idNumbers is required: comma-separated ID numbers');
  const listed = values[0].split(',');
  if (listed.length > MAX_BATCH) throw new HttpError(400, `at most ${MAX_BATCH} idNumbers per request`);
  const idNumbers = [...new Set(listed)];
  // The message never repeats the value: it is a citizen's ID number.
  if (!idNumbers.every((id) => ID_NUMBER.test(id))) throw new HttpError(400, 'idNumbers must be 18-character ID numbers');
  return idNumbers;
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) throw new HttpError(413, 'request body too large');
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

function send(res: ServerResponse, status: number, body: unknown): void {
  if (res.headersSent || res.destroyed) return;
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), 'cache-control': 'no-store' });
  res.end(text);
}
