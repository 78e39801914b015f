import { MATTER_SUBJECTS, MatterDefinitionError, parseConditions, type MatterSubject, type SubjectCondition } from './matter-terms.js';

/**
 * The parties of a matter handled as a case (a newborn and both parents; a seller, the co-owners and
 * a buyer): each party role, whose records are read for it, the conditions on it, the relation it
 * must have to another party (proven from records, never typed by a clerk) and whose consent covers
 * it. Declared in schemas/matters/ beside the matter's other rules; judged in access/.
 */

/**
 * Relations between parties, each proven from department records: PARENT_OF — the child's birth
 * record or resident record names the party as mother or father; SPOUSE_OF — the other's marriage
 * registration names the party as spouse, married; CO_OWNER_OF — a property record of the other
 * names the party as co-owner; NEXT_OF_KIN_OF — spouse, parent or child of the other by those
 * records; LEGAL_REPRESENTATIVE_OF — the enterprise's registration names the party.
 */
export const RELATION_TYPES = ['PARENT_OF', 'SPOUSE_OF', 'CO_OWNER_OF', 'NEXT_OF_KIN_OF', 'LEGAL_REPRESENTATIVE_OF'] as const;
export type RelationType = (typeof RELATION_TYPES)[number];

export const PARENT_SIDES = ['MOTHER', 'FATHER'] as const;
export type ParentSide = (typeof PARENT_SIDES)[number];

/**
 * The data items a relation is judged from: `to` — the other party's records, `party` — the party's
 * own. A matter reads those of them it lists (at least one), and only to judge the relation.
 */
export const RELATION_FACT_ITEMS: Record<RelationType, { to: readonly string[]; party: readonly string[] }> = {
  PARENT_OF: { to: ['birth.medical_certificate', 'person.identity'], party: [] },
  SPOUSE_OF: { to: ['marriage.registration'], party: [] },
  CO_OWNER_OF: { to: ['property.rights'], party: [] },
  NEXT_OF_KIN_OF: { to: ['marriage.registration', 'person.identity', 'birth.medical_certificate'], party: ['person.identity', 'birth.medical_certificate'] },
  LEGAL_REPRESENTATIVE_OF: { to: ['enterprise.registration'], party: [] },
};

export interface PartyRelationRule {
  type: RelationType;
  /** The role of the other party. */
  to: string;
  /** PARENT_OF only: which parent the records must name; null: either. */
  side: ParentSide | null;
}

/**
 * Whose consent lets the case read a party's records: SELF — the party's own grant; NONE — no
 * consent (an enterprise's registration); BY — a grant of a party in one of `roles` whose relation
 * to this party is proven, naming this party in `onBehalfOf` (REQUIRED), or also the acting party's
 * own grant for the matter (OPTIONAL: a next of kin settling a deceased's affairs).
 */
export type PartyConsentRule = { kind: 'SELF' } | { kind: 'NONE' } | { kind: 'BY'; roles: string[]; onBehalfOf: 'REQUIRED' | 'OPTIONAL' };

export interface PartyRoleDefinition {
  role: string;
  name: string;
  nameZh: string | null;
  kind: MatterSubject;
  /** The role whose records the matter is about (exactly one). */
  subject: boolean;
  /** May apply at the window for the case. */
  applicant: boolean;
  /** The case is not complete without a party in this role. */
  required: boolean;
  /** Several parties may take this role (every co-owner). */
  multiple: boolean;
  /** Every person the records imply for this role must be a party (each co-owner on the property record). */
  everyoneInRecords: boolean;
  /** Read for a party in this role: a subset of the matter's items. */
  dataItems: string[];
  conditions: SubjectCondition[];
  relation: PartyRelationRule | null;
  consent: PartyConsentRule;
}

export const PARTY_ROLE_CODE = /^[A-Z][A-Z_]{1,31}$/;
const MAX_ROLES = 12;

function fail(message: string): never {
  throw new MatterDefinitionError(message);
}

function record(value: unknown, field: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) fail(`${field} must be an object`);
  return value as Record<string, unknown>;
}

