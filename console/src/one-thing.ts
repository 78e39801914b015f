import { parseIdNumber } from '../../src/common/identifiers/id-number.js';
import { graphql, type GqlError, type Me } from './api.js';
import type { CaseData } from './case-model.js';
import { coveredSection, openSheet, signatures, today } from './case-sheets.js';
import { h, replace } from './dom.js';
import { currentLang, dateTimeText, departmentName, identifierProblem, inParens, t, tf, type LabelKey } from './i18n.js';

/*
 * 一件事 at the case window: the clerk picks a one thing of the case's matter, runs its funnel with
 * the applicant (each answer guides again: `guide`), sees the matters with their deciding
 * departments and promised days, the materials and how each is proven, and the one form prefilled
 * from the records and the answers; prints the one-time notice; submits (openApplication, then
 * submitApplication); then follows the application's department tasks.
 */

interface Option {
  value: string;
  text: string;
  textZh: string;
}

interface Question {
  key: string;
  text: string;
  textZh: string;
  options: Option[];
}

export interface OneThingSummary {
  code: string;
  name: string;
  nameZh: string;
  description: string;
  descriptionZh: string;
  caseMatter: string;
}

interface GuidedMatter {
  code: string;
  name: string;
  nameZh: string;
  department: string;
  departmentName: string;
  departmentNameZh: string;
  promisedDays: number;
  after: string[];
  reasons: string[];
  reasonsZh: string[];
}

interface GuidedRequirement {
  code: string;
  name: string;
  nameZh: string;
  roles: string[];
  matters: string[];
  status: 'BY_DATA' | 'BY_CERTIFICATE' | 'TO_BRING';
  reasons: string[];
  reasonsZh: string[];
}

type FieldValue = string | boolean | null;

interface GuidedField {
  key: string;
  label: string;
  labelZh: string;
  type: string;
  required: boolean;
  options: Option[] | null;
  value: FieldValue;
  source: 'RECORD' | 'ANSWER' | 'TYPED';
  sourceQuestion: string | null;
  reason: string | null;
  reasonZh: string | null;
}

interface Guidance {
  answers: Record<string, string>;
  answeredByRecords: string[];
  questions: Question[];
  matters: GuidedMatter[];
  requirements: GuidedRequirement[];
  form: { fields: GuidedField[] };
}

export interface TaskData {
  id: string;
  department: string;
  departmentName: string;
  departmentNameZh: string;
  matter: string;
  matterName: string;
  matterNameZh: string;
  subject: string;
  status: 'WAITING' | 'OPEN' | 'APPROVED' | 'REJECTED' | 'NEEDS_MATERIAL';
  after: string[];
  promisedDays: number;
  dueAt: string | null;
  overdue: boolean;
  note: string | null;
  openedAt: string | null;
  decidedAt: string | null;
}

export interface ApplicationData {
  id: string;
  oneThing: string;
  oneThingName: string;
  oneThingNameZh: string;
  caseId: string;
  caseNumber: string;
  hall: string;
  status: string;
  submittedAt: string | null;
  createdAt: string;
  tasks: TaskData[];
}

const QUESTION_FIELDS = 'key text textZh options { value text textZh }';
// The list names the one things only (their questions come with the guidance: the whole catalog would cost too much).
const ONE_THINGS = `{ oneThings { code name nameZh description descriptionZh caseMatter } }`;
const GUIDE = `query Guide($input: GuideInput!, $code: String!) { thing: oneThing(code: $code) { questions { ${QUESTION_FIELDS} } } guide(input: $input) {
  answers answeredByRecords
  questions { ${QUESTION_FIELDS} }
  matters { code name nameZh department departmentName departmentNameZh promisedDays after reasons reasonsZh }
  requirements { code name nameZh roles matters status reasons reasonsZh }
  form { fields { key label labelZh type required options { value text textZh } value source sourceQuestion reason reasonZh } }
} }`;
export const TASK_FIELDS = `id department departmentName departmentNameZh matter matterName matterNameZh subject status after promisedDays dueAt overdue note openedAt decidedAt`;
export const APPLICATION_FIELDS = `id oneThing oneThingName oneThingNameZh caseId caseNumber hall status submittedAt createdAt tasks { ${TASK_FIELDS} }`;
const OPEN_APPLICATION = `mutation OpenApplication($input: OpenApplicationInput!) { openApplication(input: $input) { id } }`;
const SUBMIT_APPLICATION = `mutation SubmitApplication($id: ID!, $form: JSON!) { submitApplication(id: $id, form: $form) { ${APPLICATION_FIELDS} } }`;
const APPLICATION = `query Application($id: ID!) { application(id: $id) { ${APPLICATION_FIELDS} } }`;

