/**
 * The vocabulary a matter's rules and its party roles share: what a matter is about and the
 * conditions set on a subject or a party, with their checking. matter-definition.ts re-exports it.
 */

export const MATTER_SUBJECTS = ['PERSON', 'ENTERPRISE'] as const;
export type MatterSubject = (typeof MATTER_SUBJECTS)[number];

/**
 * A condition a matter sets on its subject, judged in access/ from the subject's records before
 * anything is released: DECEASED — a death record exists (affairs after a death are not about the
 * living); AGE_AT_LEAST — the registered birth date is at least `years` ago; MINOR — under 18.
 */
export const SUBJECT_CONDITION_KINDS = ['DECEASED', 'AGE_AT_LEAST', 'MINOR'] as const;
export type SubjectCondition = { condition: 'DECEASED' } | { condition: 'AGE_AT_LEAST'; years: number } | { condition: 'MINOR' };

/** The data item each subject condition is judged from. */
export const SUBJECT_CONDITION_ITEMS: Record<SubjectCondition['condition'], string> = {
  DECEASED: 'death.medical_certificate',
  AGE_AT_LEAST: 'person.identity',
  MINOR: 'person.identity',
};

/** A matter (or one of its party roles) as declared is not valid; the message names the field at fault. */
export class MatterDefinitionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MatterDefinitionError';
  }
}

/**
 * Checks a list of conditions at `field`; each must be judged from one of `items` (the facts are
 * read under the matter's or the role's own items: a condition may not make it read more).
 */
export function parseConditions(value: unknown, field: string, items: readonly string[], reader: string, max: number): SubjectCondition[] {
  if (!Array.isArray(value) || value.length > max) throw new MatterDefinitionError(`${field} must be a list of at most ${max} conditions`);
  const seen = new Set<string>();
  return value.map((raw: unknown, i: number): SubjectCondition => {
    const c = (typeof raw === 'object' && raw !== null && !Array.isArray(raw) ? raw : {}) as Record<string, unknown>;
    if (typeof c.condition !== 'string' || !(SUBJECT_CONDITION_KINDS as readonly string[]).includes(c.condition)) {
      throw new MatterDefinitionError(`${field}[${i}].condition must be one of ${SUBJECT_CONDITION_KINDS.join(', ')}`);
    }
    const kind = c.condition as SubjectCondition['condition'];
    if (seen.has(kind)) throw new MatterDefinitionError(`${field} lists ${kind} twice`);
    seen.add(kind);
    const extra = Object.keys(c).find((key) => key !== 'condition' && c[key] !== null && c[key] !== undefined && !(kind === 'AGE_AT_LEAST' && key === 'years'));
    if (extra) throw new MatterDefinitionError(`${field}[${i}] has an unknown field "${extra}"`);
    const item = SUBJECT_CONDITION_ITEMS[kind];
    if (!items.includes(item)) throw new MatterDefinitionError(`${field}[${i}] ${kind} is judged from "${item}", which ${reader} may not read`);
    if (kind === 'AGE_AT_LEAST') {
      if (!Number.isInteger(c.years) || (c.years as number) < 1 || (c.years as number) > 150) {
        throw new MatterDefinitionError(`${field}[${i}].years must be a whole number from 1 to 150`);
      }
      return { condition: kind, years: c.years as number };
    }
    return { condition: kind };
  });
}
