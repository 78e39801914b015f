import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ConnectorError } from './connector.js';
import type { HttpConnectorConfig, HttpItemConfig } from './connector-config.js';
import { verifySignature } from './hmac-signature.js';
import { HttpConnector, MAX_PARALLEL_REQUESTS, MAX_RESPONSE_BYTES } from './http-connector.js';

const LI_WEI = '330825198803142023';
const ZHANG_MING = '330825198611021315';
const SECRET = 'hmac-secret-for-tests';
const TOKEN = 'bearer-token-for-tests';

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

let server: Server;
let baseUrl: string;
let handler: Handler;
const seen: IncomingMessage[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    seen.push(req);
    handler(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterEach(() => {
  seen.length = 0;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

function json(res: ServerResponse, status: number, body: unknown) {
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
}

function idsOf(req: IncomingMessage): string[] {
  return new URL(req.url!, 'http://x').searchParams.get('ids')?.split(',') ?? [];
}

function account(idNumber: string, extra: Record<string, unknown> = {}) {
  return {
    person: { id: idNumber },
    account_no: `SI-${idNumber.slice(0, 6)}`,
    state: 'CONTRIBUTING',
    months: 142,
    employer: { name: 'Hangzhou Lianhe Trading Co.' },
    ...extra,
  };
}

const BATCH_ITEM: HttpItemConfig = {
  path: '/v1/accounts?ids={subjects}',
  batch: true,
  records: 'data.accounts',
  subjectField: 'person.id',
  fields: { accountNumber: 'account_no', status: 'state', contributionMonths: 'months', employer: 'employer.name' },
};

function connector(overrides: Partial<HttpConnectorConfig> = {}, items: Record<string, HttpItemConfig> = { 'social_insurance.account': BATCH_ITEM }) {
  return new HttpConnector(
    'HUMAN_RESOURCES',
    { kind: 'http', baseUrl, auth: { kind: 'hmac', keyId: 'onegate', secretEnv: 'HR_SECRET' }, items, ...overrides },
    { HR_SECRET: SECRET, HR_TOKEN: TOKEN },
  );
}

async function failure(promise: Promise<unknown>): Promise<ConnectorError> {
  const error = await promise.then(
    () => {
      throw new Error('expected a failure');
    },
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ConnectorError);
  const connectorError = error as ConnectorError;
  expect(connectorError.department).toBe('HUMAN_RESOURCES');
  expect(connectorError.message).toContain('HUMAN_RESOURCES');
  expect(connectorError.message).not.toContain(LI_WEI);
  return connectorError;
}

const signal = () => new AbortController().signal;

describe('HttpConnector', () => {
  it('asks for a batch in one signed request and maps the records onto the item fields', async () => {
    handler = (req, res) => json(res, 200, { data: { accounts: idsOf(req).map((id) => account(id)) } });
    const result = await connector().fetch('social_insurance.account', [LI_WEI, ZHANG_MING, LI_WEI], signal());
    expect(seen).toHaveLength(1);
    expect(seen[0].url).toBe(`/v1/accounts?ids=${LI_WEI},${ZHANG_MING}`);
    expect(seen[0].headers.accept).toBe('application/json');
    const verdict = verifySignature({
      headers: seen[0].headers,
      method: 'GET',
      pathWithQuery: seen[0].url!,
      secretFor: (k) => (k === 'onegate' ? SECRET : undefined),
    });
    expect(verdict).toEqual({ ok: true, keyId: 'onegate' });
    expect(result).toEqual(
      new Map([
        [LI_WEI, [{ accountNumber: 'SI-330825', status: 'CONTRIBUTING', contributionMonths: 142, employer: 'Hangzhou Lianhe Trading Co.' }]],
        [ZHANG_MING, [{ accountNumber: 'SI-330825', status: 'CONTRIBUTING', contributionMonths: 142, employer: 'Hangzhou Lianhe Trading Co.' }]],
      ]),
    );
  });

  it('omits a field whose source path is missing, keeps null, drops unmapped source fields, and gives an empty array for a subject without records', async () => {
    handler = (_req, res) => json(res, 200, { data: { accounts: [account(LI_WEI, { employer: null, months: undefined, opened_on: '2010-01-01' })] } });
    const result = await connector().fetch('social_insurance.account', [LI_WEI, ZHANG_MING], signal());
    expect(result.get(LI_WEI)).toEqual([{ accountNumber: 'SI-330825', status: 'CONTRIBUTING' }]);
    // employer.name of a null employer is missing; a direct null stays null:
    const direct = connector({}, { 'social_insurance.account': { ...BATCH_ITEM, fields: { employer: 'employer' } } });
    expect((await direct.fetch('social_insurance.account', [LI_WEI], signal())).get(LI_WEI)).toEqual([{ employer: null }]);
    expect(result.get(ZHANG_MING)).toEqual([]);
  });

  it('URL-encodes subjects and joins them with commas, under a base path', async () => {
    handler = (_req, res) => json(res, 200, { data: { accounts: [] } });
    await connector({ baseUrl: `${baseUrl}/hr-api` }).fetch('social_insurance.account', ['a b', 'c,d', 'é/?'], signal());
    expect(seen[0].url).toBe('/hr-api/v1/accounts?ids=a%20b,c%2Cd,%C3%A9%2F%3F');
  });

  it('sends no request for no subjects', async () => {
    handler = () => {
      throw new Error('not expected');
    };
    expect(await connector().fetch('social_insurance.account', [], signal())).toEqual(new Map());
    expect(seen).toHaveLength(0);
  });

  it('splits a batch larger than maxBatch', async () => {
    handler = (req, res) => json(res, 200, { data: { accounts: idsOf(req).map((id) => account(id)) } });
    const subjects = Array.from({ length: 25 }, (_, i) => `S${i}`);
    const c = connector({}, { 'social_insurance.account': { ...BATCH_ITEM, maxBatch: 10 } });
    const result = await c.fetch('social_insurance.account', subjects, signal());
    expect(seen.map((r) => idsOf(r).length).sort()).toEqual([10, 10, 5]);
    expect([...result.values()].every((records) => records.length === 1)).toBe(true);
  });

  it('asks one subject per request for a non-batch item, at most 8 at once, with a bearer token', async () => {
    let inFlight = 0;
    let most = 0;
    handler = (req, res) => {
      inFlight++;
      most = Math.max(most, inFlight);
      setTimeout(() => {
        inFlight--;
        const id = decodeURIComponent(req.url!.split('/').pop()!);
        json(res, 200, { data: { accounts: [account(id)] } });
      }, 30);
    };
    const c = connector(
      { auth: { kind: 'bearer', tokenEnv: 'HR_TOKEN' } },
      { 'social_insurance.account': { ...BATCH_ITEM, path: '/v1/accounts/{subject}', batch: false } },
    );
    const subjects = Array.from({ length: 20 }, (_, i) => `P${i}`);
    const result = await c.fetch('social_insurance.account', subjects, signal());
    expect(seen).toHaveLength(20);
    expect(most).toBe(MAX_PARALLEL_REQUESTS);
    expect(seen.every((r) => r.headers.authorization === `Bearer ${TOKEN}` && r.headers['x-onegate-signature'] === undefined)).toBe(true);
    expect(result.get('P7')).toEqual([expect.objectContaining({ accountNumber: 'SI-P7' })]);
  });

  it('starts no request after one has failed, and rejects with that failure', async () => {
    handler = (req, res) => {
      const id = decodeURIComponent(req.url!.split('/').pop()!);
      if (id === 'P0') json(res, 503, {});
      else setTimeout(() => json(res, 200, { data: { accounts: [account(id)] } }), 50);
    };
    const c = connector({}, { 'social_insurance.account': { ...BATCH_ITEM, path: '/v1/accounts/{subject}', batch: false } });
    const subjects = Array.from({ length: 20 }, (_, i) => `P${i}`);
    const error = await failure(c.fetch('social_insurance.account', subjects, signal()));
    expect(error.message).toContain('answered with HTTP 503');
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect(seen).toHaveLength(MAX_PARALLEL_REQUESTS);
  });

  it('sends no credentials with auth none', async () => {
    handler = (_req, res) => json(res, 200, { data: { accounts: [] } });
    await connector({ auth: { kind: 'none' } }).fetch('social_insurance.account', [LI_WEI], signal());
    expect(seen[0].headers.authorization).toBeUndefined();
    expect(seen[0].headers['x-onegate-signature']).toBeUndefined();
  });

  it('refuses to be built without its secret in the environment', () => {
    const config: HttpConnectorConfig = {
      kind: 'http',
      baseUrl,
      auth: { kind: 'hmac', keyId: 'onegate', secretEnv: 'HR_SECRET' },
      items: { 'social_insurance.account': BATCH_ITEM },
    };
    expect(() => new HttpConnector('HUMAN_RESOURCES', config, {})).toThrow(
      'connector of HUMAN_RESOURCES: environment variable HR_SECRET (auth.secretEnv) is not set',
    );
    expect(() => new HttpConnector('HUMAN_RESOURCES', { ...config, auth: { kind: 'bearer', tokenEnv: 'HR_TOKEN' } }, { HR_TOKEN: '' })).toThrow('HR_TOKEN');
    expect(() => new HttpConnector('HUMAN_RESOURCES', { ...config, baseUrl: 'file:///etc' }, { HR_SECRET: 'x' })).toThrow('baseUrl: must use http or https');
  });

  describe('fails with a ConnectorError naming the department, never the subject', () => {
    it('for an item it is not configured for', async () => {
      const error = await failure(connector().fetch('person.identity', [LI_WEI], signal()));
      expect(error.message).toContain('person.identity is not configured');
      expect(seen).toHaveLength(0);
    });

    it.each([
      ['a non-2xx status', (res: ServerResponse) => json(res, 503, { error: `down for ${LI_WEI}` }), 'answered with HTTP 503'],
      ['a redirect', (res: ServerResponse) => res.writeHead(302, { location: 'http://127.0.0.1:1/' }).end(), 'answered with HTTP 302'],
      [
        'a body that is not JSON',
        (res: ServerResponse) => res.writeHead(200, { 'content-type': 'application/json' }).end(`<html>${LI_WEI}`),
        'body that is not JSON',
      ],
      ['no records array', (res: ServerResponse) => json(res, 200, { data: { account: [] } }), 'without a "data.accounts" array'],
      ['records that are not objects', (res: ServerResponse) => json(res, 200, { data: { accounts: [LI_WEI] } }), 'entry that is not an object'],
      [
        'a record without its subject',
        (res: ServerResponse) => json(res, 200, { data: { accounts: [{ account_no: 'x' }] } }),
        'without its subject field "person.id"',
      ],
      [
        'a record of a subject not asked for',
        (res: ServerResponse) => json(res, 200, { data: { accounts: [account('330825199001010000')] } }),
        'subject it was not asked about',
      ],
    ])('for %s', async (_label, answer, message) => {
      handler = (_req, res) => answer(res);
      const error = await failure(connector().fetch('social_insurance.account', [LI_WEI], signal()));
      expect(error.message).toContain(message);
    });

    it('for an answer declared larger than the limit, without reading it', async () => {
      handler = (_req, res) => res.writeHead(200, { 'content-type': 'application/json', 'content-length': String(MAX_RESPONSE_BYTES + 1) }).write('{');
      const error = await failure(connector().fetch('social_insurance.account', [LI_WEI], signal()));
      expect(error.message).toContain(`body over ${MAX_RESPONSE_BYTES} bytes`);
    });

    it('for an answer that grows past the limit without declaring its length', async () => {
      handler = (_req, res) => {
        res.writeHead(200, { 'content-type': 'application/json' });
        const piece = Buffer.alloc(1024 * 1024, 0x20);
        for (let i = 0; i <= MAX_RESPONSE_BYTES / piece.length; i++) res.write(piece);
        res.end();
      };
      const error = await failure(connector().fetch('social_insurance.account', [LI_WEI], signal()));
      expect(error.message).toContain(`body over ${MAX_RESPONSE_BYTES} bytes`);
    });

    it('for an answer broken off in the middle', async () => {
      handler = (req, res) => {
        res.writeHead(200, { 'content-type': 'application/json', 'content-length': '1000' }).write('{"data":');
        setTimeout(() => req.socket.destroy(), 20);
      };
      const error = await failure(connector().fetch('social_insurance.account', [LI_WEI], signal()));
      expect(error.message).toContain('broke off its answer');
    });

    it('for a department that cannot be reached', async () => {
      const probe = createServer();
      await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
      const port = (probe.address() as AddressInfo).port;
      await new Promise((resolve) => probe.close(resolve));
      const error = await failure(connector({ baseUrl: `http://127.0.0.1:${port}` }).fetch('social_insurance.account', [LI_WEI], signal()));
      expect(error.message).toContain('could not be reached (ECONNREFUSED)');
    });

    it('for one failing request among several, giving up on the others', async () => {
      const closed: string[] = [];
      handler = (req, res) => {
        if (req.url!.endsWith('/P0')) return json(res, 500, {});
        res.on('close', () => closed.push(req.url!));
      };
      const c = connector({}, { 'social_insurance.account': { ...BATCH_ITEM, path: '/v1/accounts/{subject}', batch: false } });
      const error = await failure(c.fetch('social_insurance.account', ['P0', 'P1', 'P2'], signal()));
      expect(error.message).toContain('HTTP 500');
      await waitFor(() => closed.length === 2);
    });
  });

  it('keeps its connection to the department open between calls', async () => {
    const sockets = new Set<unknown>();
    handler = (req, res) => {
      sockets.add(req.socket);
      json(res, 200, { data: { accounts: [] } });
    };
    const c = connector();
    for (let i = 0; i < 3; i++) await c.fetch('social_insurance.account', [LI_WEI], signal());
    expect(seen).toHaveLength(3);
    expect(sockets.size).toBe(1);
    await c.close();
  });

  it('honours the abort signal: rejects promptly with its reason and drops the socket', async () => {
    let socketClosed = false;
    handler = (_req, res) => res.on('close', () => (socketClosed = true));
    const controller = new AbortController();
    const started = Date.now();
    setTimeout(() => controller.abort(new Error('department timeout')), 100);
    await expect(connector().fetch('social_insurance.account', [LI_WEI], controller.signal)).rejects.toThrow('department timeout');
    expect(Date.now() - started).toBeLessThan(1000);
    await waitFor(() => socketClosed);
  });

  it('rejects at once for a signal that is already aborted', async () => {
    const controller = new AbortController();
    controller.abort();
    await expect(connector().fetch('social_insurance.account', [LI_WEI], controller.signal)).rejects.toMatchObject({ name: 'AbortError' });
    expect(seen).toHaveLength(0);
  });

  it('aborts its requests on close and refuses new ones', async () => {
    let socketClosed = false;
    handler = (_req, res) => res.on('close', () => (socketClosed = true));
    const c = connector();
    const pending = c.fetch('social_insurance.account', [LI_WEI], signal());
    await waitFor(() => seen.length === 1);
    await c.close();
    expect((await failure(pending)).message).toContain('closed');
    await waitFor(() => socketClosed);
    expect((await failure(c.fetch('social_insurance.account', [LI_WEI], signal()))).message).toContain('closed');
  });
});

async function waitFor(condition: () => boolean, timeoutMs = 2000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
