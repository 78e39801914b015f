import { parseCreditCode } from '../common/identifiers/credit-code.js';
import { iso7064Mod3736 } from '../common/identifiers/iso7064.js';

/**
 * Identifier of an electronic certificate in the style of GB/T 36904 (电子证照 标识规范):
 *
 *   1.2.156.3005.2.{type code}.{issuer code}.{serial}.{version}.{check}
 *
 * - type code: the unified social credit code of the department that defines the certificate type,
 *   followed by a 3-digit type number (e.g. `11100000000013127D` + `001`);
 * - issuer code: the unified social credit code of the issuing organisation;
 * - serial: 1–32 digits or capital letters, unique per type and issuer;
 * - version: 2 digits, `01` for a first issue, higher for a renewal that replaces an earlier one;
 * - check: ISO 7064 MOD 37,36 over the type code, issuer code, serial and version (without dots).
 */
export const CERTIFICATE_IDENTIFIER_PREFIX = '1.2.156.3005.2';

export interface CertificateIdentifierParts {
  typeCode: string;
  issuerCode: string;
  serial: string;
  version: number;
}

export type CertificateIdentifierResult =
  | ({ ok: true; value: string; check: string } & CertificateIdentifierParts)
  | { ok: false; reason: 'FORMAT' | 'TYPE_CODE' | 'ISSUER_CODE' | 'CHECK_CHARACTER'; message: string };

const SERIAL = /^[0-9A-Z]{1,32}$/;
const TYPE_NUMBER = /^[0-9]{3}$/;
const VERSION = /^[0-9]{2}$/;

function checkOf(parts: { typeCode: string; issuerCode: string; serial: string; version: string }): string {
  return iso7064Mod3736(`${parts.typeCode}${parts.issuerCode}${parts.serial}${parts.version}`);
}

function typeCodeProblem(typeCode: string): string | null {
  if (typeCode.length !== 21 || !TYPE_NUMBER.test(typeCode.slice(18))) return 'type code must be a unified social credit code followed by a 3-digit type number';
  const authority = parseCreditCode(typeCode.slice(0, 18));
  return authority.ok ? null : `type code: ${authority.message}`;
}

/** Builds the identifier; throws RangeError for parts that do not meet the rules above. */
export function buildCertificateIdentifier(parts: CertificateIdentifierParts): string {
  const typeProblem = typeCodeProblem(parts.typeCode);
  if (typeProblem) throw new RangeError(typeProblem);
  const issuer = parseCreditCode(parts.issuerCode);
  if (!issuer.ok) throw new RangeError(`issuer code: ${issuer.message}`);
  if (!SERIAL.test(parts.serial)) throw new RangeError('serial must be 1-32 digits or capital letters');
  if (!Number.isInteger(parts.version) || parts.version < 1 || parts.version > 99) throw new RangeError('version must be 1-99');
  const version = String(parts.version).padStart(2, '0');
  const check = checkOf({ ...parts, version });
  return `${CERTIFICATE_IDENTIFIER_PREFIX}.${parts.typeCode}.${parts.issuerCode}.${parts.serial}.${version}.${check}`;
}

/** Reads and checks an identifier; says what is wrong without echoing it. */
export function parseCertificateIdentifier(input: unknown): CertificateIdentifierResult {
  if (typeof input !== 'string' || input.length > 200 || !input.startsWith(`${CERTIFICATE_IDENTIFIER_PREFIX}.`)) {
    return { ok: false, reason: 'FORMAT', message: `a certificate identifier starts with ${CERTIFICATE_IDENTIFIER_PREFIX}.` };
  }
  const fields = input.slice(CERTIFICATE_IDENTIFIER_PREFIX.length + 1).split('.');
  if (fields.length !== 5) return { ok: false, reason: 'FORMAT', message: 'a certificate identifier has type code, issuer code, serial, version and check after the prefix' };
  const [typeCode, issuerCode, serial, version, check] = fields as [string, string, string, string, string];
  const typeProblem = typeCodeProblem(typeCode);
  if (typeProblem) return { ok: false, reason: 'TYPE_CODE', message: typeProblem };
  const issuer = parseCreditCode(issuerCode);
  if (!issuer.ok) return { ok: false, reason: 'ISSUER_CODE', message: `issuer code: ${issuer.message}` };
  if (!SERIAL.test(serial) || !VERSION.test(version) || version === '00' || !/^[0-9A-Z]$/.test(check)) {
    return { ok: false, reason: 'FORMAT', message: 'serial must be 1-32 digits or capital letters, version 2 digits (01-99), check 1 character' };
  }
  if (checkOf({ typeCode, issuerCode, serial, version }) !== check) {
    return { ok: false, reason: 'CHECK_CHARACTER', message: 'the check character does not match (ISO 7064 MOD 37,36)' };
  }
  return { ok: true, value: input, typeCode, issuerCode, serial, version: Number(version), check };
}
