/**
 * Chinese resident identity number (公民身份号码), GB 11643-1999.
 *
 * Layout: 6-digit region code, 8-digit birth date (YYYYMMDD), 3-digit sequence
 * (odd = male), 1 check character computed with ISO 7064 MOD 11-2.
 *
 * Error messages never echo the input: an ID number is personal data and
 * messages end up in responses and logs. Quoting a single offending character
 * or the (already invalid) birth date is considered acceptable.
 */

export type IdNumberErrorReason = 'TYPE' | 'LEGACY_15_DIGIT' | 'LENGTH' | 'CHARACTER' | 'DATE_INVALID' | 'DATE_FUTURE' | 'CHECK_CHARACTER';

export type IdNumberParseResult =
  { ok: true; value: string; birthDate: string; sex: 'M' | 'F'; regionCode: string } | { ok: false; reason: IdNumberErrorReason; message: string };

const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const CHECK_CHARS = '10X98765432';
// The standard does not bound the year; anything this old is a data-entry error.
const MIN_BIRTH_YEAR = 1800;
// Birth dates are Chinese calendar dates, so "today" is evaluated in China Standard Time (UTC+8).
const CST_OFFSET_MS = 8 * 60 * 60 * 1000;

export function computeIdNumberCheck(first17: string): string {
  if (!/^\d{17}$/.test(first17)) {
    throw new RangeError('computeIdNumberCheck expects exactly 17 digits');
  }
  const sum = WEIGHTS.reduce((acc, w, i) => acc + Number(first17.charAt(i)) * w, 0);
  return CHECK_CHARS.charAt(sum % 11);
}

export function parseIdNumber(input: unknown, now: Date = new Date()): IdNumberParseResult {
  if (typeof input !== 'string') return fail('TYPE', 'ID number must be a string');

  let value = input.trim();
  if (/^\d{15}$/.test(value)) {
    return fail('LEGACY_15_DIGIT', 'ID number is in the legacy 15-digit form (GB 11643-1989); the 18-digit form is required');
  }
  if (value.length !== 18) {
    return fail('LENGTH', `ID number must be 18 characters, got ${value.length}`);
  }
  if (value.charAt(17) === 'x') value = value.slice(0, 17) + 'X';

  for (let i = 0; i < 18; i++) {
    const c = value.charAt(i);
    const allowed = (c >= '0' && c <= '9') || (i === 17 && c === 'X');
    if (!allowed) {
      return fail(
        'CHARACTER',
        `ID number has an invalid character ${quoteChar(c)} at position ${i + 1} ` + '(only digits, and X as the last character, are allowed)',
      );
    }
  }

  const year = Number(value.slice(6, 10));
  const month = Number(value.slice(10, 12));
  const day = Number(value.slice(12, 14));
  const birthDate = `${value.slice(6, 10)}-${value.slice(10, 12)}-${value.slice(12, 14)}`;
  // Date.UTC rolls over out-of-range parts (Feb 30 -> Mar 2), so a round trip detects impossible dates.
  const date = new Date(Date.UTC(year, month - 1, day));
  const isRealDate = date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
  if (!isRealDate || year < MIN_BIRTH_YEAR) {
    return fail('DATE_INVALID', `ID number contains an impossible birth date ${birthDate}`);
  }

  const today = new Date(now.getTime() + CST_OFFSET_MS).toISOString().slice(0, 10);
  if (birthDate > today) {
    return fail('DATE_FUTURE', `ID number contains a future birth date ${birthDate}`);
  }

  if (computeIdNumberCheck(value.slice(0, 17)) !== value.charAt(17)) {
    return fail('CHECK_CHARACTER', 'ID number check character does not match (GB 11643-1999 checksum)');
  }

  return {
    ok: true,
    value,
    birthDate,
    sex: Number(value.charAt(16)) % 2 === 1 ? 'M' : 'F',
    regionCode: value.slice(0, 6),
  };
}

function fail(reason: IdNumberErrorReason, message: string): IdNumberParseResult {
  return { ok: false, reason, message };
}

// Invisible or look-alike characters (e.g. a zero-width space) are unreadable when merely quoted.
function quoteChar(c: string): string {
  return /^[\x21-\x7e]$/.test(c) ? `'${c}'` : `'${c}' (U+${c.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')})`;
}
