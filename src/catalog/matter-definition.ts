/**
 * A matter (事项): what a clerk, department or citizen states as the purpose of a lookup. It fixes
 * which data items may be read, whether the citizen's consent is needed, who may handle it, where
 * (jurisdiction) and which materials it needs. Declared in schemas/matters/, managed by admins.
 */
export const MATTER_ROLES = ['clerk', 'department', 'citizen'] as const;
export type MatterRole = (typeof MATTER_ROLES)[number];

export const MATTER_SUBJECTS = ['PERSON', 'ENTERPRISE'] as const;
export type MatterSubject = (typeof MATTER_SUBJECTS)[number];

/**
 * Where a clerk may handle the matter, compared with the subject's administrative division
 * (the first six characters of an ID number; characters 3–8 of a credit code):
 * ANY — any hall; PROVINCE / CITY / COUNTY — the hall's region shares the first 2 / 4 / 6 digits.
 */
export const JURISDICTIONS = ['ANY', 'PROVINCE', 'CITY', 'COUNTY'] as const;
export type Jurisdiction = (typeof JURISDICTIONS)[number];

/**
 * A condition a matter sets on its subject, judged in access/ from the subject's records before
 * anything is released: DECEASED — a death record exists (affairs after a death are not about the
 * living); AGE_AT_LEAST — the registered birth date is at least `years` ago; MINOR — under 18.
 */
export const SUBJECT_CONDITION_KINDS = ['DECEASED', 'AGE_AT_LEAST', 'MINOR'] as const;
export type SubjectCondition = { condition: 'DECEASED' } | { condition: 'AGE_AT_LEAST'; years: number } | { condition: 'MINOR' };

export interface MaterialDefinition {
  code: string;
  name: string;
  /** Data items or certificate types that satisfy the material; both empty: the applicant brings it. */
  satisfiedBy: { dataItems: string[]; certificateTypes: string[] };
}

export interface MatterDefinition {
  code: string;
  name: string;
  nameZh: string | null;
  description: string;
  subject: MatterSubject;
  dataItems: string[];
  consentRequired: boolean;
  roles: MatterRole[];
  jurisdiction: Jurisdiction;
  /** Conditions on the subject; empty: none. */
  subjectConditions: SubjectCondition[];
  materials: MaterialDefinition[];
}

export const MATTER_CODE = /^[A-Z][A-Z0-9_]{1,63}$/;
const MATERIAL_CODE = /^[A-Z][A-Z0-9_]{1,63}$/;
const CERTIFICATE_TYPE = /^[A-Z][A-Z0-9_]{1,63}$/;
const MAX_MATERIALS = 32;

export class MatterDefinitionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MatterDefinitionError';
  }
}

function text(value: unknown, field: string, max: number, optional = false): string | null {
  if ((value === undefined || value === null) && optional) return null;
  if (typeof value !== 'string' || value.trim() === '' || value.length > max) {
    throw new MatterDefinitionError(`${field} must be a non-empty string of at most ${max} characters`);
  }
  return value;
}

function codes(value: unknown, field: string, pattern: RegExp, known?: ReadonlySet<string>): string[] {
  if (!Array.isArray(value) || value.length > 64) throw new MatterDefinitionError(`${field} must be a list of at most 64 codes`);
  const seen = new Set<string>();
  for (const [i, code] of value.entries()) {
    if (typeof code !== 'string' || !pattern.test(code)) throw new MatterDefinitionError(`${field}[${i}] is not a valid code`);
    if (known && !known.has(code)) throw new MatterDefinitionError(`${field}[${i}] "${code}" is not in the catalog`);
    if (seen.has(code)) throw new MatterDefinitionError(`${field} lists "${code}" twice`);
    seen.add(code);
  }
  return [...seen];
}

function oneOf<T extends string>(value: unknown, allowed: readonly T[], field: string): T {
  if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) {
    throw new MatterDefinitionError(`${field} must be one of ${allowed.join(', ')}`);
  }
  return value as T;
}

/** Data item codes: `area.item`, lower case, e.g. `household.registration`. */
export const DATA_ITEM_CODE = /^[a-z][a-z_]*\.[a-z][a-z_]*$/;

/**
 * Checks a matter as declared in a file or sent by an admin; `dataItems` are the catalog's item
 * codes. Throws MatterDefinitionError naming the field at fault.
 */
