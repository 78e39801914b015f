import { relationFactItems, type PartyRelationRule } from '../catalog/matter-parties.js';

/**
 * Relations between a case's parties, judged from department records (see matter-parties.ts for
 * what each relation means). Pure: the exchange reads the records through its audited path and
 * hands them here; only the verdict leaves.
 */

export type RelationVerdict = 'PROVEN' | 'NOT_PROVEN' | 'UNVERIFIED';

/** One subject's records by data item as read; null: the department did not answer. */
export type FactRecords = ReadonlyMap<string, readonly Record<string, unknown>[] | null>;

/** What to read to judge `rule` for `party` (the role declaring it) and `other` (the role it names). */
export function relationReads(
  rule: Pick<PartyRelationRule, 'type'>,
  matterItems: readonly string[],
  party: string,
  other: string,
): Array<{ subject: string; items: string[] }> {
  const items = relationFactItems(rule.type, matterItems);
  return [...(items.to.length ? [{ subject: other, items: items.to }] : []), ...(items.party.length ? [{ subject: party, items: items.party }] : [])];
}

function records(facts: FactRecords | undefined, item: string): readonly Record<string, unknown>[] {
  return facts?.get(item) ?? [];
}

/** Whether a record of `item` names `id` in one of `fields` (string or list of strings). */
function names(facts: FactRecords | undefined, item: string, fields: readonly string[], id: string): boolean {
  return records(facts, item).some((record) =>
    fields.some((field) => {
      const value = record[field];
      return value === id || (Array.isArray(value) && value.includes(id));
    }),
  );
}

const PARENT_FIELDS = { MOTHER: ['motherIdNumber'], FATHER: ['fatherIdNumber'], EITHER: ['motherIdNumber', 'fatherIdNumber'] } as const;

/** Whether `parent` is named as a parent of the person whose records `facts` are (birth record or resident record). */
function namedAsParent(facts: FactRecords | undefined, parent: string, side: keyof typeof PARENT_FIELDS): boolean {
  const fields = PARENT_FIELDS[side];
  return names(facts, 'birth.medical_certificate', fields, parent) || names(facts, 'person.identity', fields, parent);
}

function spouseOf(facts: FactRecords | undefined, spouse: string): boolean {
  return records(facts, 'marriage.registration').some((r) => r.status === 'MARRIED' && r.spouseIdNumber === spouse);
}

/**
 * Judges the relation `rule` of `party` to `other` from the records read (relationReads): PROVEN
 * when a record shows it; else UNVERIFIED when a department that could have shown it did not answer;
 * else NOT_PROVEN. Deny by default: no records, no relation.
 */
export function judgeRelation(rule: PartyRelationRule, party: string, other: string, facts: { party?: FactRecords; other?: FactRecords }): RelationVerdict {
  let proven: boolean;
  switch (rule.type) {
    case 'PARENT_OF':
      proven = namedAsParent(facts.other, party, rule.side ?? 'EITHER');
      break;
    case 'SPOUSE_OF':
      proven = spouseOf(facts.other, party);
      break;
    case 'CO_OWNER_OF':
      proven = names(facts.other, 'property.rights', ['coOwnerIdNumbers'], party);
      break;
    case 'NEXT_OF_KIN_OF':
      // Spouse, parent or child of the other, by either side's records.
      proven = spouseOf(facts.other, party) || namedAsParent(facts.other, party, 'EITHER') || namedAsParent(facts.party, other, 'EITHER');
      break;
    case 'LEGAL_REPRESENTATIVE_OF':
      proven = names(facts.other, 'enterprise.registration', ['legalRepresentativeIdNumber'], party);
      break;
  }
  if (proven) return 'PROVEN';
  const unanswered = [...(facts.other?.values() ?? []), ...(facts.party?.values() ?? [])].some((held) => held === null);
  return unanswered ? 'UNVERIFIED' : 'NOT_PROVEN';
}

/**
 * The people the records of `other` imply for a role with this relation to it — the co-owners on a
 * seller's property record, the parents on a child's birth record, the legal representative of an
 * enterprise — for opening a case to suggest. Only from records the case may read for `other`.
 */
export function impliedParties(rule: PartyRelationRule, facts: FactRecords | undefined): string[] {
  const found = new Set<string>();
  const add = (value: unknown) => {
    if (typeof value === 'string' && value.length > 0) found.add(value);
    else if (Array.isArray(value)) for (const v of value) if (typeof v === 'string') found.add(v);
  };
  const fromItem = (item: string, fields: readonly string[]) => {
    for (const record of records(facts, item)) for (const field of fields) add(record[field]);
  };
  switch (rule.type) {
    case 'PARENT_OF': {
      const fields = PARENT_FIELDS[rule.side ?? 'EITHER'];
      fromItem('birth.medical_certificate', fields);
      fromItem('person.identity', fields);
      break;
    }
    case 'SPOUSE_OF':
      for (const r of records(facts, 'marriage.registration')) if (r.status === 'MARRIED') add(r.spouseIdNumber);
      break;
    case 'CO_OWNER_OF':
      fromItem('property.rights', ['coOwnerIdNumbers']);
      break;
    case 'LEGAL_REPRESENTATIVE_OF':
      fromItem('enterprise.registration', ['legalRepresentativeIdNumber']);
      break;
    case 'NEXT_OF_KIN_OF':
      // Who settles a deceased's affairs is the family's choice, not the records'.
      break;
  }
  return [...found];
}
