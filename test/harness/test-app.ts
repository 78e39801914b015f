import 'reflect-metadata';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import request from 'supertest';
import { createApp } from '../../src/app.factory.js';
import { AppConfig, loadConfig } from '../../src/config/app-config.js';
import { connectionsFor } from '../../src/database/database-setup.js';
import { DevIssuer, type TokenRequest } from '../../src/identity/dev-issuer.js';
import { createLogger } from '../../src/logging/logger.js';
import { adminQuery, harnessState, withDatabase } from './database.js';

export interface GraphQLResponse<T = Record<string, unknown>> {
  status: number;
  body: { data?: T | null; errors?: Array<{ message: string; path?: (string | number)[]; extensions?: Record<string, unknown> }> };
  headers: Record<string, string>;
}

export interface TestApp {
  app: NestFastifyApplication;
  config: AppConfig;
  /** Owner URL of this file's own database (for arranging data and inspecting results). */
  databaseUrl: string;
  http(): ReturnType<typeof request>;
  token(claims: Partial<TokenRequest> & Pick<TokenRequest, 'role' | 'sub'>): Promise<string>;
  graphql<T = Record<string, unknown>>(query: string, variables?: Record<string, unknown>, token?: string): Promise<GraphQLResponse<T>>;
  close(): Promise<void>;
}

let created = 0;

/**
 * The real AppModule on this test file's own database, created from the migrated template.
 * `env` overrides configuration (e.g. NODE_ENV=production with TOKEN_JWKS_URL for production behaviour).
 * `sharing`: another instance on that app's database (as gateways behind a balancer are); closing
 * it leaves the database to its owner.
 */
export async function createTestApp(env: Record<string, string> = {}, sharing?: TestApp): Promise<TestApp> {
  const harness = harnessState();
  const database = sharing
    ? new URL(sharing.databaseUrl).pathname.slice(1)
    : `${harness.template.replace('template', 'file')}_${process.pid}_${++created}_${randomBytes(3).toString('hex')}`;
  if (!sharing) await adminQuery(harness.adminUrl, `CREATE DATABASE ${database} TEMPLATE ${harness.template}`);
  const databaseUrl = withDatabase(harness.adminUrl, database);
  const config = loadConfig({
    NODE_ENV: 'test',
    DATABASE_URL: databaseUrl,
    DB_ROLE_PASSWORD: harness.rolePassword,
    DATA_DIR: harness.dataDir,
    CERTS_DIR: join(harness.dataDir, 'certs'),
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    ...env,
  });
  const app = await createApp({ config, connections: connectionsFor(databaseUrl, harness.rolePassword), logger: createLogger(config.LOG_LEVEL) });
  const devIssuer = new DevIssuer(loadConfig({ NODE_ENV: 'test', DATA_DIR: harness.dataDir }));
  const http = () => request(app.getHttpServer());

  return {
    app,
    config,
    databaseUrl,
    http,
    token: (claims) => devIssuer.issueToken({ ttlSeconds: 600, ...claims }),
    async graphql(query, variables, token) {
      const req = http().post('/graphql').set('content-type', 'application/json');
      if (token) req.set('authorization', `Bearer ${token}`);
      const res = await req.send({ query, variables });
      return { status: res.status, body: res.body, headers: res.headers as Record<string, string> };
    },
    async close() {
      await app.close();
      if (!sharing) await adminQuery(harness.adminUrl, `DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
    },
  };
}