/** What the one-thing panel holds for the case at the window (gone with the case: next customer). */
interface PanelState {
  caseId: string;
  things: OneThingSummary[] | null;
  thingsError: GqlError | null;
  code: string | null;
  answers: Record<string, string>;
  guidance: Guidance | null;
  /** Every question of the one thing chosen (those answered stay on screen, changeable). */
  questions: Question[];
  guideError: GqlError | null;
  guiding: boolean;
  /** Values the clerk typed or corrected, by field key. */
  edits: Map<string, FieldValue>;
  /** Field problems (client checks and the gateway's FORM_INVALID), by field key. */
  problems: Map<string, string>;
  /** A draft opened for these answers (a failed submission is submitted again, not opened again). */
  draft: { id: string; answers: string } | null;
  submitting: boolean;
  submitError: GqlError | null;
  application: ApplicationData | null;
  applicationError: GqlError | null;
  generation: number;
}

export interface PanelContext {
  data: CaseData;
  clerk: Me;
  /** A refusal or failure in words (the case window's: what went wrong and what to do next). */
  describe: (error: GqlError) => string;
  /** Whether trying again may help. */
  retryable: (error: GqlError) => boolean;
}

let panel: PanelState | null = null;
let context: PanelContext | null = null;
let thingsCache: OneThingSummary[] | null = null;

/** Forgets everything of the case at the window (next customer, sign-out). */
export function clearOneThing(): void {
  if (panel) panel.generation += 1;
  panel = null;
  context = null;
  sessionStorage.removeItem(SUBMITTED_KEY);
}

/** The application submitted at the window for the case there (kept over a reload; gone with the case or the session). */
const SUBMITTED_KEY = 'onegate.clerk.application';

function submittedFor(caseId: string): { id: string; code: string } | null {
  try {
    const kept = JSON.parse(sessionStorage.getItem(SUBMITTED_KEY) ?? 'null') as { caseId: string; id: string; code: string } | null;
    return kept && kept.caseId === caseId ? { id: kept.id, code: kept.code } : null;
  } catch {
    return null;
  }
}

const zh = () => currentLang() === 'zh';
const pick = (en: string, zhText: string | null | undefined) => (zh() && zhText) || en;

/** The panel of the case window: built anew with the case, its state kept while the case stays. */
export function oneThingSection(ctx: PanelContext): HTMLElement {
  context = ctx;
  if (!panel || panel.caseId !== ctx.data.id) {
    const generation = (panel?.generation ?? 0) + 1;
    panel = {
      caseId: ctx.data.id,
      things: thingsCache,
      thingsError: null,
      code: null,
      answers: {},
      guidance: null,
      questions: [],
      guideError: null,
      guiding: false,
      edits: new Map(),
      problems: new Map(),
      draft: null,
      submitting: false,
      submitError: null,
      application: null,
      applicationError: null,
      generation,
    };
  }
  const section = h(
    'section',
    { id: 'one-thing', class: 'one-thing', 'aria-labelledby': 'one-thing-title' },
    h('h2', { id: 'one-thing-title', tabindex: '-1' }, t('oneThingTitle')),
    h('p', { class: 'hint' }, t('oneThingHelp')),
    h('p', { id: 'one-thing-status', class: 'status', role: 'status', 'aria-live': 'polite' }),
    h('div', { id: 'one-thing-body' }),
  );
  // Rendered once the section is in the document (the case window appends it).
  queueMicrotask(() => {
    if (!panel) return;
    // After a reload: the application submitted for this case is shown again, not guided anew.
    const kept = panel.application ? null : submittedFor(panel.caseId);
    if (kept) {
      panel.code = kept.code;
      panel.application = { id: kept.id } as ApplicationData;
    }
    render();
    if (!panel.things && !panel.thingsError) void loadThings();
    if (kept) void reloadApplication({ focus: false });
    else if (panel.code && !panel.application && panel.things) void guide();
  });
  return section;
}

/** Takes the focus to the panel: the one thing's name to type, or the funnel, or the application. */
export function focusOneThing(): void {
  const target =
    document.getElementById('one-thing-input') ??
    document.getElementById('application-title') ??
    document.getElementById('funnel-title') ??
    document.getElementById('one-thing-title');
  target?.scrollIntoView({ block: 'start' });
  target?.focus();
}

function current(generation: number): boolean {
  return panel !== null && panel.generation === generation && document.getElementById('one-thing') !== null;
}

function setStatus(text: string): void {
  const status = document.getElementById('one-thing-status');
  if (status) status.textContent = text;
  document.getElementById('one-thing-body')?.setAttribute('aria-busy', String(text !== ''));
}

async function loadThings(): Promise<void> {
  if (!panel) return;
  const generation = panel.generation;
  setStatus(t('loadingOneThings'));
  const answer = await graphql<{ oneThings: OneThingSummary[] }>(ONE_THINGS);
  if (!current(generation)) return;
  setStatus('');
  if (answer.data) {
    thingsCache = answer.data.oneThings;
    panel!.things = thingsCache;
    panel!.thingsError = null;
  } else panel!.thingsError = answer.errors[0] ?? { message: '' };
  render();
}

/** The one things of the case's matter. */
function candidates(): OneThingSummary[] {
  if (!panel?.things || !context) return [];
  return panel.things.filter((thing) => thing.caseMatter === context!.data.matter.code);
}

