import { Engine, type RuleResult } from 'json-rules-engine';
import type { DenialReason } from '../access/access-decision.js';
import type { MatterDefinition } from '../catalog/matter-definition.js';
import { DENIAL_REASON_TEXTS, denialReasonText } from '../common/denial-reasons.js';
import { DECIDING_DEPARTMENT_NAMES, isDecidingDepartment, type DecidingDepartment } from '../common/departments.js';
import {
  fieldOptions,
  formFieldsFor,
  recordsPathParts,
  type FieldSource,
  type FormFieldType,
  type OneThingDefinition,
  type OneThingQuestion,
  type OneThingRule,
  type QuestionOption,
} from './one-thing-definition.js';

/**
 * The guidance of a one thing, as pure functions over what was read: the rules (json-rules-engine,
 * never code branches) turn the answers and the records into the exact matters, the requirements
 * they need proven and the form; a question is asked only when the records do not answer it and one
 * of its options would change that outcome. GuidanceService reads the records under the case.
 */

/** A fact `records`: per party role, per data item, the record released under the case (a list item: its first entry). */
export type RecordsFact = Record<string, Record<string, unknown>>;

/** A reason shown to clerk and citizen, in English and Chinese. */
export interface Reason {
  text: string;
  textZh: string;
}

/** A rule that fired, kept as the why of what it changed. */
export interface FiredRule {
  name: string;
  nameZh: string;
}

/** What the rules made of the answers and the records. */
export interface Evaluation {
  /** The answers in effect: those given, and those the records give for the questions not given. */
  answers: Record<string, string>;
  /** Questions the records answered (not given), with the rules that said so. */
  answeredByRecords: Map<string, FiredRule[]>;
  /** The selected matters in declaration order, each with the rules that selected it (none for an ALWAYS matter). */
  matters: Map<string, FiredRule[]>;
  /** Matters a rule dropped, with the rules. */
  dropped: Map<string, FiredRule[]>;
  /** Per selected matter, the requirements rules added, with the rules. */
  added: Map<string, Map<string, FiredRule[]>>;
}

export type RequirementStatus = 'BY_DATA' | 'BY_CERTIFICATE' | 'TO_BRING';

/** What was read about one party of the case (nothing when there is no case). */
export interface PartyEvidence {
  role: string;
  subjectId: string;
  /** Per data item read: its records, or why there are none. */
  items: ReadonlyMap<string, { kind: 'records'; records: readonly unknown[] } | { kind: 'denied'; reason: string } | { kind: 'failed'; department: string }>;
  /** Valid certificates the party holds, as far as the case may see them (empty when not looked up). */
  certificates: ReadonlyArray<{ type: string; identifier: string }>;
  relationProven: boolean;
}

export interface GuidedMatter {
  code: string;
  name: string;
  nameZh: string;
  department: DecidingDepartment;
  departmentName: string;
  departmentNameZh: string;
  promisedDays: number;
  /** The selected matters that must be approved before this one opens. */
  after: string[];
  /** Its requirements (deduplicated across the one thing: see GuidanceResult.requirements). */
  requirements: string[];
  reasons: Reason[];
}

export interface GuidedRequirement {
  code: string;
  name: string;
  nameZh: string;
  roles: string[];
  /** The selected matters that need it. */
  matters: string[];
  status: RequirementStatus;
  reasons: Reason[];
  /** The data items whose records proved it. */
  dataItems: string[];
  /** Identifiers of the certificates that proved it. */
  certificates: string[];
}

/** Where a field's value came from: a record, an answer given, or nothing yet (typed by the applicant). */
export type ValueSource = 'RECORD' | 'ANSWER' | 'TYPED';

export interface GuidedField {
  key: string;
  label: string;
  labelZh: string;
  type: FormFieldType;
  required: boolean;
  /** A select field's options. */
  options: QuestionOption[] | null;
  /** As declared in the one thing. */
  source: FieldSource;
  value: string | boolean | null;
  /** RECORD also for an answer the records gave. */
  valueSource: ValueSource;
  prefilled: boolean;
  /** Why the value is what it is, when a rule or a record says so. */
  reason: Reason | null;
}

