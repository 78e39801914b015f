/**
 * Unified Social Credit Code (统一社会信用代码), GB 32100-2015.
 *
 * Layout: registration authority (1 char), organisation category (1),
 * registration region code (6), organisation code (9, GB 11714), check character (1).
 * The alphabet omits I, O, S, V and Z to avoid confusion with 1, 0, 5, U and 2.
 */

export type CreditCodeErrorReason = 'TYPE' | 'LENGTH' | 'CHARACTER' | 'CHECK_CHARACTER';

export type CreditCodeParseResult =
  | {
      ok: true;
      value: string;
      registrationAuthority: string;
      category: string;
      regionCode: string;
      organizationCode: string;
    }
  | { ok: false; reason: CreditCodeErrorReason; message: string };

const ALPHABET = '0123456789ABCDEFGHJKLMNPQRTUWXY';
const WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];

export function computeCreditCodeCheck(first17: string): string {
  if (first17.length !== 17) {
    throw new RangeError('computeCreditCodeCheck expects exactly 17 characters');
  }
  const sum = WEIGHTS.reduce((acc, w, i) => {
    const v = ALPHABET.indexOf(first17.charAt(i));
    if (v < 0) throw new RangeError(`computeCreditCodeCheck: invalid character at position ${i + 1}`);
    return acc + v * w;
  }, 0);
  // 31 - 0 would be 31, which the standard maps to 0.
  return ALPHABET.charAt((31 - (sum % 31)) % 31);
}

export function parseCreditCode(input: unknown): CreditCodeParseResult {
  if (typeof input !== 'string') return fail('TYPE', 'Credit code must be a string');

  const value = input.trim().toUpperCase();
  if (value.length !== 18) {
    return fail('LENGTH', `Credit code must be 18 characters, got ${value.length}`);
  }
  for (let i = 0; i < 18; i++) {
    const c = value.charAt(i);
    if (!ALPHABET.includes(c)) {
      return fail(
        'CHARACTER',
        `Credit code has an invalid character ${quoteChar(c)} at position ${i + 1} ` +
          '(only digits and capital letters are allowed; I, O, S, V and Z are not used)',
      );
    }
  }
  if (computeCreditCodeCheck(value.slice(0, 17)) !== value.charAt(17)) {
    return fail('CHECK_CHARACTER', 'Credit code check character does not match (GB 32100-2015 checksum)');
  }

  return {
    ok: true,
    value,
    registrationAuthority: value.charAt(0),
    category: value.charAt(1),
    regionCode: value.slice(2, 8),
    organizationCode: value.slice(8, 17),
  };
}

const ORGANIZATION_CODE_ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ';
const ORGANIZATION_CODE_WEIGHTS = [3, 7, 9, 10, 5, 8, 4, 2];

/**
 * Whether a 9-character organization code (GB 11714-1997; characters 9–17 of a credit code) carries
 * its own check character: C9 = 11 − (Σ Ci·Wi mod 11), 10 written X and 11 written 0. Every code a
 * registration authority assigns passes; GB 32100's check does not look at it.
 */
export function organizationCodeChecks(organizationCode: string): boolean {
  if (!/^[0-9A-Z]{8}[0-9X]$/.test(organizationCode)) return false;
  const sum = ORGANIZATION_CODE_WEIGHTS.reduce((acc, w, i) => acc + ORGANIZATION_CODE_ALPHABET.indexOf(organizationCode.charAt(i)) * w, 0);
  const c9 = 11 - (sum % 11);
  return organizationCode.charAt(8) === (c9 === 10 ? 'X' : c9 === 11 ? '0' : String(c9));
}

function fail(reason: CreditCodeErrorReason, message: string): CreditCodeParseResult {
  return { ok: false, reason, message };
}

// Invisible or look-alike characters (e.g. a zero-width space) are unreadable when merely quoted.
function quoteChar(c: string): string {
  return /^[\x21-\x7e]$/.test(c) ? `'${c}'` : `'${c}' (U+${c.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')})`;
}
