import { X509Certificate, type KeyObject } from 'node:crypto';
import { LRUCache } from 'lru-cache';
import { DEPARTMENT_CODE } from './certificate-authority.js';
import { distinguishedNameOf, OID, pemToDers, readCertificateExtensions, validityOf, type CertificateExtensions } from './x509.js';

/**
 * Verification of a JOSE `x5c` chain against onegate's trust anchors, with node:crypto (OpenSSL)
 * for parsing and every signature check.
 *
 * `verifyChain` sees attacker-controlled input, so it never throws: every outcome is a verdict,
 * and no message repeats any part of the input.
 */

export interface TrustAnchors {
  roots: readonly X509Certificate[];
}

export type ChainFailure =
  | 'MALFORMED_CERTIFICATE'
  | 'CHAIN_TOO_LONG'
  | 'UNTRUSTED_ISSUER'
  | 'BAD_CERTIFICATE_SIGNATURE'
  | 'CERTIFICATE_EXPIRED'
  | 'CERTIFICATE_NOT_YET_VALID'
  | 'NOT_A_SIGNING_CERTIFICATE'
  | 'NOT_A_DEPARTMENT_CERTIFICATE';

export type ChainVerdict =
  | {
      ok: true;
      leaf: X509Certificate;
      publicKey: KeyObject;
      department: string;
      creditCode: string | null;
      /** When every certificate of the path and its anchor are valid (ms since the epoch): the verdict holds from `notBefore` to `notAfter`. */
      window: { notBefore: number; notAfter: number };
    }
  | { ok: false; reason: ChainFailure; message: string };

type Failure = Extract<ChainVerdict, { ok: false }>;

export const MAX_CHAIN_LENGTH = 3;
export const MAX_CERTIFICATE_BYTES = 8 * 1024;
/** Base64 length of MAX_CERTIFICATE_BYTES: longer strings are refused before decoding. */
const MAX_CERTIFICATE_BASE64 = Math.ceil(MAX_CERTIFICATE_BYTES / 3) * 4;
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;
/** Critical extensions this verifier understands; RFC 5280 §4.2 requires refusing any other. */
const UNDERSTOOD_CRITICAL_EXTENSIONS: ReadonlySet<string> = new Set([OID.basicConstraints, OID.keyUsage]);

/** A certificate with the extensions node does not expose. */
interface Parsed {
  cert: X509Certificate;
  extensions: CertificateExtensions;
}

/**
 * Reads trust anchors from PEM (one or more CERTIFICATE blocks, e.g. old and new root during a
 * rollover). Throws an Error naming the problem when there is no certificate or one is not a CA.
 */
export function trustAnchorsFromPem(pem: string): TrustAnchors {
  const ders = pemToDers(pem);
  if (ders.length === 0) throw new Error('trust anchors: no CERTIFICATE block found');
  const roots = ders.map((der, index) => {
    let cert: X509Certificate;
    try {
      cert = new X509Certificate(der);
    } catch {
      throw new Error(`trust anchors: certificate ${index + 1} cannot be parsed`);
    }
    if (!cert.ca) throw new Error(`trust anchors: certificate ${index + 1} is not a CA certificate`);
    return cert;
  });
  return { roots };
}

/**
 * Verifies `x5c` (leaf first, standard base64 DER, at most three) at time `at`: each certificate
 * is signed by the next, the last by a trust anchor (a copy of the anchor itself may close the
 * list), all are valid at `at`, and the leaf is a department signing certificate.
 *
 * Everything but the validity periods is independent of `at`, and a verifier sees the same few
 * department chains over and over: that part is settled once per chain and trust anchors (parsing
 * and the certificate signatures are most of a credential's verification cost) and kept in a
 * bounded cache; only the periods are checked on every call.
 */
