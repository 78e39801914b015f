import { createHash, createPublicKey, randomBytes, sign, type KeyObject, type X509Certificate } from 'node:crypto';
import forge from 'node-forge';

/**
 * X.509 v3 certificates with ECDSA P-256 keys and ECDSA-with-SHA256 signatures.
 *
 * node-forge's certificate API only knows RSA, so the structures are assembled with `forge.asn1`
 * and every signature is made with node:crypto. Reading goes through node's `X509Certificate`
 * (OpenSSL); `readCertificateExtensions` covers the two extensions node does not expose
 * (keyUsage, basicConstraints' pathLen) and is only meant for DER that OpenSSL already accepted.
 */

const { asn1 } = forge;
type Asn1 = forge.asn1.Asn1;

/** The subject / issuer attributes onegate uses. */
export interface DistinguishedName {
  commonName: string;
  organization?: string;
  organizationalUnit?: string;
  country?: string;
  serialNumber?: string;
}

export type KeyUsage = 'digitalSignature' | 'keyCertSign' | 'cRLSign';

export interface BuildCertificateOptions {
  subject: DistinguishedName;
  issuer: DistinguishedName;
  /** Unsigned big-endian serial, 1–20 bytes; a random positive 16-byte serial by default. */
  serialNumber?: Buffer;
  notBefore: Date;
  notAfter: Date;
  subjectPublicKey: KeyObject;
  issuerPrivateKey: KeyObject;
  issuerPublicKey: KeyObject;
  ca: boolean;
  pathLength?: number;
  keyUsage: KeyUsage[];
}

/** The extensions node's X509Certificate does not expose, read from the DER. */
export interface CertificateExtensions {
  /** Absent when the certificate has no keyUsage extension. */
  keyUsage?: ReadonlySet<KeyUsage>;
  /** Absent when the certificate has no basicConstraints extension. */
  basicConstraints?: { ca: boolean; pathLength?: number };
  /** OIDs of critical extensions, so verifiers can refuse ones they do not understand. */
  criticalExtensions: readonly string[];
}

export const OID = {
  ecdsaWithSha256: '1.2.840.10045.4.3.2',
  commonName: '2.5.4.3',
  serialNumber: '2.5.4.5',
  country: '2.5.4.6',
  organization: '2.5.4.10',
  organizationalUnit: '2.5.4.11',
  subjectKeyIdentifier: '2.5.29.14',
  keyUsage: '2.5.29.15',
  basicConstraints: '2.5.29.19',
  authorityKeyIdentifier: '2.5.29.35',
} as const;

/** Bit positions of RFC 5280's KeyUsage named bits that onegate uses. */
const KEY_USAGE_BITS: Readonly<Record<KeyUsage, number>> = { digitalSignature: 0, keyCertSign: 5, cRLSign: 6 };

/** RDN order: country first, serial number last, as in the design document. */
const NAME_ATTRIBUTES: ReadonlyArray<{ field: keyof DistinguishedName; oid: string; printable: boolean }> = [
  { field: 'country', oid: OID.country, printable: true },
  { field: 'organization', oid: OID.organization, printable: false },
  { field: 'organizationalUnit', oid: OID.organizationalUnit, printable: false },
  { field: 'commonName', oid: OID.commonName, printable: false },
  { field: 'serialNumber', oid: OID.serialNumber, printable: true },
];

/** The short names OpenSSL prints in `X509Certificate.subject`, mapped back to our fields. */
const FIELD_BY_SHORT_NAME: Readonly<Record<string, keyof DistinguishedName>> = {
  C: 'country',
  O: 'organization',
  OU: 'organizationalUnit',
  CN: 'commonName',
  serialNumber: 'serialNumber',
};