export interface GuidanceResult {
  oneThing: string;
  /** The case the records were read under; null: nothing was read. */
  caseId: string | null;
  /** The answers in effect (given, and given by the records). */
  answers: Record<string, string>;
  /** Questions the records answered. */
  answeredByRecords: string[];
  /** The next questions worth asking. */
  questions: OneThingQuestion[];
  matters: GuidedMatter[];
  requirements: GuidedRequirement[];
  form: { fields: GuidedField[] };
}

/** A name in English and Chinese. */
export interface Named {
  en: string;
  zh: string;
}

/**
 * The words for the codes a reason would otherwise show: the case matter's party roles (their
 * `name` / `nameZh`), the data items (`title` / `x-onegate.nameZh`) and the certificate types.
 */
export interface GuidanceNames {
  roles: ReadonlyMap<string, Named>;
  items: ReadonlyMap<string, Named>;
  certificates: ReadonlyMap<string, Named>;
}

// Every denial reason has its words (a compile-time check: the table is shared with the console).
const _everyDenialReasonWorded: Readonly<Record<DenialReason, Named>> = DENIAL_REASON_TEXTS;
void _everyDenialReasonWorded;

/** The names a one thing's reasons use, from the catalog it was checked against. */
export function guidanceNames(
  thing: OneThingDefinition,
  catalog: {
    matters: readonly MatterDefinition[];
    dataItems: ReadonlyArray<{ code: string; title: string; nameZh: string }>;
    certificateTypes: ReadonlyArray<{ code: string; name: string; nameZh: string | null }>;
  },
): GuidanceNames {
  const parties = catalog.matters.find((m) => m.code === thing.caseMatter)?.parties ?? [];
  return {
    roles: new Map(parties.map((p) => [p.role, { en: p.name, zh: p.nameZh ?? p.name }])),
    items: new Map(catalog.dataItems.map((i) => [i.code, { en: i.title, zh: i.nameZh }])),
    certificates: new Map(catalog.certificateTypes.map((c) => [c.code, { en: c.name, zh: c.nameZh ?? c.name }])),
  };
}

/** A name inside an English sentence: "the mother", "the resident identity record". */
const inSentence = (name: string) => name.charAt(0).toLowerCase() + name.slice(1);

function nameOf(map: ReadonlyMap<string, Named>, code: string): Named {
  return map.get(code) ?? { en: code, zh: code };
}

const engines = new WeakMap<OneThingDefinition, Engine>();

/** One engine per one thing, made once: its rules never change while the gateway runs. */
function engineOf(thing: OneThingDefinition): Engine {
  let engine = engines.get(thing);
  if (!engine) {
    engine = new Engine([], { allowUndefinedFacts: true });
    for (const rule of thing.rules) {
      // The engine's rule takes its own copies: the definition is frozen.
      const copy = JSON.parse(JSON.stringify(rule)) as OneThingRule;
      engine.addRule({ name: rule.name, priority: rule.priority ?? 1, conditions: copy.conditions as never, event: copy.event });
    }
    engines.set(thing, engine);
  }
  return engine;
}

/**
 * Runs the rules over the answers, the records and the parties. An `answer` event answers a question
 * that was not given; the rules run again with it until nothing new is answered (a rule may depend on
 * a question the records answer).
 */
