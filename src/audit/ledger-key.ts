import { createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AppConfig } from '../config/app-config.js';
import { vkeyFor } from './checkpoint.js';

export interface LedgerSigningKey {
  /** Key name = the checkpoint origin. */
  name: string;
  privateKey: KeyObject;
  publicKey: KeyObject;
  /** C2SP verifier key text, `<name>+<key id>+<base64(0x04 || public key)>`. */
  vkey: string;
}

export class LedgerKeyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'LedgerKeyError';
  }
}

/** Development key files under DATA_DIR/keys: the private key (0600) and the published verifier key. */
export function ledgerKeyPaths(dataDir: string): { privateKey: string; vkey: string } {
  const dir = join(dataDir, 'keys');
  return { privateKey: join(dir, 'ledger-ed25519.pem'), vkey: join(dir, 'ledger.vkey') };
}

/**
 * The ledger's Ed25519 signing key. Production reads LEDGER_SIGNING_KEY_FILE (PKCS#8 PEM); elsewhere
 * a key is generated on first use under DATA_DIR/keys, outside the repository. Either way the verifier
 * key is written beside the development key so `npm run ledger:verify` finds it by default.
 */
export function loadLedgerSigningKey(config: AppConfig): LedgerSigningKey {
  const paths = ledgerKeyPaths(config.dataDir);
  let pem: string;
  if (config.LEDGER_SIGNING_KEY_FILE) {
    try {
      pem = readFileSync(config.LEDGER_SIGNING_KEY_FILE, 'utf8');
    } catch (error) {
      throw new LedgerKeyError(`cannot read LEDGER_SIGNING_KEY_FILE: ${(error as NodeJS.ErrnoException).code ?? 'unreadable'}`);
    }
  } else if (config.isProduction) {
    throw new LedgerKeyError('LEDGER_SIGNING_KEY_FILE is required in production');
  } else if (existsSync(paths.privateKey)) {
    pem = readFileSync(paths.privateKey, 'utf8');
  } else {
    mkdirSync(join(config.dataDir, 'keys'), { recursive: true, mode: 0o700 });
    const { privateKey } = generateKeyPairSync('ed25519');
    pem = privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
    try {
      writeFileSync(paths.privateKey, pem, { mode: 0o600, flag: 'wx' });
      chmodSync(paths.privateKey, 0o600);
    } catch (error) {
      // Another process (a second gateway, a test worker) generated it first: use theirs.
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      pem = readFileSync(paths.privateKey, 'utf8');
    }
  }
  let privateKey: KeyObject;
  try {
    privateKey = createPrivateKey(pem);
  } catch {
    throw new LedgerKeyError('the ledger signing key is not a valid PKCS#8 PEM private key');
  }
  if (privateKey.asymmetricKeyType !== 'ed25519') throw new LedgerKeyError('the ledger signing key must be an Ed25519 key');
  const publicKey = createPublicKey(privateKey);
  const vkey = vkeyFor(config.LEDGER_ORIGIN, publicKey);
  if (!config.isProduction) publishDevelopmentVkey(paths.vkey, vkey);
  return { name: config.LEDGER_ORIGIN, privateKey, publicKey, vkey };
}

function publishDevelopmentVkey(file: string, vkey: string): void {
  const current = existsSync(file) ? readFileSync(file, 'utf8').trim() : undefined;
  if (current === vkey) return;
  mkdirSync(join(file, '..'), { recursive: true });
  writeFileSync(file, vkey + '\n', { mode: 0o644 });
}
