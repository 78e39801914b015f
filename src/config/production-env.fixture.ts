/**
 * For tests: a complete production environment (every setting production requires), with file
 * paths that need not exist — loadConfig checks presence, the loaders read the files.
 */
export const PRODUCTION_ENV = {
  NODE_ENV: 'production',
  DATABASE_URL: 'postgres://owner@db.internal/onegate',
  DB_ROLE_PASSWORD: 'a-long-role-password',
  TOKEN_JWKS_URL: 'https://idp.example.gov.cn/jwks.json',
  LEDGER_SIGNING_KEY_FILE: '/etc/onegate/ledger-ed25519.pem',
  CONSENT_SIGNING_KEY_FILE: '/etc/onegate/consent-ed25519.pem',
  CERT_MASTER_KEY: 'a'.repeat(64),
  CERT_ROOT_CA_FILE: '/etc/onegate/root-ca.pem',
  CERT_ROOT_KEY_FILE: '/etc/onegate/root-ca.key.sealed',
  PUBLIC_BASE_URL: 'https://onegate.example.gov.cn/',
} as const;