function errorBlock(error: GqlError, retry: () => void, id: string): HTMLElement {
  const block = h('div', { class: 'error', role: 'alert', id, 'data-code': error.extensions?.code ?? '' }, h('p', {}, context!.describe(error)));
  if (context!.retryable(error)) {
    const button = h('button', { type: 'button', class: 'secondary', 'data-action': 'retry' }, t('retry'));
    button.addEventListener('click', retry);
    block.append(button);
  }
  return block;
}

/** Everything of the panel from its state; the focus stays where it was when that element is still there. */
function render(): void {
  const body = document.getElementById('one-thing-body');
  if (!body || !panel || !context) return;
  const focused = document.activeElement?.id;
  const parts: Array<HTMLElement | null> = [];
  if (panel.thingsError) parts.push(errorBlock(panel.thingsError, () => void loadThings(), 'one-thing-error'));
  else if (panel.things) parts.push(picker());
  const thing = panel.things?.find((candidate) => candidate.code === panel!.code) ?? null;
  if (thing && panel.application) {
    parts.push(applicationView(panel.application));
  } else if (thing) {
    if (panel.guideError) parts.push(errorBlock(panel.guideError, () => void guide(), 'guide-error'));
    // After a failure the matters, materials and form shown would be those of other answers: only the funnel stays (changeable).
    if (panel.guidance && panel.guideError) parts.push(funnel(panel.guidance));
    else if (panel.guidance) {
      parts.push(funnel(panel.guidance), mattersTable(panel.guidance), requirementsTable(panel.guidance), formView(panel.guidance), actions());
    }
  }
  replace(body, ...parts);
  if (focused && document.activeElement === document.body) document.getElementById(focused)?.focus();
}

/** The one thing: typed by its Chinese or English name (or code) and picked, or one of the case matter's own as a button. */
function picker(): HTMLElement {
  const things = candidates();
  if (things.length === 0) return h('p', { id: 'one-thing-none', class: 'hint' }, t('oneThingNone'));
  const chosen = things.find((thing) => thing.code === panel!.code);
  if (chosen) {
    const change = h('button', { type: 'button', class: 'link', id: 'one-thing-change' }, t('oneThingChange'));
    change.addEventListener('click', () => choose(null));
    return h(
      'div',
      { class: 'one-thing-chosen', id: 'one-thing-chosen', 'data-one-thing': chosen.code },
      h('h3', {}, pick(chosen.name, chosen.nameZh)),
      h('p', { class: 'hint' }, pick(chosen.description, chosen.descriptionZh)),
      panel!.application ? null : change,
    );
  }
  const input = h('input', {
    id: 'one-thing-input',
    list: 'one-thing-options',
    autocomplete: 'off',
    spellcheck: 'false',
    'aria-describedby': 'one-thing-hint',
  });
  const hint = h('span', { id: 'one-thing-hint', class: 'hint', 'aria-live': 'polite' });
  const options = h(
    'datalist',
    { id: 'one-thing-options' },
    ...things.map((thing) => h('option', { value: pick(thing.name, thing.nameZh), label: `${zh() ? thing.name : thing.nameZh} · ${thing.code}` })),
  );
  const find = () => {
    const typed = input.value.trim().toLowerCase();
    return typed === '' ? null : (things.find((thing) => [thing.code, thing.name, thing.nameZh].some((name) => name.toLowerCase() === typed)) ?? null);
  };
  input.addEventListener('input', () => {
    const found = find();
    const typed = input.value.trim() !== '';
    input.setAttribute('aria-invalid', String(typed && !found));
    hint.textContent = found ? `${pick(found.name, found.nameZh)} · ${found.code}` : typed ? t('oneThingUnknown') : '';
    hint.className = found || !typed ? 'hint' : 'hint bad';
  });
  const form = h(
    'form',
    { id: 'one-thing-pick', class: 'inline-form', novalidate: true },
    h('label', { for: 'one-thing-input' }, t('oneThingPick'), input, options, hint),
    h('button', { type: 'submit' }, t('oneThingTitle')),
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const found = find();
    if (!found) {
      input.setAttribute('aria-invalid', 'true');
      hint.textContent = t('oneThingUnknown');
      hint.className = 'hint bad';
      input.focus();
      return;
    }
    choose(found.code);
  });
  const buttons = things.map((thing) => {
    const button = h('button', { type: 'button', class: 'secondary', 'data-one-thing': thing.code }, pick(thing.name, thing.nameZh));
    button.addEventListener('click', () => choose(thing.code));
    return button;
  });
  return h('div', { class: 'one-thing-picker' }, form, h('p', { class: 'candidates' }, h('span', { class: 'hint' }, t('oneThingCandidates')), ...buttons));
}

