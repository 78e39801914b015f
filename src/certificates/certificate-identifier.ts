import { parseCreditCode } from '../common/identifiers/credit-code.js';
import { iso7064Mod3736 } from '../common/identifiers/iso7064.js';

/**
 * Identifier of an electronic certificate, GB/T 36904-2018 (电子证照 标识规范), as the national
 * e-certificate platform and the provincial platforms write it:
 *
 *   1.2.156.3005.2.{type code}.{issuer code}.{serial}.{version}.{check}
 *
 * - 1.2.156.3005.2: the root OID of electronic certificates (电子证照根代码);
 * - type code (证照类型代码): the unified social credit code (GB 32100) of the authority that defines
 *   the certificate type (证照定义机构, e.g. 民政部 for marriage certificates) followed by a 3-digit
 *   type number — the same for every issuer of that type;
 * - issuer code (证照颁发机构代码): the unified social credit code of the issuing organisation;
 * - serial (流水号): 1–32 digits or capital letters, unique per type and issuer;
 * - version (版本号): 3 digits, `001` for a first issue, incremented for a renewal or replacement;
 * - check (校验位): ISO/IEC 7064 MOD 37,36 (GB/T 17710) over type code, issuer code, serial and
 *   version, concatenated without dots.
 *
 * Until December 2026 onegate wrote a form of its own (ONEGATE_LEGACY): the same layout, but with a
 * 2-digit version and the *issuer's* credit code as the type authority. Certificates issued then keep
 * their identifiers; the parser recognises that form from the identifier alone (2-digit version, type
 * code starting with the issuer code) and says which form it read.
 */
export const CERTIFICATE_IDENTIFIER_PREFIX = '1.2.156.3005.2';

/** GB_T_36904: the national form (3-digit version). ONEGATE_LEGACY: what onegate issued until December 2026. */
export type CertificateIdentifierForm = 'GB_T_36904' | 'ONEGATE_LEGACY';

export interface CertificateIdentifierParts {
  /** 21 characters: the type authority's credit code and a 3-digit type number. */
  typeCode: string;
  /** The issuing organisation's credit code. */
  issuerCode: string;
  serial: string;
  /** 1–999 (1–99 in the legacy form). */
  version: number;
}

/**
 * FORMAT: not of the shape above (prefix, five parts, serial, version, check character's alphabet);
 * TYPE_CODE / ISSUER_CODE: that part is not a valid credit code (GB 32100 check included);
 * CHECK_CHARACTER: well formed, but the MOD 37,36 check character does not match.
 */
export type CertificateIdentifierProblem = 'FORMAT' | 'TYPE_CODE' | 'ISSUER_CODE' | 'CHECK_CHARACTER';

export type ParsedCertificateIdentifier = CertificateIdentifierParts & {
  ok: true;
  value: string;
  form: CertificateIdentifierForm;
  /** The type authority's credit code (the first 18 characters of the type code). */
  typeAuthorityCode: string;
  /** The 3-digit type number (the last 3 characters of the type code). */
  typeNumber: string;
  check: string;
};

export type CertificateIdentifierResult = ParsedCertificateIdentifier | { ok: false; reason: CertificateIdentifierProblem; message: string };

/** Longer than any identifier of the form (94 characters); longer input is not read. */
const MAX_LENGTH = 200;
const SERIAL = /^[0-9A-Z]{1,32}$/;
const TYPE_NUMBER = /^[0-9]{3}$/;
const VERSION = /^[0-9]{3}$/;
const LEGACY_VERSION = /^[0-9]{2}$/;
const CHECK = /^[0-9A-Z]$/;
export const MAX_VERSION = 999;

function checkOf(typeCode: string, issuerCode: string, serial: string, version: string): string {
  return iso7064Mod3736(`${typeCode}${issuerCode}${serial}${version}`);
}

function typeCodeProblem(typeCode: string): string | null {
  if (typeCode.length !== 21 || !TYPE_NUMBER.test(typeCode.slice(18)))
    return 'the type code must be a unified social credit code followed by a 3-digit type number';
  const authority = parseCreditCode(typeCode.slice(0, 18));
  return authority.ok && authority.value === typeCode.slice(0, 18)
    ? null
    : `the type code's authority is not a valid unified social credit code${authority.ok ? '' : ` (${authority.message})`}`;
}