function flag(value: unknown, field: string, fallback: boolean): boolean {
  if (value === undefined || value === null) return fallback;
  if (typeof value !== 'boolean') fail(`${field} must be true or false`);
  return value;
}

function label(value: unknown, field: string, optional: boolean): string | null {
  if ((value === undefined || value === null) && optional) return null;
  if (typeof value !== 'string' || value.trim() === '' || value.length > 100) fail(`${field} must be a non-empty string of at most 100 characters`);
  return value;
}

/**
 * Checks a matter's `parties` (absent or empty: the matter is not handled as a case). `matter`:
 * the matter's own subject and items, already checked. Throws MatterDefinitionError naming the field.
 */
export function parseParties(raw: unknown, matter: { subject: MatterSubject; dataItems: readonly string[] }): PartyRoleDefinition[] {
  if (raw === undefined || raw === null) return [];
  if (!Array.isArray(raw) || raw.length > MAX_ROLES) fail(`parties must be a list of at most ${MAX_ROLES} roles`);
  if (raw.length === 0) return [];
  const roles = raw.map((entry: unknown, i: number) => parseRole(entry, `parties[${i}]`, matter.dataItems));
  const byRole = new Map<string, PartyRoleDefinition>();
  for (const [i, role] of roles.entries()) {
    if (byRole.has(role.role)) fail(`parties[${i}].role "${role.role}" is declared twice`);
    byRole.set(role.role, role);
  }
  const subjects = roles.filter((r) => r.subject);
  if (subjects.length !== 1) fail('parties must mark exactly one role as the subject');
  const subject = subjects[0]!;
  if (subject.kind !== matter.subject) fail(`parties: the subject role ${subject.role} must be a ${matter.subject}, as the matter's subject`);
  if (subject.multiple) fail(`parties: the subject role ${subject.role} cannot be multiple`);
  if (!subject.required) fail(`parties: the subject role ${subject.role} must be required`);
  if (!roles.some((r) => r.applicant)) fail('parties must mark at least one role as applicant');
  for (const [i, role] of roles.entries()) if (role.relation) checkRelation(role, role.relation, byRole, matter.dataItems, `parties[${i}]`);
  for (const [i, role] of roles.entries()) {
    const field = `parties[${i}]`;
    if (role.kind === 'ENTERPRISE' && role.consent.kind !== 'NONE') fail(`${field}.consent must be NONE: an enterprise does not consent`);
    if (role.consent.kind === 'BY') {
      for (const by of role.consent.roles) {
        const acting = byRole.get(by) ?? fail(`${field}.consent.by names "${by}", which is not a role of the matter`);
        // The acting party must be related to this one by records: that relation is what lets them consent for it.
        if (acting.relation?.to !== role.role) fail(`${field}.consent.by names ${by}, which declares no relation to ${role.role}`);
        if (acting.consent.kind !== 'SELF') fail(`${field}.consent.by names ${by}, which must consent for itself (SELF)`);
      }
    }
    if (role.everyoneInRecords && !(role.multiple && role.relation)) fail(`${field}.everyoneInRecords needs a multiple role with a relation`);
  }
  return roles;
}

function parseRole(entry: unknown, field: string, matterItems: readonly string[]): PartyRoleDefinition {
  const r = record(entry, field);
  const role =
    typeof r.role === 'string' && PARTY_ROLE_CODE.test(r.role) ? r.role : fail(`${field}.role must be upper-case letters and underscores, e.g. MOTHER`);
  const kind = (MATTER_SUBJECTS as readonly unknown[]).includes(r.kind ?? 'PERSON')
    ? ((r.kind ?? 'PERSON') as MatterSubject)
    : fail(`${field}.kind must be PERSON or ENTERPRISE`);
  if (!Array.isArray(r.dataItems) || r.dataItems.length === 0) fail(`${field}.dataItems must list the items read for the role`);
  const dataItems = [...new Set(r.dataItems as unknown[])].map((item, j) =>
    typeof item === 'string' && matterItems.includes(item) ? item : fail(`${field}.dataItems[${j}] is not one of the matter's data items`),
  );
  return {
    role,
    name: label(r.name, `${field}.name`, false)!,
    nameZh: label(r.nameZh, `${field}.nameZh`, true),
    kind,
    subject: flag(r.subject, `${field}.subject`, false),
    applicant: flag(r.applicant, `${field}.applicant`, false),
    required: flag(r.required, `${field}.required`, false),
    multiple: flag(r.multiple, `${field}.multiple`, false),
    everyoneInRecords: flag(r.everyoneInRecords, `${field}.everyoneInRecords`, false),
    dataItems,
    conditions: parseConditions(r.conditions ?? [], `${field}.conditions`, dataItems, 'the role', 4),
    relation: r.relation === undefined || r.relation === null ? null : parseRelation(r.relation, `${field}.relation`),
    consent: parseConsent(r.consent, `${field}.consent`),
  };
}

