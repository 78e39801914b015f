import { ageOn, calendarDate } from '../common/calendar-date.js';
import { compileClaimsSchema, type CertificateType, type Condition } from './certificate-types.js';

export type ClaimsRefusal = 'NO_RECORD' | 'CONDITION_NOT_MET' | 'CLAIMS_INVALID';

export type BuildClaimsResult = { ok: true; claims: Record<string, unknown> } | { ok: false; reason: ClaimsRefusal; message: string };

/**
 * Builds a type's claims from the records the exchange returned for the holder (item code -> records),
 * then checks the type's conditions and its claims schema. Messages name items and claims, never a
 * value: claims are citizen data.
 *
 * - a `field` claim takes the field of the item's one record (none: NO_RECORD; several: CLAIMS_INVALID);
 *   an absent field becomes null, which only passes if the claims schema allows null;
 * - an `all` claim lists the chosen fields of every record of the item (possibly none);
 * - conditions are checked before the schema, so a record that does not qualify (say a divorce
 *   without a spouse) is reported as CONDITION_NOT_MET rather than as invalid claims;
 * - `ageAtLeast` counts whole years from the birth date to `now`'s UTC calendar date; the birthday
 *   itself counts (someone born on 29 February turns a year older on 1 March in other years).
 */
export function buildClaims(type: CertificateType, records: ReadonlyMap<string, readonly Record<string, unknown>[]>, now: Date): BuildClaimsResult {
  if (Number.isNaN(now.getTime())) throw new RangeError('buildClaims: now is not a valid date');

  const claims: Record<string, unknown> = {};
  for (const [name, source] of Object.entries(type.claims)) {
    const held = records.get(source.from) ?? [];
    if ('field' in source) {
      if (held.length === 0) return refuse('NO_RECORD', `the department holds no ${source.from} record for this holder`);
      if (held.length > 1) {
        return refuse('CLAIMS_INVALID', `the department holds ${held.length} ${source.from} records for this holder; the ${name} claim needs exactly one`);
      }
      claims[name] = copy(held[0]![source.field]);
    } else {
      claims[name] = held.map((record) => Object.fromEntries(source.fields.map((field) => [field, copy(record[field])])));
    }
  }

  for (const condition of type.conditions) {
    const refusal = unmet(type, condition, claims, now);
    if (refusal) return refusal;
  }

  const validate = compileClaimsSchema(type.claimsSchema);
  if (!validate(claims)) {
    const error = validate.errors?.[0];
    const path = error?.instancePath ?? '';
    const claim = path.split('/')[1] || String(error?.params?.missingProperty ?? error?.params?.additionalProperty ?? '');
    const where = path.split('/').length > 2 ? ` (at ${path})` : '';
    return refuse('CLAIMS_INVALID', `the ${claim} claim${where} does not meet the ${type.code} claims schema: ${error?.message ?? 'invalid'}`);
  }
  return { ok: true, claims };
}

function unmet(type: CertificateType, condition: Condition, claims: Record<string, unknown>, now: Date): BuildClaimsResult | null {
  if ('ageAtLeast' in condition) {
    const birth = calendarDate(claims[condition.birthDateClaim]);
    if (!birth) return refuse('CLAIMS_INVALID', `the ${condition.birthDateClaim} claim is not a valid date (YYYY-MM-DD)`);
    return ageOn(birth, now) >= condition.ageAtLeast
      ? null
      : refuse('CONDITION_NOT_MET', `a ${type.code} requires the holder to be at least ${condition.ageAtLeast} years old`);
  }
  if ('in' in condition) {
    return condition.in.includes(claims[condition.claim] as string | number | boolean)
      ? null
      : refuse('CONDITION_NOT_MET', `a ${type.code} requires ${condition.claim} to be ${condition.in.join(' or ')}`);
  }
  const value = claims[condition.claim];
  const empty = value === null || value === '' || (Array.isArray(value) && value.length === 0);
  return empty ? refuse('CONDITION_NOT_MET', `a ${type.code} requires at least one ${condition.claim} entry; the holder has none`) : null;
}

/** Absent or undefined becomes null; objects are copied so the claims never alias the records. */
function copy(value: unknown): unknown {
  return value === undefined ? null : structuredClone(value);
}

function refuse(reason: ClaimsRefusal, message: string): BuildClaimsResult {
  return { ok: false, reason, message };
}
