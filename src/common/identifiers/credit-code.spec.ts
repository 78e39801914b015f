import { computeCreditCodeCheck, organizationCodeChecks, parseCreditCode, type CreditCodeErrorReason } from './credit-code.js';

describe('computeCreditCodeCheck', () => {
  it('computes the GB 32100-2015 check character', () => {
    // Hand check for 91350100M000100Y43 (M = 21, Y = 30 in the 31-character alphabet):
    // 9*1 + 1*3 + 3*9 + 5*27 + 1*26 + 21*20 + 1*8 + 30*30 + 4*28 = 1640; 1640 mod 31 = 28; 31 - 28 = 3
    expect(computeCreditCodeCheck('91350100M000100Y4')).toBe('3');
    expect(computeCreditCodeCheck('91330782MA2E00017')).toBe('B');
  });

  it('maps a check value of 31 to 0', () => {
    // Weighted sum of this prefix is a multiple of 31.
    expect(computeCreditCodeCheck('91350100M000100Y3')).toBe('0');
  });

  it('rejects input that is not 17 characters of the alphabet', () => {
    expect(() => computeCreditCodeCheck('91350100M000100Y')).toThrow(RangeError);
    expect(() => computeCreditCodeCheck('91350100I000100Y4')).toThrow(RangeError);
  });
});

describe('parseCreditCode', () => {
  it('accepts a valid code and splits it into its parts', () => {
    expect(parseCreditCode('91350100M000100Y43')).toEqual({
      ok: true,
      value: '91350100M000100Y43',
      registrationAuthority: '9',
      category: '1',
      regionCode: '350100',
      organizationCode: 'M000100Y4',
    });
    expect(parseCreditCode('91330782MA2E00017B')).toMatchObject({
      ok: true,
      regionCode: '330782',
      organizationCode: 'MA2E00017',
    });
    expect(parseCreditCode('91350100M000100Y30')).toMatchObject({ ok: true });
  });

  it('normalises case and surrounding whitespace', () => {
    expect(parseCreditCode(' 91330782ma2e00017b ')).toMatchObject({ ok: true, value: '91330782MA2E00017B' });
  });

  it.each<[string, unknown, CreditCodeErrorReason, string]>([
    ['wrong check character', '91350100M000100Y44', 'CHECK_CHARACTER', 'does not match (GB 32100-2015 checksum)'],
    // Z is outside the GB 32100 alphabet, so this fails the character check before the checksum is computed.
    ['Z as check character', '91350100M000100Y4Z', 'CHARACTER', "invalid character 'Z' at position 18"],
    ['letter I', '91350100MI00100Y43', 'CHARACTER', "invalid character 'I' at position 10"],
    ['lowercase o (upper-cased before checking)', '91350100M0o0100Y43', 'CHARACTER', "'O' at position 11"],
    ['17 characters', '91350100M000100Y4', 'LENGTH', 'must be 18 characters, got 17'],
    ['19 characters', '91350100M000100Y430', 'LENGTH', 'got 19'],
    ['non-string', 91350100, 'TYPE', 'must be a string'],
  ])('rejects %s', (_label, input, reason, messagePart) => {
    const result = parseCreditCode(input);
    expect(result).toMatchObject({ ok: false, reason });
    if (result.ok) return;
    expect(result.message).toContain(messagePart);
    expect(result.message).not.toContain(String(input));
  });

  it('names the unused letters in a character error', () => {
    const result = parseCreditCode('91350100MI00100Y43');
    expect(!result.ok && result.message).toContain('I, O, S, V and Z are not used');
  });
});

describe('organizationCodeChecks (GB 11714-1997)', () => {
  it('accepts the organization codes of real credit codes', () => {
    // 民政部 111000000000131433, 自然资源部 11100000MB03271699, 住房和城乡建设部 11100000000013338W:
    // hand check for 000013143: 1*5 + 3*8 + 1*4 + 4*2 = 41; 41 mod 11 = 8; 11 - 8 = 3.
    for (const code of ['111000000000131433', '11100000MB03271699', '11100000000013338W', '91350100M000100Y43']) {
      expect(organizationCodeChecks(code.slice(8, 17))).toBe(true);
    }
  });

  it('writes 10 as X and 11 as 0, and refuses a wrong or malformed check character', () => {
    expect(organizationCodeChecks('000000000')).toBe(true); // sum 0: 11, written 0
    expect(organizationCodeChecks('00000006X')).toBe(true); // 6*2 = 12, 12 mod 11 = 1: 10, written X
    expect(organizationCodeChecks('000000069')).toBe(false);
    expect(organizationCodeChecks('000000001')).toBe(false);
    expect(organizationCodeChecks('0000000')).toBe(false);
    expect(organizationCodeChecks('00000000x')).toBe(false);
  });
});