export function verifyChain(x5c: unknown, anchors: TrustAnchors, at: Date): ChainVerdict {
  try {
    if (!(at instanceof Date) || Number.isNaN(at.getTime())) return fail('MALFORMED_CERTIFICATE', 'the verification time is not a valid date');
    const settled = settledChain(x5c, anchors);
    if ('reason' in settled) return settled;
    return checkPeriods(settled.periods, at.getTime()) ?? settled.leaf;
  } catch {
    // Every known failure is a verdict already; this is the never-throw backstop.
    return fail('MALFORMED_CERTIFICATE', 'the certificate chain could not be read');
  }
}

/** What holds for a chain at any time: a failure, or the periods to check and the leaf's verdict. */
type Settled = Failure | { periods: readonly Period[]; leaf: ChainVerdict };

interface Period {
  notBefore: number;
  notAfter: number;
  what: string;
}

/** Settled chains per set of anchors, by their x5c; the least recently used is dropped beyond this many. */
export const CHAIN_CACHE_SIZE = 256;
const settledChains = new WeakMap<TrustAnchors, LRUCache<string, Settled>>();

/** The same, by the x5c array itself when it is frozen (decoded headers are shared and frozen): no key to build. */
const settledByArray = new WeakMap<TrustAnchors, WeakMap<readonly unknown[], Settled>>();

function settledChain(x5c: unknown, anchors: TrustAnchors): Settled {
  if (Array.isArray(x5c) && Object.isFrozen(x5c) && typeof anchors === 'object' && anchors !== null) {
    let byArray = settledByArray.get(anchors);
    if (!byArray) settledByArray.set(anchors, (byArray = new WeakMap()));
    let settled = byArray.get(x5c);
    if (!settled) byArray.set(x5c, (settled = settledByKey(x5c, anchors)));
    return settled;
  }
  return settledByKey(x5c, anchors);
}

function settledByKey(x5c: unknown, anchors: TrustAnchors): Settled {
  // Only input that could pass is cached (at most three strings of bounded length): anything else
  // fails at once in settle().
  const cacheable =
    typeof anchors === 'object' &&
    anchors !== null &&
    Array.isArray(x5c) &&
    x5c.length > 0 &&
    x5c.length <= MAX_CHAIN_LENGTH &&
    x5c.every((entry) => typeof entry === 'string' && entry.length <= MAX_CERTIFICATE_BASE64);
  if (!cacheable) return settle(x5c, anchors);
  // "," is not a base64 character, so the key names the list exactly.
  const key = (x5c as string[]).join(',');
  let cache = settledChains.get(anchors);
  if (!cache) settledChains.set(anchors, (cache = new LRUCache({ max: CHAIN_CACHE_SIZE })));
  const cached = cache.get(key);
  if (cached) return cached;
  const settled = settle(x5c, anchors);
  cache.set(key, settled);
  return settled;
}

function settle(x5c: unknown, anchors: TrustAnchors): Settled {
  const decoded = decodeX5c(x5c);
  if ('reason' in decoded) return decoded;

  const roots = anchors?.roots ?? [];
  const path = dropTrailingAnchorCopy(decoded, roots);
  const linkProblem = checkLinks(path);
  if (linkProblem) return linkProblem;
  const anchored = findAnchor(path, roots);
  if ('reason' in anchored) return anchored;

  const periods = pathPeriods(path, anchored);
  const window = {
    notBefore: Math.max(...periods.map((p) => p.notBefore)),
    notAfter: Math.min(...periods.map((p) => p.notAfter)),
  };
  return { periods, leaf: checkLeaf(path[0]!, window) };
}

// ---------------------------------------------------------------------------------------------
// Decoding
// ---------------------------------------------------------------------------------------------

function decodeX5c(x5c: unknown): Parsed[] | Failure {
  if (!Array.isArray(x5c) || x5c.length === 0) return fail('MALFORMED_CERTIFICATE', 'x5c must be a non-empty array of base64 certificates');
  if (x5c.length > MAX_CHAIN_LENGTH) return fail('CHAIN_TOO_LONG', `x5c may hold at most ${MAX_CHAIN_LENGTH} certificates`);
  const parsed: Parsed[] = [];
  for (const [index, entry] of x5c.entries()) {
    const result = decodeCertificate(entry, index);
    if ('reason' in result) return result;
    parsed.push(result);
  }
  return parsed;
}

