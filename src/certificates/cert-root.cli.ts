// `CERT_MASTER_KEY=… npm run --silent cert:root -- --out DIR [--credit-code CODE] [--years N]`:
// creates the onegate root CA for a deployment — DIR/root-ca.pem (the trust anchor: give it to
// verifiers, set CERT_ROOT_CA_FILE to it) and DIR/root-ca.key.sealed (the private key sealed with
// CERT_MASTER_KEY; set CERT_ROOT_KEY_FILE to it). Refuses to overwrite either file.
// Exit codes: 0 done, 2 bad arguments or environment.
import { randomBytes } from 'node:crypto';
import { mkdirSync, unlinkSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { isEntryPoint, parseCliArgs } from '../common/cli.js';
import { parseCreditCode } from '../common/identifiers/credit-code.js';
import { createRootCa } from './trust/certificate-authority.js';
import { parseMasterKey, sealPrivateKey } from './trust/key-sealing.js';
import { ROOT_KEY_ID } from './trust/trust-material.js';
import { derToPem } from './trust/x509.js';

export const USAGE = `usage: CERT_MASTER_KEY=<64 hex characters> npm run --silent cert:root -- --out <dir> [--credit-code <operator credit code>] [--years <1-30>]
       npm run --silent cert:root -- --new-master-key     (prints a fresh random master key)`;

class CertRootArgsError extends Error {}

const FLAGS = { out: { type: 'string' }, 'credit-code': { type: 'string' }, years: { type: 'string' }, 'new-master-key': { type: 'boolean' } } as const;

export function runCertRoot(argv: readonly string[], env: NodeJS.ProcessEnv, out: (line: string) => void): void {
  if (argv.includes('--new-master-key')) {
    if (argv.length !== 1) throw new CertRootArgsError('--new-master-key takes no other flags');
    out(randomBytes(32).toString('hex'));
    return;
  }
  const { values } = parseCliArgs(argv, FLAGS, { fail: (m) => new CertRootArgsError(m), example: '--out /etc/onegate/trust' });
  const dir = values.out;
  if (!dir) throw new CertRootArgsError('--out <dir> is required');
  if (!env.CERT_MASTER_KEY) throw new CertRootArgsError('CERT_MASTER_KEY must be set: it seals the root key (make one with --new-master-key)');
  let masterKey: Buffer;
  try {
    masterKey = parseMasterKey(env.CERT_MASTER_KEY);
  } catch (error) {
    throw new CertRootArgsError(`CERT_MASTER_KEY: ${(error as Error).message}`);
  }
  const creditCode = parseCreditCode(values['credit-code'] ?? env.CERT_OPERATOR_CREDIT_CODE ?? '11330800002481047B');
  if (!creditCode.ok) throw new CertRootArgsError(`--credit-code: ${creditCode.message}`);
  const years = Number(values.years ?? '10');
  if (!Number.isInteger(years) || years < 1 || years > 30) throw new CertRootArgsError('--years must be an integer from 1 to 30');

  const root = createRootCa({ creditCode: creditCode.value, validityYears: years });
  const target = resolve(dir);
  mkdirSync(target, { recursive: true, mode: 0o700 });
  const certificateFile = join(target, 'root-ca.pem');
  const keyFile = join(target, 'root-ca.key.sealed');
  writeFileSync(keyFile, sealPrivateKey(root.privateKey, masterKey, ROOT_KEY_ID) + '\n', { mode: 0o600, flag: 'wx' });
  try {
    writeFileSync(certificateFile, derToPem(root.certificate), { mode: 0o644, flag: 'wx' });
  } catch (error) {
    // No key without its certificate: an existing root-ca.pem leaves nothing of ours behind.
    unlinkSync(keyFile);
    throw error;
  }
  out(`CERT_ROOT_CA_FILE=${certificateFile}`);
  out(`CERT_ROOT_KEY_FILE=${keyFile}`);
}

if (isEntryPoint(import.meta.url)) {
  try {
    runCertRoot(process.argv.slice(2), process.env, (line) => process.stdout.write(line + '\n'));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (error instanceof CertRootArgsError || code === 'EEXIST') {
      process.stderr.write(`cert:root: ${code === 'EEXIST' ? 'refusing to overwrite an existing root CA file' : (error as Error).message}\n${USAGE}\n`);
      process.exit(2);
    }
    throw error;
  }
}