function choose(code: string | null): void {
  if (!panel) return;
  panel.code = code;
  panel.answers = {};
  panel.guidance = null;
  panel.guideError = null;
  panel.edits.clear();
  panel.problems.clear();
  panel.draft = null;
  panel.submitError = null;
  render();
  if (code) void guide({ focus: 'funnel-title' });
  else document.getElementById('one-thing-input')?.focus();
}

/** Guides again with the answers given so far (the records are read under the case). */
async function guide(options: { focus?: string } = {}): Promise<void> {
  if (!panel?.code || !context) return;
  const generation = panel.generation;
  panel.guiding = true;
  setStatus(t('guiding'));
  const answer = await graphql<{ guide: Guidance; thing: { questions: Question[] } | null }>(GUIDE, {
    input: { oneThing: panel.code, answers: panel.answers, case: context.data.id },
    code: panel.code,
  });
  if (!current(generation)) return;
  panel!.guiding = false;
  setStatus('');
  if (answer.data?.guide) {
    panel!.guidance = answer.data.guide;
    panel!.questions = answer.data.thing?.questions ?? answer.data.guide.questions;
    panel!.guideError = null;
  } else panel!.guideError = answer.errors[0] ?? { message: '' };
  render();
  // A failure takes the focus to its retry; otherwise where the caller asked.
  if (panel!.guideError) document.querySelector<HTMLElement>('#guide-error button')?.focus();
  else if (options.focus) document.getElementById(options.focus)?.focus();
}

function optionText(question: Question | undefined, value: string): string {
  const option = question?.options.find((o) => o.value === value);
  return option ? pick(option.text, option.textZh) : value;
}

/**
 * The funnel: the questions the records answered (with why), those the applicant answered (still
 * changeable), and the next ones worth asking; every choice guides again.
 */
function funnel(guidance: Guidance): HTMLElement {
  const asked = new Set(guidance.questions.map((q) => q.key));
  const byRecords = new Set(guidance.answeredByRecords);
  const blocks: HTMLElement[] = [];
  for (const question of panel!.questions) {
    const key = question.key;
    if (byRecords.has(key)) {
      const field = guidance.form.fields.find((f) => f.sourceQuestion === key);
      const why = field ? pick(field.reason ?? '', field.reasonZh) : '';
      blocks.push(
        h(
          'div',
          { class: 'question answered-by-records', 'data-question': key, 'data-answer': guidance.answers[key] ?? '' },
          h('p', { class: 'question-text' }, pick(question.text, question.textZh)),
          h('p', { class: 'pill ok' }, tf('answeredByRecords', { answer: optionText(question, guidance.answers[key] ?? '') })),
          why ? h('p', { class: 'source' }, why) : null,
        ),
      );
      continue;
    }
    const given = panel!.answers[key];
    if (given === undefined && !asked.has(key)) continue;
    const name = `q-${key}`;
    const radios = question.options.map((option) => {
      const id = `${name}-${option.value}`;
      const radio = h('input', { type: 'radio', name, id, value: option.value, checked: given === option.value });
      radio.addEventListener('change', () => {
        if (!panel) return;
        panel.answers = { ...panel.answers, [key]: option.value };
        void guide({ focus: id });
      });
      return h('label', { for: id, class: 'option' }, radio, pick(option.text, option.textZh));
    });
    blocks.push(
      h(
        'fieldset',
        { class: `question${given === undefined ? ' to-ask' : ' answered'}`, 'data-question': key, 'data-answer': given ?? '' },
        h('legend', {}, pick(question.text, question.textZh)),
        h('div', { class: 'options', role: 'radiogroup' }, ...radios),
        given !== undefined ? h('p', { class: 'hint' }, t('answeredByYou')) : null,
      ),
    );
  }
  const done = guidance.questions.length === 0;
  return h(
    'section',
    { id: 'funnel', class: 'funnel', 'aria-labelledby': 'funnel-title', 'data-done': String(done) },
    h('h3', { id: 'funnel-title', tabindex: '-1' }, t('funnelTitle')),
    ...blocks,
    done ? h('p', { id: 'funnel-done', class: 'hint ok' }, t('funnelDone')) : null,
  );
}

function matterName(guidance: Guidance, code: string): string {
  const matter = guidance.matters.find((m) => m.code === code);
  return matter ? pick(matter.name, matter.nameZh) : code;
}

const listJoin = (items: string[]) => items.join(zh() ? '、' : ', ');

function mattersTable(guidance: Guidance): HTMLElement {
  return h(
    'section',
    { id: 'one-thing-matters', 'aria-labelledby': 'one-thing-matters-title' },
    h('h3', { id: 'one-thing-matters-title' }, t('mattersTitle')),
    h(
      'table',
      { class: 'guided' },
      h(
        'thead',
        {},
        h('tr', {}, ...(['matterColumn', 'decidingDepartment', 'promisedDays', 'reasonColumn'] as const).map((key) => h('th', { scope: 'col' }, t(key)))),
      ),
      h(
        'tbody',
        {},
        ...guidance.matters.map((m) =>
          h(
            'tr',
            { 'data-matter': m.code, 'data-department': m.department },
            h('td', {}, pick(m.name, m.nameZh)),
            h('td', {}, pick(m.departmentName, m.departmentNameZh) || departmentName(m.department)),
            h(
              'td',
              {},
              tf('daysCount', { days: m.promisedDays }),
              m.after.length > 0
                ? h('span', { class: 'source' }, inParens(tf('afterMatters', { matters: listJoin(m.after.map((a) => matterName(guidance, a))) })))
                : null,
            ),
            h('td', { class: 'reasons' }, ...(zh() ? m.reasonsZh : m.reasons).map((r) => h('span', { class: 'reason-line' }, r))),
          ),
        ),
      ),
    ),
  );
}

