import { createPublicKey, randomBytes, X509Certificate, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { publishFile, readOrCreateFileOnce } from '../../common/create-file-once.js';
import type { AppConfig } from '../../config/app-config.js';
import { localSecret } from '../../database/local-secrets.js';
import { createRootCa } from './certificate-authority.js';
import { trustAnchorsFromPem, type TrustAnchors } from './chain.js';
import { openPrivateKey, parseMasterKey, sealPrivateKey } from './key-sealing.js';
import { derToPem } from './x509.js';

/** Associated data of the sealed root key: a sealed department key cannot be swapped in for it. */
export const ROOT_KEY_ID = 'onegate-root-ca';

const MASTER_KEY_SECRET = 'cert-master-key';

/** The root CA that certifies department issuing keys. */
export interface RootAuthority {
  certificate: Buffer;
  x509: X509Certificate;
  privateKey: KeyObject;
}

/** Everything the registry trusts and signs with, loaded once at start-up. */
export interface TrustMaterial {
  /** Seals department private keys at rest. */
  masterKey: Buffer;
  /** The root CA certificate(s) every verification chains to (more than one during a root rollover). */
  anchors: TrustAnchors;
  anchorsPem: string;
  root: RootAuthority;
}

export class TrustConfigurationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TrustConfigurationError';
  }
}

/** Development files: the master key under DATA_DIR/secrets, the root CA (certificate + sealed key) under DATA_DIR/keys. */
export function developmentTrustPaths(config: AppConfig): { masterKey: string; rootBundle: string; publishedRoot: string } {
  return {
    masterKey: join(config.dataDir, 'secrets', MASTER_KEY_SECRET),
    rootBundle: join(config.dataDir, 'keys', 'root-ca.json'),
    publishedRoot: join(config.certsDir, 'dev', 'root-ca.pem'),
  };
}

/**
 * The certificate trust configuration. Production reads CERT_MASTER_KEY, CERT_ROOT_CA_FILE and
 * CERT_ROOT_KEY_FILE (loadConfig already required them). Elsewhere a master key and a root CA are
 * generated on first start under DATA_DIR (outside the repository), and the root certificate — public
 * — is published to CERTS_DIR/dev/root-ca.pem for the offline verifier (`cert:verify --trust`).
 */
export function loadTrustMaterial(config: AppConfig): TrustMaterial {
  const masterKey = readMasterKey(config);
  let anchorsPem: string;
  let sealedRootKey: string;
  if (config.CERT_ROOT_CA_FILE || config.CERT_ROOT_KEY_FILE || config.isProduction) {
    if (!config.CERT_ROOT_CA_FILE || !config.CERT_ROOT_KEY_FILE) {
      throw new TrustConfigurationError('CERT_ROOT_CA_FILE and CERT_ROOT_KEY_FILE are set together: the root certificate and its sealed key');
    }
    anchorsPem = readConfigured(config.CERT_ROOT_CA_FILE, 'CERT_ROOT_CA_FILE');
    sealedRootKey = readConfigured(config.CERT_ROOT_KEY_FILE, 'CERT_ROOT_KEY_FILE').trim();
  } else {
    ({ anchorsPem, sealedRootKey } = developmentRoot(config, masterKey));
  }
  let anchors: TrustAnchors;
  try {
    anchors = trustAnchorsFromPem(anchorsPem);
  } catch (error) {
    throw new TrustConfigurationError(`root CA certificate: ${(error as Error).message}`);
  }
  const privateKey = openRootKey(sealedRootKey, masterKey);
  const publicDer = createPublicKey(privateKey).export({ type: 'spki', format: 'der' });
  const x509 = anchors.roots.find((root) => root.publicKey.export({ type: 'spki', format: 'der' }).equals(publicDer));
  if (!x509) throw new TrustConfigurationError('the root CA key does not belong to any certificate in the root CA file');
  return { masterKey, anchors, anchorsPem, root: { certificate: Buffer.from(x509.raw), x509, privateKey } };
}

function readMasterKey(config: AppConfig): Buffer {
  const text = config.CERT_MASTER_KEY ?? (config.isProduction ? undefined : developmentMasterKey(config));
  if (!text) throw new TrustConfigurationError('CERT_MASTER_KEY is required in production');
  try {
    return parseMasterKey(text.trim());
  } catch (error) {
    throw new TrustConfigurationError(`CERT_MASTER_KEY: ${(error as Error).message}`);
  }
}

function developmentMasterKey(config: AppConfig): string {
  return localSecret(config.dataDir, MASTER_KEY_SECRET, () => randomBytes(32).toString('hex'));
}

function developmentRoot(config: AppConfig, masterKey: Buffer): { anchorsPem: string; sealedRootKey: string } {
  const paths = developmentTrustPaths(config);
  const bundle = readOrCreateFileOnce(paths.rootBundle, () => {
    const root = createRootCa({ creditCode: config.CERT_OPERATOR_CREDIT_CODE });
    return JSON.stringify({ certificate: derToPem(root.certificate), sealedKey: sealPrivateKey(root.privateKey, masterKey, ROOT_KEY_ID) }, null, 2) + '\n';
  });
  let parsed: { certificate?: unknown; sealedKey?: unknown };
  try {
    parsed = JSON.parse(bundle) as typeof parsed;
  } catch {
    throw new TrustConfigurationError(`${paths.rootBundle} is not valid JSON; remove it to generate a new development root CA`);
  }
  if (typeof parsed.certificate !== 'string' || typeof parsed.sealedKey !== 'string') {
    throw new TrustConfigurationError(`${paths.rootBundle} lacks "certificate" or "sealedKey"; remove it to generate a new development root CA`);
  }
  publishFile(paths.publishedRoot, parsed.certificate);
  return { anchorsPem: parsed.certificate, sealedRootKey: parsed.sealedKey };
}

function openRootKey(sealed: string, masterKey: Buffer): KeyObject {
  try {
    return openPrivateKey(sealed, masterKey, ROOT_KEY_ID);
  } catch {
    throw new TrustConfigurationError('the root CA key cannot be opened: wrong CERT_MASTER_KEY, or the sealed key file is damaged');
  }
}

function readConfigured(file: string, name: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    throw new TrustConfigurationError(`cannot read ${name}: ${(error as NodeJS.ErrnoException).code ?? 'unreadable'}`);
  }
}
