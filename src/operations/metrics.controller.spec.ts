import type { FastifyReply } from 'fastify';
import { HTTP_STATUS, type DomainError } from '../common/errors/domain-error.js';
import { loadConfig } from '../config/app-config.js';
import { PRODUCTION_ENV } from '../config/production-env.fixture.js';
import { MetricsController } from './metrics.controller.js';
import { Metrics } from './metrics.js';

function reply(): FastifyReply & { headers: Record<string, string> } {
  const headers: Record<string, string> = {};
  return { headers, header: (name: string, value: string) => ((headers[name.toLowerCase()] = value), undefined) } as unknown as FastifyReply & {
    headers: Record<string, string>;
  };
}

async function status(promise: Promise<unknown>): Promise<number> {
  try {
    await promise;
    return 200;
  } catch (error) {
    return HTTP_STATUS[(error as DomainError).code];
  }
}

describe('GET /metrics access', () => {
  it('is open outside production when no token is configured (the gateway listens on loopback by default)', async () => {
    const r = reply();
    const body = await new MetricsController(new Metrics(), loadConfig({})).scrape(undefined, r);
    expect(body).toContain('# TYPE onegate_ledger_append_duration_seconds histogram');
    expect(r.headers['content-type']).toMatch(/^text\/plain/);
  });

  it('is off in production unless METRICS_TOKEN is configured', async () => {
    expect(await status(new MetricsController(new Metrics(), loadConfig({ ...PRODUCTION_ENV })).scrape(undefined, reply()))).toBe(404);
    const token = 'metrics-token-0123456789';
    const controller = new MetricsController(new Metrics(), loadConfig({ ...PRODUCTION_ENV, METRICS_TOKEN: token }));
    expect(await status(controller.scrape(undefined, reply()))).toBe(401);
    expect(await status(controller.scrape(`Bearer ${token.slice(1)}`, reply()))).toBe(401);
    expect(await status(controller.scrape(`Basic ${token}`, reply()))).toBe(401);
    expect(await status(controller.scrape(`Bearer ${token}`, reply()))).toBe(200);
  });

  it('refuses a METRICS_TOKEN too short to be a secret', () => {
    expect(() => loadConfig({ METRICS_TOKEN: 'short' })).toThrow(/METRICS_TOKEN/);
  });
});
