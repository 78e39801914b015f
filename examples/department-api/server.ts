import type { AddressInfo } from 'node:net';
import { type ApiAuth, createDepartmentApi, postgresAccountStore } from './api.js';

/**
 * Starts the reference department API (see README.md in this folder):
 *
 *   DEPARTMENT_DATABASE_URL="postgres://onegate_reader_human_resources:…@localhost/onegate?host=$PWD/.data/run" \
 *   HMAC_SECRET=… npm run department-api
 *
 * Prints one JSON line `{"msg":"listening","url":"http://127.0.0.1:PORT"}` when ready; stops
 * gracefully on SIGTERM or SIGINT.
 */

interface ServerSettings {
  databaseUrl: string;
  host: string;
  port: number;
  auth: ApiAuth;
  faults: boolean;
}

const DEFAULT_PORT = 4100;

function settingsFrom(env: NodeJS.ProcessEnv): ServerSettings {
  const problems: string[] = [];
  const databaseUrl = env.DEPARTMENT_DATABASE_URL ?? '';
  if (!/^postgres(ql)?:\/\//.test(databaseUrl)) problems.push('DEPARTMENT_DATABASE_URL must be a postgres:// URL of the department store');

  const host = env.HOST || '127.0.0.1';
  if (!isLoopback(host) && env.ALLOW_NON_LOOPBACK !== '1') {
    problems.push(`HOST ${host} is not a loopback address; set ALLOW_NON_LOOPBACK=1 to serve beyond this machine`);
  }
  const port = env.PORT === undefined || env.PORT === '' ? DEFAULT_PORT : Number(env.PORT);
  if (!Number.isInteger(port) || port < 0 || port > 65535) problems.push('PORT must be an integer from 0 to 65535 (0: any free port)');

  const auth: ApiAuth = {};
  if (env.API_TOKEN) {
    if (env.API_TOKEN.length < 16) problems.push('API_TOKEN must be at least 16 characters');
    auth.token = env.API_TOKEN;
  }
  if (env.HMAC_SECRET) {
    if (env.HMAC_SECRET.length < 16) problems.push('HMAC_SECRET must be at least 16 characters');
    const keyId = env.HMAC_KEY_ID || 'onegate';
    if (!/^[A-Za-z0-9._:-]{1,128}$/.test(keyId)) problems.push('HMAC_KEY_ID must be 1 to 128 characters of A-Z, a-z, 0-9, ".", "_", ":", "-"');
    auth.hmac = { keyId, secret: env.HMAC_SECRET };
  } else if (env.HMAC_KEY_ID) {
    problems.push('HMAC_KEY_ID is set without HMAC_SECRET');
  }
  if (!auth.token && !auth.hmac) problems.push('set API_TOKEN and/or HMAC_SECRET: the API refuses to serve unauthenticated');

  if (problems.length > 0) {
    process.stderr.write(`department-api: cannot start:\n${problems.map((p) => `  - ${p}`).join('\n')}\n`);
    process.exit(2);
  }
  return { databaseUrl, host, port, auth, faults: env.FAULTS === '1' };
}

function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}

function line(fields: Record<string, unknown>): void {
  process.stdout.write(`${JSON.stringify(fields)}\n`);
}

async function main(): Promise<void> {
  const settings = settingsFrom(process.env);
  const store = postgresAccountStore(settings.databaseUrl);
  try {
    await store.ping();
  } catch (error) {
    // The driver's message names the host and role, never the password.
    process.stderr.write(`department-api: cannot reach the department database: ${(error as Error).message}\n`);
    await store.close().catch(() => undefined);
    process.exit(1);
  }
  const api = createDepartmentApi({ store, auth: settings.auth, faults: settings.faults });
  api.server.once('error', (error) => {
    process.stderr.write(`department-api: cannot listen: ${error.message}\n`);
    process.exit(1);
  });
  api.server.listen(settings.port, settings.host, () => {
    const { address, port } = api.server.address() as AddressInfo;
    const hostPart = address.includes(':') ? `[${address}]` : address;
    line({ msg: 'listening', url: `http://${hostPart}:${port}` });
  });

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    line({ msg: 'stopping', signal });
    api
      .shutdown()
      .then(() => store.close())
      .then(
        () => {
          line({ msg: 'stopped' });
          process.exit(0);
        },
        (error: unknown) => {
          process.stderr.write(`department-api: unclean stop: ${(error as Error).message}\n`);
          process.exit(1);
        },
      );
  };
  process.once('SIGTERM', () => stop('SIGTERM'));
  process.once('SIGINT', () => stop('SIGINT'));
}

await main();