const STATUS_MARK = { BY_DATA: '☑ ', BY_CERTIFICATE: '☑ ', TO_BRING: '☐ ' } as const;

function requirementsTable(guidance: Guidance): HTMLElement {
  const roleNames = new Map((context?.data.matter.parties ?? []).map((r) => [r.role, pick(r.name, r.nameZh)]));
  return h(
    'section',
    { id: 'one-thing-requirements', 'aria-labelledby': 'one-thing-requirements-title' },
    h('h3', { id: 'one-thing-requirements-title' }, t('requirementsTitle')),
    h(
      'table',
      { class: 'materials guided' },
      h('thead', {}, h('tr', {}, ...(['materialColumn', 'forWhom', 'status', 'reasonColumn'] as const).map((key) => h('th', { scope: 'col' }, t(key))))),
      h(
        'tbody',
        {},
        ...guidance.requirements.map((r) =>
          h(
            'tr',
            { 'data-requirement': r.code, 'data-status': r.status, class: r.status === 'TO_BRING' ? 'to-bring' : 'covered' },
            h('td', {}, pick(r.name, r.nameZh)),
            h('td', {}, listJoin(r.roles.map((role) => roleNames.get(role) ?? role))),
            h('td', { class: 'badge' }, h('span', { class: 'mark', 'aria-hidden': 'true' }, STATUS_MARK[r.status]), t(`req${r.status}` as LabelKey)),
            h('td', { class: 'reasons' }, ...(zh() ? r.reasonsZh : r.reasons).map((line) => h('span', { class: 'reason-line' }, line))),
          ),
        ),
      ),
    ),
  );
}

/** The value a field has on screen: the clerk's edit, else the guided value. */
function valueOf(field: GuidedField): FieldValue {
  return panel!.edits.has(field.key) ? panel!.edits.get(field.key)! : field.value;
}

function shownValue(field: GuidedField, value: FieldValue): string {
  if (value === null || value === '') return t('emptyValue');
  if (typeof value === 'boolean') return t(value ? 'yes' : 'no');
  const option = field.options?.find((o) => o.value === value);
  return option ? pick(option.text, option.textZh) : value;
}

function isCorrection(field: GuidedField): boolean {
  if (field.source !== 'RECORD' || field.value === null || !panel!.edits.has(field.key)) return false;
  return panel!.edits.get(field.key) !== field.value;
}

/** A field's input by its type; every change is kept (a record value changed is marked as corrected). */
function fieldInput(field: GuidedField): HTMLElement {
  const id = `field-${field.key}`;
  const value = valueOf(field);
  const common = { id, 'data-key': field.key, 'aria-describedby': `${id}-note`, required: field.required };
  const keep = (next: FieldValue) => {
    panel!.edits.set(field.key, next);
    panel!.problems.delete(field.key);
    refreshField(field);
    // Every field marked is corrected: the message asking for it goes.
    if (panel!.problems.size === 0) document.querySelector('#one-thing-message > p.error')?.remove();
  };
  if (field.type === 'select') {
    const select = h(
      'select',
      common,
      h('option', { value: '' }, t('choose')),
      ...(field.options ?? []).map((o) => h('option', { value: o.value }, pick(o.text, o.textZh))),
    );
    select.value = typeof value === 'string' ? value : '';
    select.addEventListener('change', () => keep(select.value === '' ? null : select.value));
    return select;
  }
  if (field.type === 'boolean') {
    const select = h(
      'select',
      common,
      h('option', { value: '' }, t('choose')),
      h('option', { value: 'true' }, t('yes')),
      h('option', { value: 'false' }, t('no')),
    );
    select.value = value === null ? '' : String(value);
    select.addEventListener('change', () => keep(select.value === '' ? null : select.value === 'true'));
    return select;
  }
  const type = field.type === 'date' ? 'date' : field.type === 'phone' ? 'tel' : 'text';
  const input = h('input', {
    ...common,
    type,
    autocomplete: 'off',
    spellcheck: 'false',
    maxlength: field.type === 'idNumber' ? '18' : '200',
    inputmode: field.type === 'phone' ? 'tel' : undefined,
  });
  input.value = typeof value === 'string' ? value : '';
  input.addEventListener('input', () =>
    keep(input.value.trim() === '' ? null : field.type === 'idNumber' ? input.value.trim().toUpperCase() : input.value.trim()),
  );
  return input;
}

