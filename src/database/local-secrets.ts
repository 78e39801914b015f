import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { readOrCreateFileOnce } from '../common/create-file-once.js';

/**
 * A secret generated once and kept under DATA_DIR/secrets (mode 0600), for local development
 * only: the embedded database's passwords and the certificate master key. Production supplies
 * its secrets through configuration.
 */
export function localSecret(dataDir: string, name: string, make: () => string = () => randomBytes(24).toString('base64url')): string {
  // DATA_DIR itself keeps default permissions: the embedded server's own user must traverse it.
  // (The secrets folder below it is created 0700.)
  mkdirSync(dataDir, { recursive: true });
  return readOrCreateFileOnce(join(dataDir, 'secrets', name), () => make() + '\n').trim();
}
