import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readOrCreateFileOnce } from '../common/create-file-once.js';
import type { AppConfig } from '../config/app-config.js';

export interface ConsentSigningKey {
  privateKey: KeyObject;
  publicKey: KeyObject;
  /** SHA-256 of the public key (SPKI DER), base64url: names the key in the token header. */
  kid: string;
}

export class ConsentKeyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConsentKeyError';
  }
}

/** The development key file: DATA_DIR/keys/consent-ed25519.pem (0600). */
export function consentKeyPath(dataDir: string): string {
  return join(dataDir, 'keys', 'consent-ed25519.pem');
}

/**
 * The Ed25519 key that signs consent tokens. Production reads CONSENT_SIGNING_KEY_FILE (PKCS#8 PEM)
 * and has no fallback; elsewhere a key is generated on first use under DATA_DIR/keys, outside the
 * repository, and shared by every process using that DATA_DIR (gateways, test workers).
 */
export function loadConsentSigningKey(config: AppConfig): ConsentSigningKey {
  let pem: string;
  if (config.CONSENT_SIGNING_KEY_FILE) {
    try {
      pem = readFileSync(config.CONSENT_SIGNING_KEY_FILE, 'utf8');
    } catch (error) {
      throw new ConsentKeyError(`cannot read CONSENT_SIGNING_KEY_FILE: ${(error as NodeJS.ErrnoException).code ?? 'unreadable'}`);
    }
  } else if (config.isProduction) {
    throw new ConsentKeyError('CONSENT_SIGNING_KEY_FILE is required in production');
  } else {
    pem = developmentKey(config.dataDir);
  }
  let privateKey: KeyObject;
  try {
    privateKey = createPrivateKey(pem);
  } catch {
    throw new ConsentKeyError('the consent signing key is not a valid PKCS#8 PEM private key');
  }
  if (privateKey.asymmetricKeyType !== 'ed25519') throw new ConsentKeyError('the consent signing key must be an Ed25519 key');
  const publicKey = createPublicKey(privateKey);
  const kid = createHash('sha256')
    .update(publicKey.export({ format: 'der', type: 'spki' }))
    .digest('base64url');
  return { privateKey, publicKey, kid };
}

function developmentKey(dataDir: string): string {
  return readOrCreateFileOnce(consentKeyPath(dataDir), () => generateKeyPairSync('ed25519').privateKey.export({ format: 'pem', type: 'pkcs8' }).toString());
}