/** The source badge and note under a field: where its value comes from, a correction, or a problem. */
function fieldNote(field: GuidedField): HTMLElement[] {
  const value = valueOf(field);
  const missing = field.source === 'RECORD' && field.value === null;
  const typed = value !== null && value !== '';
  const sourceKey: LabelKey =
    field.source === 'ANSWER'
      ? 'srcANSWER'
      : field.source === 'RECORD' && !missing
        ? 'srcRECORD'
        : typed
          ? 'srcApplicant'
          : missing
            ? 'srcRecordMissing'
            : 'srcTYPED';
  const source = missing ? 'TYPED' : field.source;
  const badge = h('span', { class: `tag source-${sourceKey === 'srcApplicant' ? 'APPLICANT' : source}`, 'data-source': source }, t(sourceKey));
  const notes: HTMLElement[] = [badge];
  if (isCorrection(field))
    notes.push(h('span', { class: 'tag corrected', 'data-corrected': 'true' }, tf('corrected', { value: shownValue(field, field.value) })));
  const problem = panel!.problems.get(field.key) ?? idProblem(field, value);
  if (problem) notes.push(h('span', { class: 'hint bad', role: 'alert' }, problem));
  else {
    const why = pick(field.reason ?? '', field.reasonZh);
    if (why && !isCorrection(field)) notes.push(h('span', { class: 'source' }, why));
  }
  return notes;
}

function idProblem(field: GuidedField, value: FieldValue): string | null {
  if (field.type !== 'idNumber' || typeof value !== 'string' || value === '') return null;
  const parsed = parseIdNumber(value);
  return parsed.ok ? null : identifierProblem(parsed.reason);
}

function refreshField(field: GuidedField): void {
  const note = document.getElementById(`field-${field.key}-note`);
  const input = document.getElementById(`field-${field.key}`);
  const row = note?.closest('.form-field');
  if (!note || !input || !row) return;
  replace(note, ...fieldNote(field));
  const bad = panel!.problems.has(field.key) || idProblem(field, valueOf(field)) !== null;
  input.setAttribute('aria-invalid', String(bad));
  row.setAttribute('data-corrected', String(isCorrection(field)));
}

function formView(guidance: Guidance): HTMLElement {
  const rows = guidance.form.fields.map((field) => {
    const input = fieldInput(field);
    const bad = panel!.problems.has(field.key) || idProblem(field, valueOf(field)) !== null;
    input.setAttribute('aria-invalid', String(bad));
    return h(
      'div',
      { class: 'form-field', 'data-key': field.key, 'data-source': field.source, 'data-corrected': String(isCorrection(field)) },
      h('label', { for: input.id }, pick(field.label, field.labelZh), field.required ? h('span', { class: 'tag required' }, t('required')) : null),
      input,
      h('p', { id: `${input.id}-note`, class: 'field-note' }, ...fieldNote(field)),
    );
  });
  return h(
    'section',
    { id: 'one-form', 'aria-labelledby': 'one-form-title' },
    h('h3', { id: 'one-form-title' }, t('formTitle')),
    h('p', { class: 'hint' }, t('formHelp')),
    h('div', { class: 'form-grid' }, ...rows),
  );
}

function actions(): HTMLElement {
  const print = h('button', { type: 'button', class: 'secondary', id: 'one-thing-notice' }, t('printNotice'));
  print.addEventListener('click', () => openNotice());
  const submit = h('button', { type: 'button', id: 'one-thing-submit', disabled: panel!.submitting || panel!.guiding }, t('submitApplication'));
  submit.addEventListener('click', () => void submitApplication());
  const message = h('div', { id: 'one-thing-message', role: 'status', 'aria-live': 'polite' });
  if (panel!.submitError) message.append(errorBlock(panel!.submitError, () => void submitApplication(), 'submit-error'));
  return h('div', { class: 'one-thing-actions' }, h('div', { class: 'actions' }, print, submit), message);
}

/** The form as submitted: every field on it by key, an empty one as null. */
function formValues(guidance: Guidance): Record<string, FieldValue> {
  return Object.fromEntries(guidance.form.fields.map((field) => [field.key, valueOf(field) === '' ? null : valueOf(field)]));
}