const PRINTABLE_STRING = /^[A-Za-z0-9 '()+,\-./:=?]+$/;
/** Generous bound on attribute length (RFC 5280's 64 would cut long department names). */
const MAX_ATTRIBUTE_LENGTH = 256;
const MAX_SERIAL_BYTES = 20;
/** RFC 5280 §4.1.2.5: UTCTime through 2049, GeneralizedTime from 2050. */
const GENERALIZED_TIME_FROM_YEAR = 2050;
/** Depth limit when reading extensions: real certificates nest less than 10 levels. */
const MAX_READ_DEPTH = 32;

// ---------------------------------------------------------------------------------------------
// Building
// ---------------------------------------------------------------------------------------------

/** Builds, signs (node:crypto) and DER-encodes an X.509 v3 certificate. */
export function buildCertificate(opts: BuildCertificateOptions): Buffer {
  assertP256(opts.subjectPublicKey, 'public', 'subject public key');
  assertP256(opts.issuerPrivateKey, 'private', 'issuer private key');
  assertP256(opts.issuerPublicKey, 'public', 'issuer public key');
  assertKeyPairMatches(opts.issuerPrivateKey, opts.issuerPublicKey);
  assertValidity(opts.notBefore, opts.notAfter);

  const subjectSpki = spkiOf(opts.subjectPublicKey);
  const tbs = asn1.create(asn1.Class.UNIVERSAL, asn1.Type.SEQUENCE, true, [
    explicit(0, integerFromNumber(2)), // v3
    integerFromUnsigned(opts.serialNumber ?? randomSerialNumber()),
    signatureAlgorithm(),
    encodeName(opts.issuer),
    asn1.create(asn1.Class.UNIVERSAL, asn1.Type.SEQUENCE, true, [encodeTime(opts.notBefore), encodeTime(opts.notAfter)]),
    encodeName(opts.subject),
    subjectSpki.node,
    explicit(3, encodeExtensions(opts, subjectSpki.keyIdentifier, keyIdentifierOf(spkiOf(opts.issuerPublicKey).point))),
  ]);
  const tbsDer = toBuffer(tbs);
  const signature = sign('sha256', tbsDer, { key: opts.issuerPrivateKey, dsaEncoding: 'der' });
  const certificate = asn1.create(asn1.Class.UNIVERSAL, asn1.Type.SEQUENCE, true, [tbs, signatureAlgorithm(), bitString(signature)]);
  return toBuffer(certificate);
}

/** A random serial: 16 bytes, top bit clear (positive), never zero. */
function randomSerialNumber(): Buffer {
  const serial = randomBytes(16);
  serial[0] = (serial[0]! & 0x7f) | 0x01;
  return serial;
}

function assertP256(key: KeyObject, type: 'public' | 'private', what: string): void {
  if (key?.type !== type || key.asymmetricKeyType !== 'ec' || key.asymmetricKeyDetails?.namedCurve !== 'prime256v1') {
    throw new TypeError(`${what} must be an EC P-256 ${type} key`);
  }
}

/** A mismatched pair would sign with one key and name another in authorityKeyIdentifier. */
function assertKeyPairMatches(privateKey: KeyObject, publicKey: KeyObject): void {
  const derived = createPublicKey(privateKey).export({ type: 'spki', format: 'der' });
  if (!derived.equals(publicKey.export({ type: 'spki', format: 'der' }))) {
    throw new RangeError('issuer public key does not belong to the issuer private key');
  }
}

function assertValidity(notBefore: Date, notAfter: Date): void {
  for (const [name, date] of [
    ['notBefore', notBefore],
    ['notAfter', notAfter],
  ] as const) {
    if (!(date instanceof Date) || Number.isNaN(date.getTime())) throw new TypeError(`${name} must be a valid Date`);
    const year = date.getUTCFullYear();
    if (year < 1950 || year > 9999) throw new RangeError(`${name} must be between the years 1950 and 9999`);
  }
  if (notAfter.getTime() <= notBefore.getTime()) throw new RangeError('notAfter must be later than notBefore');
}

interface Spki {
  node: Asn1;
  /** The subjectPublicKey BIT STRING contents without the unused-bits octet (the EC point). */
  point: Buffer;
  keyIdentifier: Buffer;
}

/** SubjectPublicKeyInfo as node:crypto encodes it, re-read so forge can embed it unchanged. */
function spkiOf(publicKey: KeyObject): Spki {
  const der = publicKey.export({ type: 'spki', format: 'der' });
  const node = parseDer(der, { decodeBitStrings: false });
  const bits = childrenOf(node)[1];
  if (!bits || bits.type !== asn1.Type.BITSTRING || typeof bits.value !== 'string') {
    throw new Error('public key export is not a SubjectPublicKeyInfo');
  }
  const point = Buffer.from(bits.value, 'binary').subarray(1);
  return { node, point, keyIdentifier: keyIdentifierOf(point) };
}

/** RFC 5280 §4.2.1.2 method 1: SHA-1 of the subjectPublicKey BIT STRING value. */
function keyIdentifierOf(point: Buffer): Buffer {
  return createHash('sha1').update(point).digest();
}

function encodeExtensions(opts: BuildCertificateOptions, subjectKeyId: Buffer, authorityKeyId: Buffer): Asn1 {
  return asn1.create(asn1.Class.UNIVERSAL, asn1.Type.SEQUENCE, true, [
    extension(OID.basicConstraints, true, encodeBasicConstraints(opts.ca, opts.pathLength)),
    extension(OID.keyUsage, true, encodeKeyUsage(opts.keyUsage)),
    extension(OID.subjectKeyIdentifier, false, octetString(subjectKeyId)),
    extension(
      OID.authorityKeyIdentifier,
      false,
      asn1.create(asn1.Class.UNIVERSAL, asn1.Type.SEQUENCE, true, [asn1.create(asn1.Class.CONTEXT_SPECIFIC, 0, false, authorityKeyId.toString('binary'))]),
    ),
  ]);
}

function extension(oid: string, critical: boolean, value: Asn1): Asn1 {
  const fields = [objectIdentifier(oid)];
  // DER: a BOOLEAN with its DEFAULT value (FALSE) is left out.
  if (critical) fields.push(asn1.create(asn1.Class.UNIVERSAL, asn1.Type.BOOLEAN, false, '\xff'));
  fields.push(octetString(toBuffer(value)));
  return asn1.create(asn1.Class.UNIVERSAL, asn1.Type.SEQUENCE, true, fields);
}

function encodeBasicConstraints(ca: boolean, pathLength: number | undefined): Asn1 {
  const fields: Asn1[] = [];
  if (pathLength !== undefined) {
    if (!ca) throw new RangeError('pathLength only applies to CA certificates');
    if (!Number.isInteger(pathLength) || pathLength < 0 || pathLength > 255) {
      throw new RangeError('pathLength must be an integer from 0 to 255');
    }
  }
  if (ca) fields.push(asn1.create(asn1.Class.UNIVERSAL, asn1.Type.BOOLEAN, false, '\xff'));
  if (ca && pathLength !== undefined) fields.push(integerFromNumber(pathLength));
  return asn1.create(asn1.Class.UNIVERSAL, asn1.Type.SEQUENCE, true, fields);
}

/** A DER named-bit BIT STRING: trailing zero bits dropped, their count in the first octet. */
function encodeKeyUsage(usages: readonly KeyUsage[]): Asn1 {
  if (!Array.isArray(usages) || usages.length === 0) throw new RangeError('keyUsage must name at least one usage');
  let byte = 0;
  for (const usage of usages as readonly unknown[]) {
    if (typeof usage !== 'string' || !Object.hasOwn(KEY_USAGE_BITS, usage)) {
      throw new RangeError('keyUsage may only contain digitalSignature, keyCertSign and cRLSign');
    }
    byte |= 0x80 >> KEY_USAGE_BITS[usage as KeyUsage];
  }
  let unused = 0;
  while (((byte >> unused) & 1) === 0) unused++;
  return asn1.create(asn1.Class.UNIVERSAL, asn1.Type.BITSTRING, false, String.fromCharCode(unused, byte));
}

function encodeName(name: DistinguishedName): Asn1 {
  if (!name || typeof name.commonName !== 'string') throw new TypeError('a distinguished name needs a commonName');
  const rdns: Asn1[] = [];
  for (const { field, oid, printable } of NAME_ATTRIBUTES) {
    const value = name[field];
    if (value === undefined) continue;
    assertAttributeValue(field, value, printable);
    const encoded = printable
      ? asn1.create(asn1.Class.UNIVERSAL, asn1.Type.PRINTABLESTRING, false, value)
      : asn1.create(asn1.Class.UNIVERSAL, asn1.Type.UTF8, false, Buffer.from(value, 'utf8').toString('binary'));
    rdns.push(
      asn1.create(asn1.Class.UNIVERSAL, asn1.Type.SET, true, [asn1.create(asn1.Class.UNIVERSAL, asn1.Type.SEQUENCE, true, [objectIdentifier(oid), encoded])]),
    );
  }
  return asn1.create(asn1.Class.UNIVERSAL, asn1.Type.SEQUENCE, true, rdns);
}

function assertAttributeValue(field: keyof DistinguishedName, value: unknown, printable: boolean): void {
  if (typeof value !== 'string' || value.length === 0 || value.length > MAX_ATTRIBUTE_LENGTH) {
    throw new RangeError(`${field} must be a string of 1-${MAX_ATTRIBUTE_LENGTH} characters`);
  }
  if (field === 'country' && !/^[A-Z]{2}$/.test(value)) throw new RangeError('country must be a two-letter ISO 3166 code');
  if (printable && !PRINTABLE_STRING.test(value)) {
    throw new RangeError(`${field} may only contain PrintableString characters (letters, digits, space and '()+,-./:=?)`);
  }
  // With the u flag a surrogate range only matches unpaired halves, which UTF-8 cannot encode.
  if (!printable && /[\uD800-\uDFFF]/u.test(value)) throw new RangeError(`${field} must be well-formed Unicode`);
}

/** UTCTime before 2050, GeneralizedTime from 2050 (RFC 5280); seconds precision, always Z. */
function encodeTime(date: Date): Asn1 {
  const iso = date.toISOString(); // YYYY-MM-DDTHH:MM:SS.sssZ
  const digits = iso.slice(0, 19).replace(/[-T:]/g, '');
  return date.getUTCFullYear() >= GENERALIZED_TIME_FROM_YEAR
    ? asn1.create(asn1.Class.UNIVERSAL, asn1.Type.GENERALIZEDTIME, false, `${digits}Z`)
    : asn1.create(asn1.Class.UNIVERSAL, asn1.Type.UTCTIME, false, `${digits.slice(2)}Z`);
}

function signatureAlgorithm(): Asn1 {
  // RFC 5758 §3.2: the parameters field is absent for ecdsa-with-SHA256.
  return asn1.create(asn1.Class.UNIVERSAL, asn1.Type.SEQUENCE, true, [objectIdentifier(OID.ecdsaWithSha256)]);
}

function objectIdentifier(oid: string): Asn1 {
  return asn1.create(asn1.Class.UNIVERSAL, asn1.Type.OID, false, asn1.oidToDer(oid).getBytes());
}

function integerFromNumber(value: number): Asn1 {
  return asn1.create(asn1.Class.UNIVERSAL, asn1.Type.INTEGER, false, asn1.integerToDer(value).getBytes());
}

/** A positive DER INTEGER from unsigned big-endian bytes (minimal, 0x00 prefix when the top bit is set). */
function integerFromUnsigned(bytes: Buffer): Asn1 {
  if (!Buffer.isBuffer(bytes) || bytes.length === 0) throw new RangeError('serialNumber must be a non-empty Buffer');
  let start = 0;
  while (start < bytes.length - 1 && bytes[start] === 0) start++;
  const magnitude = bytes.subarray(start);
  if (magnitude.length === 1 && magnitude[0] === 0) throw new RangeError('serialNumber must not be zero');
  if (magnitude.length > MAX_SERIAL_BYTES) throw new RangeError(`serialNumber must be at most ${MAX_SERIAL_BYTES} bytes`);
  const content = magnitude[0]! & 0x80 ? Buffer.concat([Buffer.from([0]), magnitude]) : magnitude;
  return asn1.create(asn1.Class.UNIVERSAL, asn1.Type.INTEGER, false, content.toString('binary'));
}

function octetString(bytes: Buffer): Asn1 {
  return asn1.create(asn1.Class.UNIVERSAL, asn1.Type.OCTETSTRING, false, bytes.toString('binary'));
}

function bitString(bytes: Buffer): Asn1 {
  return asn1.create(asn1.Class.UNIVERSAL, asn1.Type.BITSTRING, false, `\x00${bytes.toString('binary')}`);
}

function explicit(tag: number, inner: Asn1): Asn1 {
  return asn1.create(asn1.Class.CONTEXT_SPECIFIC, tag, true, [inner]);
}

function toBuffer(node: Asn1): Buffer {
  return Buffer.from(asn1.toDer(node).getBytes(), 'binary');
}

// ---------------------------------------------------------------------------------------------
// PEM
// ---------------------------------------------------------------------------------------------

/** PEM with 64-character lines (RFC 7468). */
export function derToPem(der: Buffer, label = 'CERTIFICATE'): string {
  if (!/^[A-Z0-9]+(?: [A-Z0-9]+)*$/.test(label)) throw new RangeError('PEM label must be upper-case words');
  const lines = der.toString('base64').match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${label}-----\n${lines.join('\n')}\n-----END ${label}-----\n`;
}

/** The DER of every CERTIFICATE block, in order; other blocks (keys, CRLs) are ignored. */
export function pemToDers(pem: string): Buffer[] {
  if (typeof pem !== 'string') throw new TypeError('PEM must be a string');
  const ders: Buffer[] = [];
  const block = /-----BEGIN CERTIFICATE-----([^-]*)-----END CERTIFICATE-----/g;
  for (const match of pem.matchAll(block)) {
    const body = match[1]!.replace(/\s+/g, '');
    if (body.length === 0 || body.length % 4 !== 0 || !/^[A-Za-z0-9+/]+={0,2}$/.test(body)) {
      throw new RangeError(`PEM certificate block ${ders.length + 1} is not valid base64`);
    }
    ders.push(Buffer.from(body, 'base64'));
  }
  return ders;
}

// ---------------------------------------------------------------------------------------------
// Reading
// ---------------------------------------------------------------------------------------------

/**
 * The subject of a parsed certificate, read from node's `X509Certificate.subject`.
 *
 * Node prints one `NAME=value` per line with RFC 2253 escaping (`\,`, `\+`, `\\`, `\0A` for
 * control characters), so a value cannot forge an extra line. Throws when an attribute occurs
 * twice (ambiguous), when an RDN is multi-valued, or when there is no commonName.
 */
export function distinguishedNameOf(cert: X509Certificate): DistinguishedName {
  const fields: Partial<Record<keyof DistinguishedName, string>> = {};
  for (const line of cert.subject.split('\n')) {
    if (line.length === 0) continue;
    const { name, value } = parseSubjectLine(line);
    const field = FIELD_BY_SHORT_NAME[name];
    if (field === undefined) continue; // other attributes are not part of onegate's names
    if (fields[field] !== undefined) throw new Error(`certificate subject has more than one ${name} attribute`);
    fields[field] = value;
  }
  if (fields.commonName === undefined) throw new Error('certificate subject has no commonName');
  return { ...fields, commonName: fields.commonName };
}

function parseSubjectLine(line: string): { name: string; value: string } {
  const equals = line.indexOf('=');
  if (equals <= 0) throw new Error('certificate subject could not be read');
  const chars = Array.from(line.slice(equals + 1)); // code points, so astral characters stay whole
  const bytes: number[] = [];
  for (let i = 0; i < chars.length; i++) {
    const char = chars[i]!;
    if (char === '\\') {
      const hex = `${chars[i + 1] ?? ''}${chars[i + 2] ?? ''}`;
      if (/^[0-9A-Fa-f]{2}$/.test(hex)) {
        bytes.push(parseInt(hex, 16));
        i += 2;
      } else if (i + 1 < chars.length) {
        bytes.push(...Buffer.from(chars[++i]!, 'utf8'));
      } else {
        throw new Error('certificate subject could not be read');
      }
      continue;
    }
    // An unescaped ' + ' separates the values of a multi-valued RDN.
    if (char === '+' && chars[i - 1] === ' ' && chars[i + 1] === ' ') throw new Error('certificate subject has a multi-valued RDN');
    bytes.push(...Buffer.from(char, 'utf8'));
  }
  return { name: line.slice(0, equals), value: Buffer.from(bytes).toString('utf8') };
}

/** The certificate's notBefore / notAfter as Dates (node 20 only gives strings). */
export function validityOf(cert: X509Certificate): { notBefore: Date; notAfter: Date } {
  const notBefore = new Date(cert.validFrom);
  const notAfter = new Date(cert.validTo);
  if (Number.isNaN(notBefore.getTime()) || Number.isNaN(notAfter.getTime())) {
    throw new Error('certificate validity could not be read');
  }
  return { notBefore, notAfter };
}

/**
 * keyUsage, basicConstraints and the critical extension OIDs, read from certificate DER.
 * Meant for DER that OpenSSL already parsed; still bounded (depth limit, strict DER) and
 * throws a plain Error on anything unexpected, including a repeated extension.
 */
export function readCertificateExtensions(der: Buffer): CertificateExtensions {
  const certificate = parseDer(der, { decodeBitStrings: false });
  const tbs = childrenOf(certificate)[0];
  const extensionsWrapper = childrenOf(tbs).find((node) => node.tagClass === asn1.Class.CONTEXT_SPECIFIC && node.type === 3);
  const result: { keyUsage?: ReadonlySet<KeyUsage>; basicConstraints?: { ca: boolean; pathLength?: number } } = {};
  const criticalExtensions: string[] = [];
  if (!extensionsWrapper) return { criticalExtensions };

  const seen = new Set<string>();
  for (const ext of childrenOf(childrenOf(extensionsWrapper)[0])) {
    const { oid, critical, value } = readExtension(ext);
    if (seen.has(oid)) throw new Error('certificate repeats an extension');
    seen.add(oid);
    if (critical) criticalExtensions.push(oid);
    if (oid === OID.keyUsage) result.keyUsage = decodeKeyUsage(value);
    if (oid === OID.basicConstraints) result.basicConstraints = decodeBasicConstraints(value);
  }
  return { ...result, criticalExtensions };
}

function readExtension(ext: Asn1): { oid: string; critical: boolean; value: Buffer } {
  const fields = childrenOf(ext);
  const [oidNode, second, third] = fields;
  if (!oidNode || oidNode.type !== asn1.Type.OID) throw new Error('certificate extension has no OID');
  const oid = asn1.derToOid(primitiveValue(oidNode));
  const hasCritical = second?.type === asn1.Type.BOOLEAN && second.tagClass === asn1.Class.UNIVERSAL;
  const critical = hasCritical && primitiveValue(second) !== '\x00';
  const valueNode = hasCritical ? third : second;
  if (!valueNode || valueNode.type !== asn1.Type.OCTETSTRING || fields.length !== (hasCritical ? 3 : 2)) {
    throw new Error('certificate extension is malformed');
  }
  return { oid, critical, value: Buffer.from(primitiveValue(valueNode), 'binary') };
}

function decodeKeyUsage(value: Buffer): ReadonlySet<KeyUsage> {
  const node = parseDer(value, { decodeBitStrings: false });
  if (node.type !== asn1.Type.BITSTRING) throw new Error('keyUsage is not a BIT STRING');
  const bytes = Buffer.from(primitiveValue(node), 'binary');
  const usages = new Set<KeyUsage>();
  for (const [usage, bit] of Object.entries(KEY_USAGE_BITS) as Array<[KeyUsage, number]>) {
    const byte = bytes[1 + (bit >> 3)];
    if (byte !== undefined && (byte & (0x80 >> (bit & 7))) !== 0) usages.add(usage);
  }
  return usages;
}

function decodeBasicConstraints(value: Buffer): { ca: boolean; pathLength?: number } {
  const fields = childrenOf(parseDer(value));
  let index = 0;
  let ca = false;
  if (fields[index]?.type === asn1.Type.BOOLEAN) ca = primitiveValue(fields[index++]!) !== '\x00';
  const pathNode = fields[index];
  if (pathNode === undefined) return { ca };
  if (pathNode.type !== asn1.Type.INTEGER) throw new Error('basicConstraints pathLenConstraint is not an INTEGER');
  const bytes = Buffer.from(primitiveValue(pathNode), 'binary');
  if (bytes.length === 0 || bytes.length > 2 || bytes[0]! & 0x80) throw new Error('basicConstraints pathLenConstraint is out of range');
  return { ca, pathLength: bytes.readUIntBE(0, bytes.length) };
}

interface ParseOptions {
  decodeBitStrings?: boolean;
}

/** forge's fromDer with strict DER, a depth limit, and the whole input consumed. */
function parseDer(der: Buffer, options: ParseOptions = {}): Asn1 {
  const buffer = forge.util.createBuffer(der.toString('binary'));
  // @types/node-forge only declares the old boolean `strict` parameter; forge 1.3+ takes options.
  const fromDer = asn1.fromDer as unknown as (
    bytes: forge.util.ByteBuffer,
    options: { strict: boolean; decodeBitStrings: boolean; maxDepth: number; parseAllBytes: boolean },
  ) => Asn1;
  return fromDer(buffer, {
    strict: true,
    decodeBitStrings: options.decodeBitStrings ?? true,
    maxDepth: MAX_READ_DEPTH,
    parseAllBytes: true,
  });
}

function childrenOf(node: Asn1 | undefined): Asn1[] {
  if (!node || !node.constructed || !Array.isArray(node.value)) throw new Error('expected a constructed ASN.1 value');
  return node.value;
}

function primitiveValue(node: Asn1): string {
  if (typeof node.value !== 'string') throw new Error('expected a primitive ASN.1 value');
  return node.value;
}
