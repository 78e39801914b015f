import { createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { publishFile, readOrCreateFileOnce } from '../common/create-file-once.js';
import type { AppConfig } from '../config/app-config.js';
import { vkeyFor } from './checkpoint.js';
import { COSIGNATURE, ED25519 } from './signed-note.js';

export interface LedgerSigningKey {
  /** Key name = the checkpoint origin. */
  name: string;
  privateKey: KeyObject;
  publicKey: KeyObject;
  /** C2SP signed-note verifier key of the log key, `<name>+<key id>+<base64(0x01 || public key)>` (plain Ed25519). */
  vkey: string;
  /** The same key as a tlog-cosignature key, `<name>+<key id>+<base64(0x04 || public key)>`. */
  cosignatureVkey: string;
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
  } else {
    pem = readOrCreateFileOnce(paths.privateKey, () => generateKeyPairSync('ed25519').privateKey.export({ format: 'pem', type: 'pkcs8' }).toString());
  }
  let privateKey: KeyObject;
  try {
    privateKey = createPrivateKey(pem);
  } catch {
    throw new LedgerKeyError('the ledger signing key is not a valid PKCS#8 PEM private key');
  }
  if (privateKey.asymmetricKeyType !== 'ed25519') throw new LedgerKeyError('the ledger signing key must be an Ed25519 key');
  const publicKey = createPublicKey(privateKey);
  const vkey = vkeyFor(config.LEDGER_ORIGIN, publicKey, ED25519);
  const cosignatureVkey = vkeyFor(config.LEDGER_ORIGIN, publicKey, COSIGNATURE);
  if (!config.isProduction) publishFile(paths.vkey, vkey + '\n');
  return { name: config.LEDGER_ORIGIN, privateKey, publicKey, vkey, cosignatureVkey };
}
