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
});