export async function evaluate(
  thing: OneThingDefinition,
  given: Readonly<Record<string, string>>,
  records: RecordsFact,
  parties: readonly string[],
): Promise<Evaluation> {
  const byName = new Map(thing.rules.map((r) => [r.name, r]));
  const fired = (result: RuleResult): FiredRule => {
    const rule = byName.get(result.name as string)!;
    return { name: rule.name, nameZh: rule.nameZh };
  };
  let byRecords = new Map<string, { value: string; rules: FiredRule[] }>();
  let results: RuleResult[] = [];
  for (let round = 0; round <= thing.questions.length; round++) {
    const answers = { ...Object.fromEntries([...byRecords].map(([key, a]) => [key, a.value])), ...given };
    ({ results } = await engineOf(thing).run({ answers, records, parties: [...parties] }));
    const next = new Map<string, { value: string; rules: FiredRule[] }>();
    for (const result of results) {
      if (result.event?.type !== 'answer') continue;
      const { question, value } = result.event.params as { question: string; value: string };
      if (question in given) continue;
      const known = next.get(question);
      if (!known) next.set(question, { value, rules: [fired(result)] });
      else if (known.value === value) known.rules.push(fired(result));
    }
    const same = next.size === byRecords.size && [...next].every(([key, a]) => byRecords.get(key)?.value === a.value);
    byRecords = next;
    if (same) break;
  }

  const selectedBy = new Map<string, FiredRule[]>();
  const dropped = new Map<string, FiredRule[]>();
  const addedTo = new Map<string, Map<string, FiredRule[]>>();
  const push = <K>(map: Map<K, FiredRule[]>, key: K, rule: FiredRule) => map.set(key, [...(map.get(key) ?? []), rule]);
  for (const result of results) {
    const event = result.event;
    if (!event) continue;
    const params = event.params as Record<string, string>;
    if (event.type === 'matter') push(selectedBy, params.code!, fired(result));
    if (event.type === 'dropMatter') push(dropped, params.code!, fired(result));
    if (event.type === 'requirement') {
      const added = addedTo.get(params.matter!) ?? new Map<string, FiredRule[]>();
      push(added, params.code!, fired(result));
      addedTo.set(params.matter!, added);
    }
  }
  const matters = new Map<string, FiredRule[]>();
  for (const matter of thing.matters) {
    if (dropped.has(matter.code)) continue;
    if (matter.when === 'ALWAYS') matters.set(matter.code, []);
    else if (selectedBy.has(matter.code)) matters.set(matter.code, selectedBy.get(matter.code)!);
  }
  const added = new Map([...addedTo].filter(([matter]) => matters.has(matter)));
  return {
    answers: { ...Object.fromEntries([...byRecords].map(([key, a]) => [key, a.value])), ...given },
    answeredByRecords: new Map([...byRecords].map(([key, a]) => [key, a.rules])),
    matters,
    dropped: new Map([...dropped].filter(([code]) => thing.matters.some((m) => m.code === code))),
    added,
  };
}

/** The requirement codes of each selected matter: its own, then those rules added. */
export function requirementsOf(thing: OneThingDefinition, evaluation: Evaluation): Map<string, string[]> {
  const of = new Map<string, string[]>();
  for (const matter of thing.matters) {
    if (!evaluation.matters.has(matter.code)) continue;
    of.set(matter.code, [...new Set([...matter.requirements, ...(evaluation.added.get(matter.code)?.keys() ?? [])])]);
  }
  return of;
}

/** What an answer can change: the matters, their requirements, the form's fields and the answers it shows. */
function outcomeKey(thing: OneThingDefinition, evaluation: Evaluation): string {
  const requirements = [...requirementsOf(thing, evaluation)].map(([matter, codes]) => `${matter}:${[...codes].sort().join(',')}`);
  const fields = formFieldsFor(thing, evaluation.matters).map((field) =>
    field.source.kind === 'answer' ? `${field.key}=${evaluation.answers[field.source.question] ?? ''}` : field.key,
  );
  return JSON.stringify([requirements, fields]);
}

/**
 * The next questions worth asking: not answered (given or by the records), and with at least two
 * options that lead to different matters, requirements or form. A question that only matters once
 * another is answered waits until then.
 */
export async function questionsWorthAsking(
  thing: OneThingDefinition,
  given: Readonly<Record<string, string>>,
  evaluation: Evaluation,
  records: RecordsFact,
  parties: readonly string[],
): Promise<OneThingQuestion[]> {
  const open = thing.questions.filter((q) => !(q.key in evaluation.answers));
  const asked = await Promise.all(
    open.map(async (question) => {
      const outcomes = new Set<string>();
      for (const option of question.options) {
        outcomes.add(outcomeKey(thing, await evaluate(thing, { ...given, [question.key]: option.value }, records, parties)));
        if (outcomes.size > 1) return true;
      }
      return false;
    }),
  );
  return open.filter((_, i) => asked[i]);
}

