import { ConfigError, loadConfig } from './app-config.js';
import { PRODUCTION_ENV } from './production-env.fixture.js';

describe('loadConfig', () => {
  it('has working defaults for development', () => {
    const config = loadConfig({});
    expect(config.PORT).toBe(3000);
    expect(config.HOST).toBe('127.0.0.1');
    expect(config.DATABASE_URL).toBeUndefined();
    expect(config.NODE_ENV).toBe('development');
    expect(config.devIssuerEnabled).toBe(true);
    expect(config.dataDir).toMatch(/\.data$/);
  });

  it('parses numbers strictly and reports every problem at once', () => {
    let error: unknown;
    try {
      loadConfig({ PORT: '3000abc', LOG_LEVEL: 'loud', DATABASE_URL: 'mysql://x', TOKEN_MAX_AGE_SECONDS: '5' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const problems = (error as ConfigError).problems.join('\n');
    expect(problems).toMatch(/PORT/);
    expect(problems).toMatch(/LOG_LEVEL/);
    expect(problems).toMatch(/DATABASE_URL must be a postgres/);
    expect(problems).toMatch(/TOKEN_MAX_AGE_SECONDS/);
  });

  it('accepts a valid configuration from the environment', () => {
    const config = loadConfig({ PORT: '8080', DATABASE_URL: 'postgres://u:p@127.0.0.1:5432/db', LOG_LEVEL: 'debug', DATA_DIR: '/tmp/x' });
    expect(config.PORT).toBe(8080);
    expect(config.DATABASE_URL).toBe('postgres://u:p@127.0.0.1:5432/db');
    expect(config.dataDir).toBe('/tmp/x');
  });

  it('refuses production without an external database, role password, token issuer, ledger key, consent key and certificate trust', () => {
    expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow(
      /DATABASE_URL is required[\s\S]*DB_ROLE_PASSWORD[\s\S]*TOKEN_JWKS_URL[\s\S]*LEDGER_SIGNING_KEY_FILE[\s\S]*CONSENT_SIGNING_KEY_FILE[\s\S]*CERT_MASTER_KEY[\s\S]*CERT_ROOT_CA_FILE[\s\S]*CERT_ROOT_KEY_FILE[\s\S]*PUBLIC_BASE_URL/,
    );
    const config = loadConfig(PRODUCTION_ENV);
    expect(config.publicBaseUrl).toBe('https://onegate.example.gov.cn');
    expect(config.devIssuerEnabled).toBe(false);
  });

  it('refuses an http:// TOKEN_JWKS_URL in production (loopback too), and accepts it outside production', () => {
    for (const url of ['http://idp.example.gov.cn/jwks.json', 'http://127.0.0.1:8080/jwks.json']) {
      expect(() => loadConfig({ ...PRODUCTION_ENV, TOKEN_JWKS_URL: url })).toThrow(/TOKEN_JWKS_URL must be an https:\/\/ URL when NODE_ENV=production/);
    }
    expect(loadConfig({ ...PRODUCTION_ENV, TOKEN_JWKS_URL: 'HTTPS://idp.example.gov.cn/jwks.json' }).TOKEN_JWKS_URL).toMatch(/^HTTPS:/);
    expect(loadConfig({ NODE_ENV: 'test', TOKEN_JWKS_URL: 'http://127.0.0.1:8080/jwks.json' }).TOKEN_JWKS_URL).toBe('http://127.0.0.1:8080/jwks.json');
  });

  it('reads the abuse limits and HTTP timeouts, and refuses a headers timeout longer than the request timeout', () => {
    const config = loadConfig({
      PUBLIC_RATE_LIMIT_MAX: '5',
      PUBLIC_RATE_LIMIT_WINDOW_SECONDS: '10',
      HTTP_HEADERS_TIMEOUT_MS: '1000',
      HTTP_REQUEST_TIMEOUT_MS: '2000',
      HTTP_CONNECTION_TIMEOUT_MS: '3000',
    });
    expect([config.PUBLIC_RATE_LIMIT_MAX, config.PUBLIC_RATE_LIMIT_WINDOW_SECONDS]).toEqual([5, 10]);
    expect([config.HTTP_HEADERS_TIMEOUT_MS, config.HTTP_REQUEST_TIMEOUT_MS, config.HTTP_CONNECTION_TIMEOUT_MS]).toEqual([1000, 2000, 3000]);
    expect(() => loadConfig({ HTTP_HEADERS_TIMEOUT_MS: '5000', HTTP_REQUEST_TIMEOUT_MS: '2000' })).toThrow(
      /HTTP_HEADERS_TIMEOUT_MS must not exceed HTTP_REQUEST_TIMEOUT_MS/,
    );
  });

  it('has no embedded PostgreSQL port unless one is set', () => {
    expect(loadConfig({}).EMBEDDED_PG_PORT).toBeUndefined();
    expect(loadConfig({ EMBEDDED_PG_PORT: '54402' }).EMBEDDED_PG_PORT).toBe(54402);
    expect(() => loadConfig({ EMBEDDED_PG_PORT: '80' })).toThrow(/EMBEDDED_PG_PORT/);
  });
});