async function submitApplication(): Promise<void> {
  if (!panel?.guidance || !panel.code || !context || panel.submitting) return;
  const guidance = panel.guidance;
  // What the applicant must still fill in is said at the field, before anything is sent.
  panel.problems.clear();
  for (const field of guidance.form.fields) {
    const value = valueOf(field);
    if (field.required && (value === null || value === '')) panel.problems.set(field.key, tf('fieldRequired', { label: pick(field.label, field.labelZh) }));
    else {
      const problem = idProblem(field, value);
      if (problem) panel.problems.set(field.key, problem);
    }
  }
  if (panel.problems.size > 0) return showProblems();
  const generation = panel.generation;
  panel.submitting = true;
  panel.submitError = null;
  render();
  setStatus(t('submitting'));
  const answers = JSON.stringify(panel.answers);
  let id = panel.draft?.answers === answers ? panel.draft.id : null;
  if (!id) {
    const opened = await graphql<{ openApplication: { id: string } }>(OPEN_APPLICATION, {
      input: { oneThing: panel.code, case: context.data.id, answers: panel.answers },
    });
    if (!current(generation)) return;
    id = opened.data?.openApplication.id ?? null;
    if (!id) return failed(opened.errors[0]);
    panel!.draft = { id, answers };
  }
  const submitted = await graphql<{ submitApplication: ApplicationData }>(SUBMIT_APPLICATION, { id, form: formValues(guidance) });
  if (!current(generation)) return;
  if (!submitted.data?.submitApplication) return failed(submitted.errors[0]);
  panel!.submitting = false;
  panel!.application = submitted.data.submitApplication;
  sessionStorage.setItem(SUBMITTED_KEY, JSON.stringify({ caseId: context!.data.id, id: panel!.application.id, code: panel!.code }));
  setStatus('');
  render();
  const message = document.getElementById('application-message');
  if (message) message.textContent = t('submitted');
  document.getElementById('application-title')?.focus();
}

function failed(error: GqlError | undefined): void {
  if (!panel) return;
  panel.submitting = false;
  setStatus('');
  const fields = error?.extensions?.fields;
  if (error?.extensions?.reason === 'FORM_INVALID' || (fields && fields.length > 0)) {
    for (const problem of fields ?? []) panel.problems.set(problem.key, zh() ? problem.messageZh : problem.message);
    if (panel.problems.size > 0) return showProblems();
  }
  panel.submitError = error ?? { message: '' };
  render();
  (document.querySelector<HTMLElement>('#submit-error button') ?? document.getElementById('one-thing-submit'))?.focus();
}

function showProblems(): void {
  render();
  const message = document.getElementById('one-thing-message');
  if (message) replace(message, h('p', { class: 'error', role: 'alert' }, t('fixFields')));
  const first = [...(panel?.problems.keys() ?? [])][0];
  document.getElementById(`field-${first}`)?.focus();
}

/** 一次性告知单 of the one thing: the matters with their departments and promised days, what is still to bring (once), what the records cover. */
function openNotice(): void {
  if (!panel?.guidance || !context) return;
  const guidance = panel.guidance;
  const thing = panel.things?.find((candidate) => candidate.code === panel!.code);
  const { data, clerk } = context;
  const hall = (zh() ? data.hallNameZh : data.hallName) ?? data.hall;
  const roleNames = new Map(data.matter.parties.map((r) => [r.role, pick(r.name, r.nameZh)]));
  const toBring = guidance.requirements.filter((r) => r.status === 'TO_BRING');
  const covered = guidance.requirements.filter((r) => r.status !== 'TO_BRING');
  const thingName = thing ? pick(thing.name, thing.nameZh) : (panel.code ?? '');
  const row = (label: LabelKey, value: string, id?: string) => h('tr', {}, h('th', { scope: 'row' }, t(label)), h('td', { id }, value));
  const requirement = (r: GuidedRequirement) =>
    h(
      'li',
      { 'data-requirement': r.code },
      h('span', { class: 'material-name' }, pick(r.name, r.nameZh)),
      h('span', { class: 'material-who' }, tf('noticeFor', { who: listJoin(r.roles.map((role) => roleNames.get(role) ?? role)) })),
    );
  const page = h(
    'article',
    { class: 'sheet', id: 'one-thing-notice-sheet' },
    h('header', { class: 'sheet-head' }, h('p', { class: 'sheet-hall' }, hall), h('h1', { id: 'sheet-title' }, t('noticeSheet'))),
    h(
      'table',
      { class: 'sheet-facts' },
      h(
        'tbody',
        {},
        row('caseNumberLabel', data.caseNumber, 'sheet-case-number'),
        row('oneThingTitle', thingName),
        row('caseHall', hall),
        row('sheetDate', today()),
        row('sheetClerk', clerk.id, 'sheet-clerk'),
      ),
    ),
    h(
      'p',
      { class: 'notice-intro' },
      tf(toBring.length > 0 ? 'oneThingNoticeIntro' : 'oneThingNoticeIntroNone', { thing: thingName, case: data.caseNumber, count: guidance.matters.length }),
    ),
    h('h2', { class: 'notice-subtitle' }, t('noticeToBringTitle')),
    toBring.length > 0
      ? h('ol', { id: 'notice-list', class: 'notice-list' }, ...toBring.map(requirement))
      : h('p', { id: 'notice-none', class: 'notice-none' }, t('noticeNone')),
    h('h2', { class: 'notice-subtitle' }, t('noticeMattersTitle')),
    h(
      'table',
      { class: 'sheet-items notice-matters' },
      h('thead', {}, h('tr', {}, ...(['matterColumn', 'decidingDepartment', 'promisedDays'] as const).map((key) => h('th', { scope: 'col' }, t(key))))),
      h(
        'tbody',
        {},
        ...guidance.matters.map((m) =>
          h(
            'tr',
            { 'data-matter': m.code },
            h('td', {}, pick(m.name, m.nameZh)),
            h('td', {}, pick(m.departmentName, m.departmentNameZh)),
            h(
              'td',
              {},
              tf('daysCount', { days: m.promisedDays }),
              m.after.length > 0 ? inParens(tf('afterMatters', { matters: listJoin(m.after.map((a) => matterName(guidance, a))) })) : '',
            ),
          ),
        ),
      ),
    ),
    coveredSection(covered, requirement, (r) => t(`req${r.status}` as LabelKey)),
    signatures(),
  );
  openSheet('one-thing-notice', page);
}