/** A dot path into a record (a list item's first entry): a scalar, or null. */
export function valueAt(record: unknown, path: string): string | boolean | null {
  let value: unknown = Array.isArray(record) ? record[0] : record;
  for (const key of path.split('.')) {
    if (value === null || typeof value !== 'object' || Array.isArray(value)) return null;
    value = (value as Record<string, unknown>)[key];
  }
  if (typeof value === 'string' || typeof value === 'boolean') return value;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return null;
}

/** The `records` fact from what was read: per role, per item, the first record (the first party of a role that takes several). */
export function recordsFact(parties: readonly PartyEvidence[]): RecordsFact {
  const fact: RecordsFact = {};
  for (const party of parties) {
    const mine = (fact[party.role] ??= {});
    for (const [item, outcome] of party.items) {
      if (outcome.kind === 'records' && outcome.records.length > 0 && !(item in mine)) mine[item] = outcome.records[0];
    }
  }
  return fact;
}

const listEn = (names: string[]) => names.join(', ');
const listZh = (names: string[]) => names.join('、');

/**
 * The guidance from an evaluation and what was read: the matters, the requirements deduplicated
 * across them with their status and reasons, and the form with each field's value and source.
 * `read`: whether the records were read under a case (without one nothing is, and the reasons say so).
 */
export function guidanceOf(
  thing: OneThingDefinition,
  evaluation: Evaluation,
  questions: OneThingQuestion[],
  evidence: { caseId: string | null; parties: readonly PartyEvidence[] },
  records: RecordsFact,
  names: GuidanceNames,
): GuidanceResult {
  const perMatter = requirementsOf(thing, evaluation);
  const matters: GuidedMatter[] = thing.matters
    .filter((m) => evaluation.matters.has(m.code))
    .map((m) => {
      const department = DECIDING_DEPARTMENT_NAMES[m.department];
      const rules = evaluation.matters.get(m.code)!;
      return {
        code: m.code,
        name: m.name,
        nameZh: m.nameZh,
        department: m.department,
        departmentName: department.en,
        departmentNameZh: department.zh,
        promisedDays: m.promisedDays,
        after: m.after.filter((code) => evaluation.matters.has(code)),
        requirements: perMatter.get(m.code)!,
        reasons: rules.length
          ? rules.map((r) => ({ text: `Rule: ${r.name}`, textZh: `规则：${r.nameZh}` }))
          : [{ text: `Part of every ${thing.name} application`, textZh: `${thing.nameZh}必办事项` }],
      };
    });

  const requirements: GuidedRequirement[] = [];
  for (const requirement of thing.requirements) {
    const needing = matters.filter((m) => m.requirements.includes(requirement.code));
    if (needing.length === 0) continue;
    const reasons: Reason[] = [{ text: `Required by ${listEn(needing.map((m) => m.name))}`, textZh: `${listZh(needing.map((m) => m.nameZh))}需要` }];
    for (const matter of needing) {
      for (const rule of evaluation.added.get(matter.code)?.get(requirement.code) ?? [])
        reasons.push({ text: `Rule: ${rule.name}`, textZh: `规则：${rule.nameZh}` });
    }
    const judged = judgeRequirement(requirement, evidence, names);
    requirements.push({
      code: requirement.code,
      name: requirement.name,
      nameZh: requirement.nameZh,
      roles: [...requirement.roles],
      matters: needing.map((m) => m.code),
      status: judged.status,
      reasons: [...reasons, ...judged.reasons],
      dataItems: judged.dataItems,
      certificates: judged.certificates,
    });
  }

  const fields = formFieldsFor(thing, evaluation.matters).map((field): GuidedField => {
    const options = fieldOptions(thing, field);
    const base = {
      key: field.key,
      label: field.label,
      labelZh: field.labelZh,
      type: field.type,
      required: field.required,
      options: options ? [...options] : null,
      source: field.source,
    };
    const source = field.source;
    if (source.kind === 'record') {
      const value = valueAt(records[source.role]?.[source.item], source.path);
      return {
        ...base,
        value,
        valueSource: value === null ? 'TYPED' : 'RECORD',
        prefilled: value !== null,
        reason: value === null ? null : fromRecord(names, source.role, source.item),
      };
    }
    if (source.kind === 'answer') {
      const value = evaluation.answers[source.question] ?? null;
      const rules = evaluation.answeredByRecords.get(source.question);
      if (value !== null && rules) {
        return { ...base, value, valueSource: 'RECORD', prefilled: true, reason: { text: `Records: ${rules[0]!.name}`, textZh: `数据：${rules[0]!.nameZh}` } };
      }
      return { ...base, value, valueSource: value === null ? 'TYPED' : 'ANSWER', prefilled: value !== null, reason: null };
    }
    return { ...base, value: null, valueSource: 'TYPED', prefilled: false, reason: null };
  });

  return {
    oneThing: thing.code,
    caseId: evidence.caseId,
    answers: evaluation.answers,
    answeredByRecords: [...evaluation.answeredByRecords.keys()],
    questions,
    matters,
    requirements,
    form: { fields },
  };
}

