import { createPublicKey, generateKeyPairSync, X509Certificate, type KeyObject } from 'node:crypto';
import { parseCreditCode } from '../../common/identifiers/credit-code.js';
import { buildCertificate, distinguishedNameOf, readCertificateExtensions, validityOf, type DistinguishedName } from './x509.js';

/**
 * The onegate root CA and the department issuing certificates it certifies (docs/certificates.md,
 * "Trust"). Every key is ECDSA P-256 so department keys can sign ES256 credentials.
 */

export const ROOT_CA_COMMON_NAME = 'onegate Root CA';
export const ONEGATE_ORGANIZATION = 'onegate';
export const ONEGATE_COUNTRY = 'CN';
/** Department codes as they appear in a department certificate's OU. */
export const DEPARTMENT_CODE = /^[A-Z][A-Z_]{1,63}$/;

const DEFAULT_VALIDITY_YEARS = 10;
const MAX_VALIDITY_YEARS = 30;

export interface SigningKeyPair {
  privateKey: KeyObject;
  publicKey: KeyObject;
}

export interface RootCa extends SigningKeyPair {
  /** DER. */
  certificate: Buffer;
}

export interface CreateRootCaOptions {
  commonName?: string;
  /** The operator's unified social credit code, carried in the subject's serialNumber. */
  creditCode: string;
  now?: Date;
  validityYears?: number;
}

export interface IssueDepartmentCertificateOptions {
  root: { certificate: Buffer; privateKey: KeyObject };
  department: { code: string; name: string; creditCode: string };
  publicKey: KeyObject;
  notBefore: Date;
  notAfter: Date;
}

/** A fresh ECDSA P-256 key pair (ES256). */
export function generateSigningKeyPair(): SigningKeyPair {
  return generateKeyPairSync('ec', { namedCurve: 'P-256' });
}

/**
 * A new self-signed root: CA:true with pathLen 0 (it certifies department keys directly, no
 * intermediates), keyUsage keyCertSign + cRLSign, valid from `now` for `validityYears`.
 */
export function createRootCa(opts: CreateRootCaOptions): RootCa {
  const validityYears = opts.validityYears ?? DEFAULT_VALIDITY_YEARS;
  if (!Number.isInteger(validityYears) || validityYears < 1 || validityYears > MAX_VALIDITY_YEARS) {
    throw new RangeError(`validityYears must be an integer from 1 to ${MAX_VALIDITY_YEARS}`);
  }
  const notBefore = wholeSeconds(opts.now ?? new Date());
  const notAfter = new Date(notBefore);
  notAfter.setUTCFullYear(notAfter.getUTCFullYear() + validityYears);

  const name: DistinguishedName = {
    commonName: opts.commonName ?? ROOT_CA_COMMON_NAME,
    organization: ONEGATE_ORGANIZATION,
    country: ONEGATE_COUNTRY,
    serialNumber: checkedCreditCode(opts.creditCode, 'operator'),
  };
  const keys = generateSigningKeyPair();
  const certificate = buildCertificate({
    subject: name,
    issuer: name,
    notBefore,
    notAfter,
    subjectPublicKey: keys.publicKey,
    issuerPrivateKey: keys.privateKey,
    issuerPublicKey: keys.publicKey,
    ca: true,
    pathLength: 0,
    keyUsage: ['keyCertSign', 'cRLSign'],
  });
  return { certificate, ...keys };
}

/**
 * Certifies a department's issuing key: CA:false, keyUsage digitalSignature, the department code
 * in OU and its credit code in serialNumber (what the issuer-identity verdict reads). The issuer
 * name is the root's subject; the certificate may not outlive the root.
 */
export function issueDepartmentCertificate(opts: IssueDepartmentCertificateOptions): Buffer {
  const root = parseRoot(opts.root.certificate);
  const rootPublicKey = createPublicKey(opts.root.privateKey);
  if (!rootPublicKey.export({ type: 'spki', format: 'der' }).equals(root.publicKey.export({ type: 'spki', format: 'der' }))) {
    throw new RangeError('root private key does not belong to the root certificate');
  }
  const { department } = opts;
  if (typeof department?.code !== 'string' || !DEPARTMENT_CODE.test(department.code)) {
    throw new RangeError('department code must be 2-64 capital letters or underscores, starting with a letter');
  }
  if (typeof department.name !== 'string' || department.name.trim().length === 0) throw new RangeError('department name is required');
  if (opts.notAfter.getTime() > validityOf(root).notAfter.getTime()) {
    throw new RangeError('a department certificate may not expire after the root CA certificate');
  }

  const der = buildCertificate({
    subject: {
      commonName: `${department.name.trim()} certificate issuing key`,
      organizationalUnit: department.code,
      organization: ONEGATE_ORGANIZATION,
      country: ONEGATE_COUNTRY,
      serialNumber: checkedCreditCode(department.creditCode, 'department'),
    },
    issuer: distinguishedNameOf(root),
    notBefore: opts.notBefore,
    notAfter: opts.notAfter,
    subjectPublicKey: opts.publicKey,
    issuerPrivateKey: opts.root.privateKey,
    issuerPublicKey: rootPublicKey,
    ca: false,
    keyUsage: ['digitalSignature'],
  });
  assertIssuedBy(der, root);
  return der;
}

/** The root must parse and be a CA allowed to sign certificates. */
function parseRoot(der: Buffer): X509Certificate {
  let root: X509Certificate;
  try {
    root = new X509Certificate(der);
  } catch {
    throw new TypeError('root certificate is not a valid DER certificate');
  }
  const { keyUsage } = readCertificateExtensions(der);
  if (!root.ca || (keyUsage !== undefined && !keyUsage.has('keyCertSign'))) {
    throw new RangeError('root certificate is not a CA certificate allowed to sign certificates');
  }
  return root;
}

/**
 * The issuer name is rebuilt from the root's parsed subject; a root made elsewhere with other
 * attributes or string types could come out differently, so confirm OpenSSL links the two.
 */
function assertIssuedBy(der: Buffer, root: X509Certificate): void {
  const issued = new X509Certificate(der);
  if (issued.issuer !== root.subject || !issued.checkIssued(root) || !issued.verify(root.publicKey)) {
    throw new RangeError('the root certificate subject cannot be reproduced as the issuer name');
  }
}

function checkedCreditCode(value: string, whose: 'operator' | 'department'): string {
  const parsed = parseCreditCode(value);
  if (!parsed.ok || parsed.value !== value) {
    throw new RangeError(`${whose} credit code must be a valid 18-character unified social credit code (GB 32100-2015)`);
  }
  return parsed.value;
}

function wholeSeconds(date: Date): Date {
  if (!(date instanceof Date) || Number.isNaN(date.getTime())) throw new TypeError('now must be a valid Date');
  return new Date(Math.floor(date.getTime() / 1000) * 1000);
}
