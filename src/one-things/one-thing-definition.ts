/**
 * A one thing (一件事): several matters a citizen sees as one errand — one guided form, one
 * submission, departments deciding in parallel. Declared in schemas/one-things/<CODE>.json.
 * The records are read under a case opened for `caseMatter` (its parties are the one thing's people).
 */
import type { DecidingDepartment } from '../common/departments.js';

/**
 * Figures of the errand before the one thing, as the hall's own reports give them (burden report).
 * Only the figures a report states are given; `source` says which report, in a few words.
 */
export interface BeforeFigures {
  matters?: number;
  steps?: number;
  forms?: number;
  /** Fields of the application forms. */
  formFields?: number;
  materials?: number;
  days?: number;
  visits?: number;
  source: string;
}

/** ALWAYS: part of every application of the one thing; RULE: only when a rule's `matter` event selects it. */
export const MATTER_SELECTIONS = ['ALWAYS', 'RULE'] as const;
export type MatterSelection = (typeof MATTER_SELECTIONS)[number];

/** One matter (办理事项) of a one thing: decided by one department, as one task of an application. */
export interface OneThingMatter {
  code: string;
  name: string;
  nameZh: string;
  department: DecidingDepartment;
  /** Calendar days from submission (for a task that waits for a predecessor: from when it opens). */
  promisedDays: number;
  /** Matters of the same one thing that must be approved before this one opens. */
  after: string[];
  /** Requirement codes of the one thing this matter needs proven. */
  requirements: string[];
  when: MatterSelection;
}

/**
 * What a matter needs proven (EU OOTS: requirement → evidence): satisfied by a data item read under
 * the case, a valid certificate of a type, or else a material the applicant brings. The same
 * requirement in several matters of a bundle is proven once.
 */
export interface OneThingRequirement {
  code: string;
  name: string;
  nameZh: string;
  /** The case parties it is about: each present party in these roles needs it covered. */
  roles: string[];
  /**
   * Evidence that stands in for the material: a record of one of `dataItems` read under the case, a
   * valid certificate of one of `certificateTypes`, or (`relation`) the party's relation to another
   * party proven from records when the case was opened. None of them: always a material to bring.
   */
  satisfiedBy: { dataItems: string[]; certificateTypes: string[]; relation?: boolean };
}

export interface QuestionOption {
  value: string;
  text: string;
  textZh: string;
}

export interface OneThingQuestion {
  key: string;
  text: string;
  textZh: string;
  options: QuestionOption[];
}

/** A json-rules-engine rule; its name is the reason shown for what it changed. */
export interface OneThingRule {
  name: string;
  nameZh: string;
  priority?: number;
  /** json-rules-engine TopLevelCondition over the facts `answers`, `records` and `parties`. */
  conditions: Record<string, unknown>;
  event: RuleEvent;
}

export type RuleEvent =
  | { type: 'matter'; params: { code: string } }
  | { type: 'dropMatter'; params: { code: string } }
  | { type: 'requirement'; params: { matter: string; code: string } }
  | { type: 'answer'; params: { question: string; value: string } };

export const FORM_FIELD_TYPES = ['text', 'date', 'idNumber', 'phone', 'select', 'boolean'] as const;
export type FormFieldType = (typeof FORM_FIELD_TYPES)[number];

/** Where a form field's value comes from: a released record (dot path), an answer, or typed by the applicant. */
export type FieldSource = { kind: 'record'; role: string; item: string; path: string } | { kind: 'answer'; question: string } | { kind: 'typed' };

export interface FormField {
  key: string;
  label: string;
  labelZh: string;
  type: FormFieldType;
  required: boolean;
  /** On the form only when one of these matters is selected; absent: always. */
  matters?: string[];
  /** For `select` fields not sourced from a question. */
  options?: QuestionOption[];
  source: FieldSource;
}

export interface OneThingDefinition {
  code: string;
  name: string;
  nameZh: string;
  description: string;
  descriptionZh: string;
  /** The matter (schemas/matters) a case for this one thing is opened under. */
  caseMatter: string;
  before: BeforeFigures;
  matters: OneThingMatter[];
  requirements: OneThingRequirement[];
  questions: OneThingQuestion[];
  rules: OneThingRule[];
  form: { fields: FormField[] };
}

/** `$.MOTHER['household.registration'].address` → the role, the data item and the field path a `records` condition reads. */
const RECORDS_PATH = /^\$\.([A-Z][A-Z_]{1,31})\['([a-z][a-z0-9_]*(?:\.[a-z][a-z0-9_]*)+)'\]((?:\.[A-Za-z][A-Za-z0-9]*)*)$/;

export function recordsPathParts(path: string): { role: string; item: string; field: string[] } | null {
  const match = RECORDS_PATH.exec(path);
  if (!match) return null;
  return { role: match[1]!, item: match[2]!, field: match[3] ? match[3].slice(1).split('.') : [] };
}

/** The template's fields on the form when these matters are selected (a field naming matters is there only when one of them is). */
export function formFieldsFor(thing: OneThingDefinition, selected: { has(matter: string): boolean }): FormField[] {
  return thing.form.fields.filter((field) => !field.matters || field.matters.some((code) => selected.has(code)));
}

/** A select field's options: its own, or its question's; null for a field that has none. */
export function fieldOptions(thing: OneThingDefinition, field: FormField): QuestionOption[] | null {
  if (field.options) return field.options;
  if (field.source.kind !== 'answer') return null;
  const key = field.source.question;
  return thing.questions.find((q) => q.key === key)?.options ?? null;
}