/**
 * BY_DATA when every party of the case in the requirement's roles had a record of one of its items
 * released (or its relation proven, where that stands in); BY_CERTIFICATE when each is covered by
 * data or a valid certificate and one needed a certificate; else TO_BRING, with who is missing what.
 */
export function judgeRequirement(
  requirement: OneThingDefinition['requirements'][number],
  evidence: { caseId: string | null; parties: readonly PartyEvidence[] },
  names: GuidanceNames,
): { status: RequirementStatus; reasons: Reason[]; dataItems: string[]; certificates: string[] } {
  const { dataItems: items, certificateTypes: types, relation } = requirement.satisfiedBy;
  if (items.length === 0 && types.length === 0 && !relation) {
    return {
      status: 'TO_BRING',
      reasons: [{ text: 'No record or certificate stands in for it: the applicant brings it', textZh: '无共享数据或电子证照可替代，需申请人提交' }],
      dataItems: [],
      certificates: [],
    };
  }
  if (evidence.caseId === null) {
    return {
      status: 'TO_BRING',
      reasons: [
        {
          text: 'No case: no record was read. Open a case with the parties to check the records',
          textZh: '未关联案件，未调取任何数据；关联案件后可核验共享数据',
        },
      ],
      dataItems: [],
      certificates: [],
    };
  }
  const parties = evidence.parties.filter((p) => requirement.roles.includes(p.role));
  if (parties.length === 0) {
    return {
      status: 'TO_BRING',
      reasons: [
        {
          text: `No party in the case as ${requirement.roles.map((r) => inSentence(nameOf(names.roles, r).en)).join(' or ')}`,
          textZh: `案件中尚无${requirement.roles.map((r) => nameOf(names.roles, r).zh).join('或')}当事人`,
        },
      ],
      dataItems: [],
      certificates: [],
    };
  }
  const reasons: Reason[] = [];
  const dataItems = new Set<string>();
  const certificates = new Set<string>();
  let byCertificate = false;
  let covered = true;
  for (const party of parties) {
    const role = nameOf(names.roles, party.role);
    const released = items.filter((item) => {
      const outcome = party.items.get(item);
      return outcome?.kind === 'records' && outcome.records.length > 0;
    });
    if (released.length > 0 || (relation && party.relationProven)) {
      released.forEach((item) => dataItems.add(item));
      const itemNames = released.map((item) => nameOf(names.items, item));
      reasons.push(
        released.length > 0
          ? {
              text: `${role.en}: proven by the ${listEn(itemNames.map((n) => inSentence(n.en)))} record read under the case`,
              textZh: `${role.zh}：已通过案件下调取的${listZh(itemNames.map((n) => n.zh))}数据核验`,
            }
          : { text: `${role.en}: the relation was proven from records`, textZh: `${role.zh}：关系已由登记数据证明` },
      );
      continue;
    }
    const held = party.certificates.filter((c) => types.includes(c.type));
    if (held.length > 0) {
      byCertificate = true;
      held.forEach((c) => certificates.add(c.identifier));
      const certificate = nameOf(names.certificates, held[0]!.type);
      reasons.push({ text: `${role.en}: holds a valid ${inSentence(certificate.en)}`, textZh: `${role.zh}：持有有效的${certificate.zh}电子证照` });
      continue;
    }
    covered = false;
    reasons.push(notCovered(party, role, items, names));
  }
  return { status: !covered ? 'TO_BRING' : byCertificate ? 'BY_CERTIFICATE' : 'BY_DATA', reasons, dataItems: [...dataItems], certificates: [...certificates] };
}