function decodeCertificate(entry: unknown, index: number): Parsed | Failure {
  const where = `x5c certificate ${index + 1}`;
  if (typeof entry !== 'string') return fail('MALFORMED_CERTIFICATE', `${where} is not a string`);
  if (entry.length > MAX_CERTIFICATE_BASE64) return fail('MALFORMED_CERTIFICATE', `${where} is larger than ${MAX_CERTIFICATE_BYTES} bytes`);
  if (entry.length % 4 !== 0 || !BASE64.test(entry)) return fail('MALFORMED_CERTIFICATE', `${where} is not standard base64`);
  const der = Buffer.from(entry, 'base64');
  if (der.length > MAX_CERTIFICATE_BYTES) return fail('MALFORMED_CERTIFICATE', `${where} is larger than ${MAX_CERTIFICATE_BYTES} bytes`);

  let cert: X509Certificate;
  try {
    cert = new X509Certificate(der);
  } catch {
    return fail('MALFORMED_CERTIFICATE', `${where} is not a DER X.509 certificate`);
  }
  // X509Certificate also takes PEM and may ignore trailing bytes; only exact DER is accepted.
  if (!Buffer.from(cert.raw).equals(der)) return fail('MALFORMED_CERTIFICATE', `${where} is not exactly one DER certificate`);

  let extensions: CertificateExtensions;
  try {
    extensions = readCertificateExtensions(der);
  } catch {
    return fail('MALFORMED_CERTIFICATE', `${where} has malformed extensions`);
  }
  if (extensions.criticalExtensions.some((oid) => !UNDERSTOOD_CRITICAL_EXTENSIONS.has(oid))) {
    return fail('MALFORMED_CERTIFICATE', `${where} has a critical extension this verifier does not support`);
  }
  return { cert, extensions };
}

// ---------------------------------------------------------------------------------------------
// Path
// ---------------------------------------------------------------------------------------------

/** A sender may append the root itself; it carries no trust, so drop it if it is an anchor's exact copy. */
function dropTrailingAnchorCopy(path: Parsed[], roots: readonly X509Certificate[]): Parsed[] {
  if (path.length < 2) return path;
  const last = path[path.length - 1]!;
  const isAnchor = roots.some((root) => Buffer.from(root.raw).equals(Buffer.from(last.cert.raw)));
  return isAnchor ? path.slice(0, -1) : path;
}

/** Each certificate is issued and signed by the next, which must be allowed to issue. */
function checkLinks(path: readonly Parsed[]): Failure | null {
  for (let index = 0; index + 1 < path.length; index++) {
    const child = path[index]!.cert;
    const issuer = path[index + 1]!;
    if (!child.checkIssued(issuer.cert)) return fail('UNTRUSTED_ISSUER', 'a certificate in the chain was not issued by the next one');
    if (!child.verify(issuer.cert.publicKey)) return fail('BAD_CERTIFICATE_SIGNATURE', 'a certificate signature in the chain does not verify');
    // `index` certificates below the issuer are not the leaf: those count against its pathLen.
    if (!mayIssue(issuer.extensions, index)) return fail('UNTRUSTED_ISSUER', 'a certificate in the chain is not allowed to issue certificates');
  }
  return null;
}