function issuerCodeProblem(issuerCode: string): string | null {
  const issuer = parseCreditCode(issuerCode);
  return issuer.ok && issuer.value === issuerCode
    ? null
    : `the issuer code is not a valid unified social credit code${issuer.ok ? '' : ` (${issuer.message})`}`;
}

/** Builds an identifier of the national form; throws RangeError for parts that do not meet the rules above. */
export function buildCertificateIdentifier(parts: CertificateIdentifierParts): string {
  const typeProblem = typeCodeProblem(parts.typeCode);
  if (typeProblem) throw new RangeError(typeProblem);
  const issuerProblem = issuerCodeProblem(parts.issuerCode);
  if (issuerProblem) throw new RangeError(issuerProblem);
  if (!SERIAL.test(parts.serial)) throw new RangeError('serial must be 1-32 digits or capital letters');
  if (!Number.isInteger(parts.version) || parts.version < 1 || parts.version > MAX_VERSION) throw new RangeError(`version must be 1-${MAX_VERSION}`);
  const version = String(parts.version).padStart(3, '0');
  const check = checkOf(parts.typeCode, parts.issuerCode, parts.serial, version);
  return `${CERTIFICATE_IDENTIFIER_PREFIX}.${parts.typeCode}.${parts.issuerCode}.${parts.serial}.${version}.${check}`;
}

function fail(reason: CertificateIdentifierProblem, message: string): CertificateIdentifierResult {
  return { ok: false, reason, message };
}

/**
 * Reads and checks an identifier of either form, from any type authority and issuer (ours or another
 * platform's). Never throws; says what is wrong without echoing the input.
 */
export function parseCertificateIdentifier(input: unknown): CertificateIdentifierResult {
  if (typeof input !== 'string' || input.length > MAX_LENGTH || !input.startsWith(`${CERTIFICATE_IDENTIFIER_PREFIX}.`)) {
    return fail('FORMAT', `a certificate identifier starts with ${CERTIFICATE_IDENTIFIER_PREFIX}. and is at most ${MAX_LENGTH} characters`);
  }
  const fields = input.slice(CERTIFICATE_IDENTIFIER_PREFIX.length + 1).split('.');
  if (fields.length !== 5)
    return fail('FORMAT', 'a certificate identifier has five parts after the prefix: type code, issuer code, serial, version and check character');
  const [typeCode, issuerCode, serial, version, check] = fields as [string, string, string, string, string];
  const typeProblem = typeCodeProblem(typeCode);
  if (typeProblem) return fail('TYPE_CODE', typeProblem);
  const issuerProblem = issuerCodeProblem(issuerCode);
  if (issuerProblem) return fail('ISSUER_CODE', issuerProblem);
  if (!SERIAL.test(serial)) return fail('FORMAT', 'the serial must be 1-32 digits or capital letters');
  let form: CertificateIdentifierForm;
  if (VERSION.test(version) && version !== '000') form = 'GB_T_36904';
  // onegate's own form until December 2026: 2 digits, and the issuer was its own type authority.
  else if (LEGACY_VERSION.test(version) && version !== '00' && typeCode.startsWith(issuerCode)) form = 'ONEGATE_LEGACY';
  else return fail('FORMAT', 'the version must be 3 digits from 001 to 999');
  if (!CHECK.test(check)) return fail('FORMAT', 'the check character must be one digit or capital letter');
  if (checkOf(typeCode, issuerCode, serial, version) !== check) {
    return fail('CHECK_CHARACTER', 'the check character does not match the rest of the identifier (ISO/IEC 7064 MOD 37,36): it was mistyped or altered');
  }
  return {
    ok: true,
    value: input,
    form,
    typeCode,
    typeAuthorityCode: typeCode.slice(0, 18),
    typeNumber: typeCode.slice(18),
    issuerCode,
    serial,
    version: Number(version),
    check,
  };
}