/** Why a party's records do not cover a requirement: the first item withheld or not answered, else none found. */
function notCovered(party: PartyEvidence, role: Named, items: readonly string[], names: GuidanceNames): Reason {
  for (const item of items) {
    const outcome = party.items.get(item);
    const name = nameOf(names.items, item);
    if (outcome?.kind === 'denied') {
      const why = denialReasonText(outcome.reason) ?? { en: 'it was not released', zh: '未获准调取' };
      return {
        text: `${role.en}: ${why.en}, so the ${inSentence(name.en)} record was not read; to bring`,
        textZh: `${role.zh}：${why.zh}，未调取其${name.zh}数据，需提交材料`,
      };
    }
    if (outcome?.kind === 'failed') {
      const department = isDecidingDepartment(outcome.department) ? DECIDING_DEPARTMENT_NAMES[outcome.department] : { en: 'the department', zh: '相关部门' };
      return {
        text: `${role.en}: the ${department.en} did not answer for the ${inSentence(name.en)} record; to bring`,
        textZh: `${role.zh}：${department.zh}未应答，未取得其${name.zh}数据，需提交材料`,
      };
    }
  }
  const wanted = items.map((item) => nameOf(names.items, item));
  if (wanted.length === 0)
    return { text: `${role.en}: the records do not prove the relation; to bring`, textZh: `${role.zh}：登记数据未能证明其关系，需提交材料` };
  return {
    text: `${role.en}: no ${listEn(wanted.map((n) => inSentence(n.en)))} record found; to bring`,
    textZh: `${role.zh}：未查到其${listZh(wanted.map((n) => n.zh))}数据，需提交材料`,
  };
}

/** Why a form field holds a record's value: whose record, of which item. */
function fromRecord(names: GuidanceNames, roleCode: string, itemCode: string): Reason {
  const role = nameOf(names.roles, roleCode);
  const item = nameOf(names.items, itemCode);
  return { text: `From the ${inSentence(role.en)}'s ${inSentence(item.en)} record`, textZh: `取自${role.zh}的${item.zh}数据` };
}

/**
 * The data items to read for a party in `role`: those the one thing's requirements, form fields and
 * rules name for the role, as far as the case's matter lets the role be read (`readable`).
 */
export function itemsToRead(thing: OneThingDefinition, role: string, readable: readonly string[]): string[] {
  const items = new Set<string>();
  for (const requirement of thing.requirements) if (requirement.roles.includes(role)) requirement.satisfiedBy.dataItems.forEach((item) => items.add(item));
  for (const field of thing.form.fields) if (field.source.kind === 'record' && field.source.role === role) items.add(field.source.item);
  const add = (path: unknown) => {
    const parts = typeof path === 'string' ? recordsPathParts(path) : null;
    if (parts?.role === role) items.add(parts.item);
  };
  const visit = (condition: unknown) => {
    if (!condition || typeof condition !== 'object') return;
    const c = condition as Record<string, unknown>;
    const value = c.value && typeof c.value === 'object' && !Array.isArray(c.value) ? (c.value as { fact?: unknown; path?: unknown }) : null;
    if (c.fact === 'records') add(c.path);
    if (value?.fact === 'records') add(value.path);
    for (const child of [...((c.all as unknown[]) ?? []), ...((c.any as unknown[]) ?? []), c.not]) visit(child);
  };
  thing.rules.forEach((rule) => visit(rule.conditions));
  return [...items].filter((item) => readable.includes(item)).sort();
}