function parseRelation(raw: unknown, field: string): PartyRelationRule {
  const r = record(raw, field);
  const type = (RELATION_TYPES as readonly unknown[]).includes(r.type)
    ? (r.type as RelationType)
    : fail(`${field}.type must be one of ${RELATION_TYPES.join(', ')}`);
  const to = typeof r.to === 'string' && PARTY_ROLE_CODE.test(r.to) ? r.to : fail(`${field}.to must name another role`);
  let side: ParentSide | null = null;
  if (r.side !== undefined && r.side !== null) {
    if (type !== 'PARENT_OF') fail(`${field}.side is for PARENT_OF only`);
    side = (PARENT_SIDES as readonly unknown[]).includes(r.side) ? (r.side as ParentSide) : fail(`${field}.side must be MOTHER or FATHER`);
  }
  return { type, to, side };
}

function parseConsent(raw: unknown, field: string): PartyConsentRule {
  if (raw === 'SELF' || raw === 'NONE') return { kind: raw };
  const c = record(raw, field);
  if (!Array.isArray(c.by) || c.by.length === 0 || c.by.length > 4) fail(`${field} must be SELF, NONE or { "by": [roles] }`);
  const roles = [...new Set(c.by as unknown[])].map((role, i) =>
    typeof role === 'string' && PARTY_ROLE_CODE.test(role) ? role : fail(`${field}.by[${i}] must be a role`),
  );
  const onBehalfOf = c.onBehalfOf ?? 'REQUIRED';
  if (onBehalfOf !== 'REQUIRED' && onBehalfOf !== 'OPTIONAL') fail(`${field}.onBehalfOf must be REQUIRED or OPTIONAL`);
  return { kind: 'BY', roles, onBehalfOf };
}

function checkRelation(
  role: PartyRoleDefinition,
  relation: PartyRelationRule,
  byRole: ReadonlyMap<string, PartyRoleDefinition>,
  matterItems: readonly string[],
  field: string,
): void {
  const other = byRole.get(relation.to) ?? fail(`${field}.relation.to names "${relation.to}", which is not a role of the matter`);
  if (other.role === role.role) fail(`${field}.relation.to must name another role`);
  if (other.multiple) fail(`${field}.relation.to names ${other.role}, which may hold several parties: a relation needs one`);
  const enterprise = relation.type === 'LEGAL_REPRESENTATIVE_OF';
  if (role.kind !== 'PERSON' || other.kind !== (enterprise ? 'ENTERPRISE' : 'PERSON')) {
    fail(`${field}.relation ${relation.type} links a person to ${enterprise ? 'an enterprise' : 'a person'}`);
  }
  const facts = RELATION_FACT_ITEMS[relation.type];
  if (![...facts.to, ...facts.party].some((item) => matterItems.includes(item))) {
    fail(`${field}.relation ${relation.type} is judged from ${[...new Set([...facts.to, ...facts.party])].join(' or ')}, none of which the matter reads`);
  }
}

/** The items a relation is judged from that the matter may read: of the other party (`to`) and of the party itself. */
export function relationFactItems(type: RelationType, matterItems: readonly string[]): { to: string[]; party: string[] } {
  const facts = RELATION_FACT_ITEMS[type];
  return { to: facts.to.filter((i) => matterItems.includes(i)), party: facts.party.filter((i) => matterItems.includes(i)) };
}