/** The anchor that issued and signed the last certificate, with a pathLen that allows the intermediates. */
function findAnchor(path: readonly Parsed[], roots: readonly X509Certificate[]): X509Certificate | Failure {
  const last = path[path.length - 1]!.cert;
  const intermediates = path.length - 1;
  let signatureFailed = false;
  for (const root of roots) {
    if (!root.ca || !last.checkIssued(root)) continue;
    if (!last.verify(root.publicKey)) {
      signatureFailed = true;
      continue;
    }
    if (mayIssue(anchorExtensions(root), intermediates)) return root;
  }
  return signatureFailed
    ? fail('BAD_CERTIFICATE_SIGNATURE', 'the certificate signature does not verify with the trusted root key')
    : fail('UNTRUSTED_ISSUER', 'the certificate chain does not lead to a trusted root');
}

function anchorExtensions(root: X509Certificate): CertificateExtensions | null {
  try {
    return readCertificateExtensions(Buffer.from(root.raw));
  } catch {
    return null;
  }
}

/** CA:true, keyCertSign when keyUsage is present, and pathLen not below the intermediates under it. */
function mayIssue(extensions: CertificateExtensions | null, intermediatesBelow: number): boolean {
  const constraints = extensions?.basicConstraints;
  if (!constraints?.ca) return false;
  if (extensions?.keyUsage && !extensions.keyUsage.has('keyCertSign')) return false;
  return constraints.pathLength === undefined || intermediatesBelow <= constraints.pathLength;
}

// ---------------------------------------------------------------------------------------------
// Certificate checks
// ---------------------------------------------------------------------------------------------

/** The validity period of every certificate, the anchor included, in the order they are checked. */
function pathPeriods(path: readonly Parsed[], anchor: X509Certificate): Period[] {
  const certificates: Array<[X509Certificate, string]> = [
    ...path.map(({ cert }, index): [X509Certificate, string] => [cert, index === 0 ? 'the signing certificate' : 'an issuing certificate in the chain']),
    [anchor, 'the trusted root certificate'],
  ];
  return certificates.map(([cert, what]) => {
    const { notBefore, notAfter } = validityOf(cert);
    return { notBefore: notBefore.getTime(), notAfter: notAfter.getTime(), what };
  });
}

/** Every certificate, the anchor included, must be within its validity period at `at`. */
function checkPeriods(periods: readonly Period[], at: number): Failure | null {
  for (const { notBefore, notAfter, what } of periods) {
    if (at < notBefore) return fail('CERTIFICATE_NOT_YET_VALID', `${what} is not valid yet`);
    if (at > notAfter) return fail('CERTIFICATE_EXPIRED', `${what} has expired`);
  }
  return null;
}

/** The leaf signs credentials: an end-entity P-256 key for digital signatures, naming its department. */
function checkLeaf({ cert, extensions }: Parsed, window: { notBefore: number; notAfter: number }): ChainVerdict {
  if (cert.ca || extensions.basicConstraints?.ca) return fail('NOT_A_SIGNING_CERTIFICATE', 'the signing certificate is a CA certificate');
  const key = cert.publicKey;
  if (key.asymmetricKeyType !== 'ec' || key.asymmetricKeyDetails?.namedCurve !== 'prime256v1') {
    return fail('NOT_A_SIGNING_CERTIFICATE', 'the signing certificate key is not EC P-256');
  }
  if (extensions.keyUsage && !extensions.keyUsage.has('digitalSignature')) {
    return fail('NOT_A_SIGNING_CERTIFICATE', 'the signing certificate does not allow digital signatures');
  }

  let department: string | undefined;
  let creditCode: string | undefined;
  try {
    ({ organizationalUnit: department, serialNumber: creditCode } = distinguishedNameOf(cert));
  } catch {
    return fail('NOT_A_DEPARTMENT_CERTIFICATE', 'the signing certificate subject is not a department name');
  }
  if (department === undefined || !DEPARTMENT_CODE.test(department)) {
    return fail('NOT_A_DEPARTMENT_CERTIFICATE', 'the signing certificate does not name a department code in OU');
  }
  return { ok: true, leaf: cert, publicKey: key, department, creditCode: creditCode ?? null, window };
}

function fail(reason: ChainFailure, message: string): Failure {
  return { ok: false, reason, message };
}
