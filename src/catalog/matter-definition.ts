/**
 * A matter (事项): what a clerk, department or citizen states as the purpose of a lookup. It fixes
 * which data items may be read, whether the citizen's consent is needed, who may handle it, where
 * (jurisdiction) and which materials it needs. Declared in schemas/matters/, managed by admins.
 */
import { PARTY_ROLE_CODE, parseParties, type PartyRoleDefinition } from './matter-parties.js';
import { MATTER_SUBJECTS, MatterDefinitionError, parseConditions, type MatterSubject, type SubjectCondition } from './matter-terms.js';

export {
  MATTER_SUBJECTS,
  MatterDefinitionError,
  SUBJECT_CONDITION_ITEMS,
  SUBJECT_CONDITION_KINDS,
  type MatterSubject,
  type SubjectCondition,
} from './matter-terms.js';

export const MATTER_ROLES = ['clerk', 'department', 'citizen'] as const;
export type MatterRole = (typeof MATTER_ROLES)[number];

/**
 * Where a clerk may handle the matter, compared with the subject's administrative division
 * (the first six characters of an ID number; characters 3–8 of a credit code):
 * ANY — any hall; PROVINCE / CITY / COUNTY — the hall's region shares the first 2 / 4 / 6 digits.
 */
export const JURISDICTIONS = ['ANY', 'PROVINCE', 'CITY', 'COUNTY'] as const;
export type Jurisdiction = (typeof JURISDICTIONS)[number];

export interface MaterialDefinition {
  code: string;
  name: string;
  /** Chinese name, for the hall's one-time notice (一次性告知单); absent in older definitions. */
  nameZh?: string | null;
  /**
   * In a case: the party roles the material is about (each party in them needs it covered); absent
   * or empty: the subject role.
   */
  roles?: string[] | null;
  /**
   * Data items or certificate types that satisfy the material; both empty: the applicant brings it.
   * `relation` (in a case): the party's relation, proven from records, stands in for it (the proof of
   * kinship a next of kin would otherwise bring).
   */
  satisfiedBy: { dataItems: string[]; certificateTypes: string[]; relation?: boolean | null };
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
  /** The party roles when the matter is handled as a case (matter-parties.ts); empty: single-subject lookups only. */
  parties: PartyRoleDefinition[];
}

export const MATTER_CODE = /^[A-Z][A-Z0-9_]{1,63}$/;
const MATERIAL_CODE = /^[A-Z][A-Z0-9_]{1,63}$/;
const CERTIFICATE_TYPE = /^[A-Z][A-Z0-9_]{1,63}$/;
const MAX_MATERIALS = 32;

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
    const nameZh = text(material.nameZh, `materials[${i}].nameZh`, 200, true);
    const materialRoles = material.roles === undefined || material.roles === null ? [] : codes(material.roles, `materials[${i}].roles`, PARTY_ROLE_CODE);
    return {
      code: materialCode,
      name: text(material.name, `materials[${i}].name`, 200)!,
      // Only when declared, so that a matter without them is stored as it always was.
      ...(nameZh !== null ? { nameZh } : {}),
      ...(materialRoles.length > 0 ? { roles: materialRoles } : {}),
      satisfiedBy: {
        dataItems: byItems,
        certificateTypes: codes(by.certificateTypes ?? [], `materials[${i}].satisfiedBy.certificateTypes`, CERTIFICATE_TYPE),
        ...(by.relation === true ? { relation: true } : {}),
      },
    };
  });
  const subject = oneOf(m.subject, MATTER_SUBJECTS, 'subject');
  const parties = parseParties(m.parties, { subject, dataItems: items });
  for (const [i, material] of materials.entries()) {
    const unknown = material.roles?.find((role) => !parties.some((p) => p.role === role));
    if (unknown) throw new MatterDefinitionError(`materials[${i}].roles names "${unknown}", which is not a party role of the matter`);
    const unrelated =
      material.satisfiedBy.relation && (!material.roles?.length || material.roles.some((role) => !parties.find((p) => p.role === role)!.relation));
    if (unrelated) throw new MatterDefinitionError(`materials[${i}].satisfiedBy.relation needs roles that each declare a relation`);
  }
  return {
    code,
    name: text(m.name, 'name', 200)!,
    nameZh: text(m.nameZh, 'nameZh', 200, true),
    description: text(m.description, 'description', 2000)!,
    subject,
    dataItems: items,
    consentRequired: m.consentRequired,
    roles,
    jurisdiction: oneOf(m.jurisdiction, JURISDICTIONS, 'jurisdiction'),
    subjectConditions: parseConditions(m.subjectConditions ?? [], 'subjectConditions', items, 'the matter', 8),
    materials,
    parties,
  };
}
