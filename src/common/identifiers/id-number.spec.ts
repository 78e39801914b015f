import { computeIdNumberCheck, parseIdNumber, type IdNumberErrorReason } from './id-number.js';

// Fixed clock so fixtures near "today" do not change meaning over time.
const NOW = new Date('2026-11-22T00:00:00Z');

describe('computeIdNumberCheck', () => {
  it('computes the GB 11643-1999 check character', () => {
    // Hand check for 11010519491231002X:
    // digits  1 1  0 1 0 5 1 9 4 9 1 2  3 1 0 0 2
    // weights 7 9 10 5 8 4 2 1 6 3 7 9 10 5 8 4 2
    // products 7+9+0+5+0+20+2+9+24+27+7+18+30+5+0+0+4 = 167; 167 mod 11 = 2; "10X98765432"[2] = 'X'
    expect(computeIdNumberCheck('11010519491231002')).toBe('X');
    expect(computeIdNumberCheck('44052418800101001')).toBe('4');
  });

  it('rejects input that is not exactly 17 digits', () => {
    expect(() => computeIdNumberCheck('1101051949123100')).toThrow(RangeError);
    expect(() => computeIdNumberCheck('110105194912310021')).toThrow(RangeError);
    expect(() => computeIdNumberCheck('1101051949123100X')).toThrow(RangeError);
  });
});

describe('parseIdNumber', () => {
  it('accepts a valid number and extracts birth date, sex and region', () => {
    expect(parseIdNumber('11010519491231002X', NOW)).toEqual({
      ok: true,
      value: '11010519491231002X',
      birthDate: '1949-12-31',
      sex: 'F',
      regionCode: '110105',
    });
    expect(parseIdNumber('440524188001010014', NOW)).toEqual({
      ok: true,
      value: '440524188001010014',
      birthDate: '1880-01-01',
      sex: 'M',
      regionCode: '440524',
    });
  });

  it('normalises a trailing lowercase x and surrounding whitespace', () => {
    expect(parseIdNumber('11010519491231002x', NOW)).toMatchObject({ ok: true, value: '11010519491231002X' });
    expect(parseIdNumber('  11010519491231002x\n', NOW)).toMatchObject({ ok: true, value: '11010519491231002X' });
  });

  it.each([
    ['330825198803142023', '1988-03-14', 'F'],
    ['330825198611021315', '1986-11-02', 'M'],
    ['330825202609180842', '2026-09-18', 'F'],
    ['31010519660520037X', '1966-05-20', 'M'],
    ['320113199007071462', '1990-07-07', 'F'],
    ['640106195001150197', '1950-01-15', 'M'],
    ['440105194002290556', '1940-02-29', 'M'], // 1940 is a leap year
    ['440105196808080661', '1968-08-08', 'F'],
  ])('accepts fixture %s', (id, birthDate, sex) => {
    expect(parseIdNumber(id, NOW)).toEqual({ ok: true, value: id, birthDate, sex, regionCode: id.slice(0, 6) });
  });

  const futureId = '11010520991231001' + computeIdNumberCheck('11010520991231001');
  const notLeapDay = '11010519000229001' + computeIdNumberCheck('11010519000229001');
  const before1800 = '11010517991231001' + computeIdNumberCheck('11010517991231001');

  it.each<[string, unknown, IdNumberErrorReason, string]>([
    ['wrong check character', '110105194912310021', 'CHECK_CHARACTER', 'check character does not match'],
    ['wrong check character (fixture)', '330825198803142024', 'CHECK_CHARACTER', 'GB 11643-1999'],
    ['30 February', '330825198802302023', 'DATE_INVALID', 'impossible birth date 1988-02-30'],
    ['29 February 1900 (not a leap year)', notLeapDay, 'DATE_INVALID', 'impossible birth date 1900-02-29'],
    ['year before 1800', before1800, 'DATE_INVALID', 'impossible birth date 1799-12-31'],
    ['birth date in the future', futureId, 'DATE_FUTURE', 'future birth date 2099-12-31'],
    ['17 characters', '33082519880314202', 'LENGTH', 'must be 18 characters, got 17'],
    ['19 characters', '3308251988031420231', 'LENGTH', 'must be 18 characters, got 19'],
    ['empty string', '   ', 'LENGTH', 'got 0'],
    ['letter other than X', '33082519880314202Z', 'CHARACTER', "invalid character 'Z' at position 18"],
    ['X not in last position', '3308251988031420X3', 'CHARACTER', "invalid character 'X' at position 17"],
    ['legacy 15-digit form', '330825880314202', 'LEGACY_15_DIGIT', 'legacy 15-digit form (GB 11643-1989)'],
    // eslint-disable-next-line no-loss-of-precision -- an 18-digit number, as a careless client sends it
    ['number instead of string', 330825198803142023, 'TYPE', 'must be a string'],
    ['null', null, 'TYPE', 'must be a string'],
  ])('rejects %s', (_label, input, reason, messagePart) => {
    const result = parseIdNumber(input, NOW);
    expect(result).toMatchObject({ ok: false, reason });
    if (result.ok) return;
    expect(result.message).toContain(messagePart);
    // The ID number is personal data: the message must not repeat it.
    const raw = String(input).trim();
    if (raw) expect(result.message).not.toContain(raw);
  });

  it('does not reveal the expected check character', () => {
    const result = parseIdNumber('110105194912310021', NOW);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.message).not.toMatch(/expected|\bX\b/);
  });

  it('shows the code point of an invisible offending character', () => {
    // A zero-width space pasted in place of a digit would be unreadable if merely quoted.
    expect(parseIdNumber('3308251988\u200B3142023', NOW)).toMatchObject({
      ok: false,
      reason: 'CHARACTER',
      message: expect.stringContaining('(U+200B) at position 11'),
    });
  });

  it('uses the current date by default', () => {
    expect(parseIdNumber('11010519491231002X')).toMatchObject({ ok: true });
    expect(parseIdNumber(futureId)).toMatchObject({ ok: false, reason: 'DATE_FUTURE' });
  });

  it('decides "future" by the calendar date in China Standard Time (UTC+8)', () => {
    // Born 2026-09-18; that day starts at 2026-09-17T16:00:00Z.
    expect(parseIdNumber('330825202609180842', new Date('2026-09-17T15:59:59Z'))).toMatchObject({
      ok: false,
      reason: 'DATE_FUTURE',
    });
    expect(parseIdNumber('330825202609180842', new Date('2026-09-17T16:00:00Z'))).toMatchObject({ ok: true });
  });
});