export function parseMatterDefinition(raw: unknown, dataItems: ReadonlySet<string>): MatterDefinition {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new MatterDefinitionError('a matter must be an object');
  const m = raw as Record<string, unknown>;
  const code = text(m.code, 'code', 64)!;
  if (!MATTER_CODE.test(code)) throw new MatterDefinitionError('code must be upper-case letters, digits and underscores, e.g. HOUSE_TRANSFER');
  const items = codes(m.dataItems, 'dataItems', DATA_ITEM_CODE, dataItems);
  const roles = codes(m.roles, 'roles', /^[a-z]+$/).map((r, i) => oneOf(r, MATTER_ROLES, `roles[${i}]`));
  if (roles.length === 0)
    throw new MatterDefinitionError('roles must name at least one of clerk, department, citizen (auditors and admins never read records)');
  if (typeof m.consentRequired !== 'boolean') throw new MatterDefinitionError('consentRequired must be true or false');
  if (!Array.isArray(m.materials) || m.materials.length > MAX_MATERIALS) {
    throw new MatterDefinitionError(`materials must be a list of at most ${MAX_MATERIALS}`);
  }
  const materialCodes = new Set<string>();
  const materials = m.materials.map((raw: unknown, i: number): MaterialDefinition => {
    const material = (typeof raw === 'object' && raw !== null ? raw : {}) as Record<string, unknown>;
    const materialCode = text(material.code, `materials[${i}].code`, 64)!;
    if (!MATERIAL_CODE.test(materialCode)) throw new MatterDefinitionError(`materials[${i}].code must be upper-case letters, digits and underscores`);
    if (materialCodes.has(materialCode)) throw new MatterDefinitionError(`materials lists "${materialCode}" twice`);
    materialCodes.add(materialCode);
    const by = (typeof material.satisfiedBy === 'object' && material.satisfiedBy !== null ? material.satisfiedBy : {}) as Record<string, unknown>;
    const byItems = codes(by.dataItems ?? [], `materials[${i}].satisfiedBy.dataItems`, DATA_ITEM_CODE, dataItems);
    const outside = byItems.find((item) => !items.includes(item));
    if (outside) throw new MatterDefinitionError(`materials[${i}] is satisfied by "${outside}", which the matter may not read`);
    return {
      code: materialCode,
      name: text(material.name, `materials[${i}].name`, 200)!,
      satisfiedBy: { dataItems: byItems, certificateTypes: codes(by.certificateTypes ?? [], `materials[${i}].satisfiedBy.certificateTypes`, CERTIFICATE_TYPE) },
    };
  });
  return {
    code,
    name: text(m.name, 'name', 200)!,
    nameZh: text(m.nameZh, 'nameZh', 200, true),
    description: text(m.description, 'description', 2000)!,
    subject: oneOf(m.subject, MATTER_SUBJECTS, 'subject'),
    dataItems: items,
    consentRequired: m.consentRequired,
    roles,
    jurisdiction: oneOf(m.jurisdiction, JURISDICTIONS, 'jurisdiction'),
    subjectConditions: subjectConditions(m.subjectConditions ?? [], items),
    materials,
  };
}

function subjectConditions(value: unknown, items: readonly string[]): SubjectCondition[] {
  if (!Array.isArray(value) || value.length > 8) throw new MatterDefinitionError('subjectConditions must be a list of at most 8 conditions');
  const seen = new Set<string>();
  return value.map((raw: unknown, i: number): SubjectCondition => {
    const c = (typeof raw === 'object' && raw !== null && !Array.isArray(raw) ? raw : {}) as Record<string, unknown>;
    const kind = oneOf(c.condition, SUBJECT_CONDITION_KINDS, `subjectConditions[${i}].condition`);
    if (seen.has(kind)) throw new MatterDefinitionError(`subjectConditions lists ${kind} twice`);
    seen.add(kind);
    const extra = Object.keys(c).find((key) => key !== 'condition' && c[key] !== null && c[key] !== undefined && !(kind === 'AGE_AT_LEAST' && key === 'years'));
    if (extra) throw new MatterDefinitionError(`subjectConditions[${i}] has an unknown field "${extra}"`);
    // The facts are read under the matter's own items: a condition may not make the matter read more.
    const item = SUBJECT_CONDITION_ITEMS[kind];
    if (!items.includes(item)) throw new MatterDefinitionError(`subjectConditions[${i}] ${kind} is judged from "${item}", which the matter may not read`);
    if (kind === 'AGE_AT_LEAST') {
      if (!Number.isInteger(c.years) || (c.years as number) < 1 || (c.years as number) > 150) {
        throw new MatterDefinitionError(`subjectConditions[${i}].years must be a whole number from 1 to 150`);
      }
      return { condition: kind, years: c.years as number };
    }
    return { condition: kind };
  });
}

/** The data item each subject condition is judged from. */
export const SUBJECT_CONDITION_ITEMS: Record<SubjectCondition['condition'], string> = {
  DECEASED: 'death.medical_certificate',
  AGE_AT_LEAST: 'person.identity',
  MINOR: 'person.identity',
};