function dateText(iso: string): string {
  return new Date(iso).toLocaleDateString(zh() ? 'zh-CN' : 'en-GB', { year: 'numeric', month: 'long', day: 'numeric' });
}

/** When a task is due, in words: its promised date, or its days once the matters before it are approved. */
export function dueText(task: TaskData, tasks: TaskData[]): string {
  if (task.decidedAt && task.status !== 'NEEDS_MATERIAL') return tf('decidedOn', { date: dateText(task.decidedAt) });
  if (task.dueAt) return tf('dueBy', { date: dateText(task.dueAt) });
  const before = task.after.map((code) => tasks.find((other) => other.matter === code));
  // Without the other tasks at hand (an inbox row), the matters before it are not named.
  if (before.some((other) => other === undefined)) return tf('dueAfterOpen', { days: task.promisedDays });
  return tf('dueAfter', { matters: listJoin(before.map((other) => pick(other!.matterName, other!.matterNameZh))), days: task.promisedDays });
}

/** The application once submitted: its state and each department's task. */
function applicationView(application: ApplicationData): HTMLElement {
  const refresh = h('button', { type: 'button', class: 'secondary', id: 'application-refresh' }, t('refresh'));
  refresh.addEventListener('click', () => void reloadApplication());
  return h(
    'section',
    { id: 'application', 'data-application': application.id, 'data-status': application.status, 'aria-labelledby': 'application-title' },
    h('h3', { id: 'application-title', tabindex: '-1' }, t('applicationTitle')),
    h('p', { id: 'application-message', class: 'hint ok', role: 'status' }),
    panel!.applicationError ? errorBlock(panel!.applicationError, () => void reloadApplication(), 'application-error') : null,
    // Restored after a reload, the application is read again before its tasks are shown.
    application.tasks
      ? h(
          'dl',
          { class: 'facts' },
          h('dt', {}, t('applicationStatus')),
          h('dd', { id: 'application-status' }, t(`app${application.status}` as LabelKey)),
          h('dt', {}, t('submittedAt')),
          h('dd', {}, application.submittedAt ? dateTimeText(application.submittedAt) : '—'),
        )
      : null,
    application.tasks ? tasksTable(application.tasks) : panel!.applicationError ? null : h('p', { class: 'loading', role: 'status' }, t('loadingCase')),
    h('div', { class: 'actions' }, refresh),
  );
}

export function taskStatus(task: TaskData): HTMLElement {
  return h(
    'span',
    { class: `task-state state-${task.status}`, 'data-status': task.status },
    t(`task${task.status}` as LabelKey),
    task.overdue ? h('span', { class: 'tag overdue', 'data-overdue': 'true' }, t('overdue')) : null,
  );
}

function tasksTable(tasks: TaskData[]): HTMLElement {
  return h(
    'table',
    { class: 'tasks', id: 'application-tasks' },
    h(
      'thead',
      {},
      h('tr', {}, ...(['matterColumn', 'decidingDepartment', 'status', 'dueColumn', 'noteColumn'] as const).map((key) => h('th', { scope: 'col' }, t(key)))),
    ),
    h(
      'tbody',
      {},
      ...tasks.map((task) =>
        h(
          'tr',
          { 'data-task': task.id, 'data-matter': task.matter, 'data-status': task.status },
          h('td', {}, pick(task.matterName, task.matterNameZh)),
          h('td', {}, pick(task.departmentName, task.departmentNameZh)),
          h('td', {}, taskStatus(task)),
          h('td', {}, dueText(task, tasks)),
          h('td', {}, task.note ?? ''),
        ),
      ),
    ),
  );
}

async function reloadApplication(options: { focus: boolean } = { focus: true }): Promise<void> {
  if (!panel?.application) return;
  const generation = panel.generation;
  setStatus(t('working'));
  const answer = await graphql<{ application: ApplicationData | null }>(APPLICATION, { id: panel.application.id });
  if (!current(generation)) return;
  setStatus('');
  if (answer.data?.application) {
    panel!.application = answer.data.application;
    panel!.applicationError = null;
  } else panel!.applicationError = answer.errors[0] ?? { message: '', extensions: { code: 'NOT_FOUND' } };
  render();
  if (options.focus) document.getElementById('application-refresh')?.focus();
}
