import { parseCreditCode } from '../../src/common/identifiers/credit-code.js';
import { parseIdNumber } from '../../src/common/identifiers/id-number.js';
import { graphql, OPEN_CASE_KEY, type GqlError, type Me } from './api.js';
import {
  matterLabel,
  partyName,
  roleLabel,
  roleOf,
  materialParty,
  type CaseData,
  type CaseMatter,
  type CasePartyData,
  type PartyRead,
  type RoleDef,
} from './case-model.js';
import { closeCaseSheet, openCaseSheet, type SheetKind } from './case-sheets.js';
import { h, replace } from './dom.js';
import {
  caseErrorText,
  currentLang,
  dateTimeText,
  departmentName,
  identifierProblem,
  inParens,
  inSentence,
  labelled,
  relationWords,
  t,
  tf,
  type LabelKey,
} from './i18n.js';
import { itemsOfRole, recordList, recordsOf, type ItemSpec } from './party-records.js';
import { clearOneThing, focusOneThing, oneThingSection } from './one-thing.js';
import { qrReader, stopAllScanners } from './scan.js';

const ROLE_FIELDS = 'role name nameZh kind required multiple dataItems relation { type to side } consent { kind byRoles }';
// The matters list names the roles only (the items each reads come with the case): the whole list would cost too much.
const MATTERS = '{ matters { code name nameZh roles parties { role name nameZh kind required multiple relation { type to side } } } }';
const CASE_FIELDS = `id caseNumber status hall hallName hallNameZh createdAt closedAt
  matter { code name nameZh roles parties { ${ROLE_FIELDS} } }
  parties { role roleName roleNameZh subject idNumber creditCode relation { type to status } consent { status grantId byRole expiresAt } }
  suggestedParties { role idNumber creditCode fromRole reason reasonZh }
  missingRoles
  materials { code name nameZh role idNumber creditCode satisfied dataItems certificates }`;
const CASE_QUERY = `query Case($id: ID!) { case(id: $id) { ${CASE_FIELDS} } }`;
const OPEN_CASE = `mutation OpenCase($input: OpenCaseInput!) { openCase(input: $input) { ${CASE_FIELDS} } }`;
const ADD_PARTY = `mutation AddParty($id: ID!, $party: PartyInput!) { addParty(caseId: $id, party: $party) { ${CASE_FIELDS} } }`;
const ATTACH = `mutation Attach($id: ID!, $consent: String!) { attachConsent(caseId: $id, consent: $consent) { ${CASE_FIELDS} } }`;

/** Error codes after which the same request may well work: the retry button is offered. */
const RETRYABLE = new Set([
  'GATEWAY_UNREACHABLE',
  'DEPARTMENT_TIMEOUT',
  'DEPARTMENT_UNAVAILABLE',
  'DEPARTMENT_INVALID_RESPONSE',
  'TOO_MANY_REQUESTS',
  'SERVICE_UNAVAILABLE',
  'INTERNAL_SERVER_ERROR',
  'RELATION_UNVERIFIED',
  'SUBJECT_CONDITION_UNVERIFIED',
]);

/** The window's state: the case at the window and its parties' reads; `generation` drops answers for a case no longer shown. */
interface WindowState {
  clerk: Me;
  matters: CaseMatter[];
  generation: number;
  data: CaseData | null;
  reads: PartyRead[];
}

let state: WindowState | null = null;
let onKey: ((event: KeyboardEvent) => void) | null = null;

/** A refusal or failure in words: what went wrong, and what to do next. */
export function describeError(error: GqlError, matter: CaseMatter | null): string {
  const ext = error.extensions ?? {};
  const code = ext.code ?? '';
  if (code === 'GATEWAY_UNREACHABLE') return t('gatewayDown');
  if (code.startsWith('DEPARTMENT_')) {
    const why = `why${code}` as LabelKey;
    return tf('departmentDown', { department: ext.department ? departmentName(ext.department) : t('someDepartment'), why: t(why) });
  }
  if (code === 'TOO_MANY_REQUESTS') return tf('tooManyRequests', { seconds: ext.retryAfterSeconds ?? 60 });
  if (code === 'UNAUTHENTICATED') return t('sessionExpired');
  const role = matter?.parties.find((r) => r.role === ext.role);
  const other = matter?.parties.find((r) => r.role === role?.relation?.to);
  const words = role?.relation ? relationWords(role.relation.type, role.relation.side) : { party: '', records: '' };
  const text = caseErrorText(ext.reason ?? code, {
    role: inSentence(roleLabel(role, ext.role ?? '')),
    to: inSentence(roleLabel(other, role?.relation?.to ?? '')),
    relation: words.party,
    records: words.records,
    kind: role?.kind === 'ENTERPRISE' ? t('creditCode') : t('idNumber'),
  });
  return text ?? tf('otherFailure', { message: error.message });
}

function retryable(error: GqlError): boolean {
  const ext = error.extensions ?? {};
  return RETRYABLE.has(ext.code ?? '') || RETRYABLE.has(ext.reason ?? '');
}

/** An error block: the words, and a retry button when trying again may help. */
function errorBlock(error: GqlError, matter: CaseMatter | null, retry: () => void, id?: string): HTMLElement {
  const block = h('div', { class: 'error', role: 'alert', id, 'data-code': error.extensions?.code ?? '' }, h('p', {}, describeError(error, matter)));
  if (retryable(error)) {
    const button = h('button', { type: 'button', class: 'secondary', 'data-action': 'retry' }, t('retry'));
    button.addEventListener('click', retry);
    block.append(button);
  }
  return block;
}

/** Checks an ID number or credit code as it is typed; 'empty', 'ok' or 'bad' (the hint says why). */
function checkIdentifier(input: HTMLInputElement, hint: HTMLElement, kind: string): 'empty' | 'ok' | 'bad' {
  const value = input.value.trim();
  if (value === '') {
    input.removeAttribute('aria-invalid');
    hint.textContent = '';
    hint.className = 'hint';
    return 'empty';
  }
  const parsed = kind === 'ENTERPRISE' ? parseCreditCode(value) : parseIdNumber(value);
  input.setAttribute('aria-invalid', String(!parsed.ok));
  hint.textContent = parsed.ok ? t(kind === 'ENTERPRISE' ? 'creditCodeValid' : 'idValid') : identifierProblem(parsed.reason);
  hint.className = parsed.ok ? 'hint ok' : 'hint bad';
  return parsed.ok ? 'ok' : 'bad';
}

function identifierInput(id: string, kind: string): { input: HTMLInputElement; hint: HTMLElement; check: () => 'empty' | 'ok' | 'bad' } {
  const input = h('input', {
    id,
    autocomplete: 'off',
    spellcheck: 'false',
    maxlength: '18',
    'aria-describedby': `${id}-hint`,
    'data-kind': kind,
  });
  const hint = h('span', { id: `${id}-hint`, class: 'hint', 'aria-live': 'polite' });
  const check = () => checkIdentifier(input, hint, kind);
  input.addEventListener('input', check);
  return { input, hint, check };
}

function partyInput(role: string, kind: string, value: string): { role: string; idNumber?: string; creditCode?: string } {
  return kind === 'ENTERPRISE' ? { role, creditCode: value.toUpperCase() } : { role, idNumber: value.toUpperCase() };
}

/**
 * The clerk's case window (办件窗口): open a case for a matter handled as a case with its parties by
 * role, see each party's records under the case, add the parties the records suggest, attach the
 * consents shown at the window, print the data verification sheet and the one-time notice; F2 or
 * "Next customer" clears everything for the next person.
 */
export async function renderCaseWindow(root: HTMLElement, clerk: Me): Promise<void> {
  const status = h('p', { id: 'case-status', class: 'status', role: 'status', 'aria-live': 'polite' });
  const body = h('div', { id: 'case-body' });
  const next = h('button', { type: 'button', id: 'next-customer', class: 'secondary', 'aria-keyshortcuts': 'F2' }, `${t('nextCustomer')}${inParens('F2')}`);
  replace(
    root,
    h(
      'div',
      { id: 'case-window' },
      h('div', { class: 'window-bar' }, h('h1', {}, t('caseWindowTitle')), h('p', { class: 'hint', id: 'next-customer-help' }, t('nextCustomerHelp')), next),
      status,
      body,
    ),
  );
  next.addEventListener('click', () => nextCustomer());
  if (onKey) document.removeEventListener('keydown', onKey);
  onKey = (event: KeyboardEvent) => {
    if (event.key !== 'F2' || event.altKey || event.ctrlKey || event.metaKey || !document.getElementById('case-window')) return;
    event.preventDefault();
    nextCustomer();
  };
  document.addEventListener('keydown', onKey);

  // A sheet or a camera of the screen this one replaces (a language switch, a tab) goes with it.
  closeCaseSheet();
  stopAllScanners();
  const generation = (state?.generation ?? 0) + 1;
  state = { clerk, matters: [], generation, data: null, reads: [] };
  setStatus(t('loadingCase'));
  const matters = await graphql<{ matters: CaseMatter[] }>(MATTERS);
  if (!current(generation)) return;
  setStatus('');
  if (!matters.data) {
    replace(
      body,
      errorBlock(matters.errors[0] ?? { message: '' }, null, () => void renderCaseWindow(root, clerk)),
    );
    return;
  }
  // The matters handled as a case that a clerk may handle.
  state.matters = matters.data.matters
    .filter((m) => m.parties.length > 0 && m.roles.includes('clerk'))
    .map((m) => ({ ...m, parties: m.parties.map((r) => ({ ...r, dataItems: [], consent: { kind: '', byRoles: [] } })) }));
  const open = sessionStorage.getItem(OPEN_CASE_KEY);
  if (open) await loadCase(open, { focus: false });
  else renderOpenForm();
}

function current(generation: number): boolean {
  return state !== null && state.generation === generation && document.getElementById('case-window') !== null;
}

function setStatus(text: string): void {
  const status = document.getElementById('case-status');
  if (status) status.textContent = text;
  document.getElementById('case-body')?.setAttribute('aria-busy', String(text !== ''));
}

/** Clears everything of the case at the window (the screen, the sheets, the camera) and starts a new one. */
function nextCustomer(): void {
  if (!state) return;
  state.generation += 1;
  state.data = null;
  state.reads = [];
  sessionStorage.removeItem(OPEN_CASE_KEY);
  clearOneThing();
  stopAllScanners();
  closeCaseSheet();
  setStatus('');
  renderOpenForm();
}

/** The form that opens a case: the matter by its name, each role's party, an optional case number. */
function renderOpenForm(message?: { text: string; role?: string }): void {
  const body = document.getElementById('case-body');
  if (!body || !state) return;
  const matters = state.matters;
  const zh = currentLang() === 'zh';
  const options = h(
    'datalist',
    { id: 'case-matter-options' },
    ...matters.map((m) => h('option', { value: matterLabel(m), label: `${zh ? m.name : (m.nameZh ?? '')} · ${m.code}` })),
  );
  const matterInput = h('input', {
    id: 'case-matter',
    list: 'case-matter-options',
    placeholder: t('caseMatterExample'),
    autocomplete: 'off',
    spellcheck: 'false',
    'aria-describedby': 'case-matter-hint',
  });
  const matterHint = h('span', { id: 'case-matter-hint', class: 'hint', 'aria-live': 'polite' });
  const roles = h('fieldset', { id: 'case-roles', class: 'roles', hidden: true });
  const caseNumber = h('input', { id: 'case-number-input', autocomplete: 'off', spellcheck: 'false', maxlength: '64' });
  const note = h('div', { id: 'open-message', role: 'alert' });
  const submit = h('button', { type: 'submit', id: 'open-case' }, t('openCase'));
  const inputs = new Map<string, ReturnType<typeof identifierInput>>();
  let chosen: CaseMatter | null = null;

  const find = (text: string): CaseMatter | null => {
    const typed = text.trim().toLowerCase();
    if (typed === '') return null;
    return matters.find((m) => [m.code, m.name, m.nameZh ?? ''].some((name) => name.toLowerCase() === typed)) ?? null;
  };
  const showRoles = (matter: CaseMatter | null) => {
    if (matter === chosen) return;
    const kept = new Map([...inputs].map(([role, field]) => [role, field.input.value]));
    chosen = matter;
    inputs.clear();
    if (!matter) {
      replace(roles);
      roles.hidden = true;
      return;
    }
    roles.hidden = false;
    replace(
      roles,
      h('legend', {}, t('partiesTitle')),
      h('p', { class: 'hint' }, t('partiesHelp')),
      ...matter.parties.map((role) => {
        const field = identifierInput(`party-${role.role}`, role.kind);
        field.input.value = kept.get(role.role) ?? '';
        field.input.dataset.role = role.role;
        inputs.set(role.role, field);
        if (field.input.value) field.check();
        return h(
          'label',
          { for: field.input.id, class: 'role-field', 'data-role': role.role },
          h(
            'span',
            { class: 'role-name' },
            roleLabel(role),
            ' ',
            h('span', { class: role.required ? 'tag required' : 'tag' }, t(role.required ? 'required' : 'optional')),
            ' ',
            h('span', { class: 'kind' }, t(role.kind === 'ENTERPRISE' ? 'creditCode' : 'idNumber')),
          ),
          field.input,
          field.hint,
        );
      }),
    );
  };
  const checkMatter = () => {
    const matter = find(matterInput.value);
    const typed = matterInput.value.trim() !== '';
    matterInput.setAttribute('aria-invalid', String(typed && !matter));
    matterHint.textContent = matter ? `${matterLabel(matter)} · ${matter.code}` : typed ? t('caseMatterUnknown') : '';
    matterHint.className = matter || !typed ? 'hint' : 'hint bad';
    showRoles(matter);
    return matter;
  };
  matterInput.addEventListener('input', checkMatter);

  const form = h(
    'form',
    { class: 'open-case', id: 'open-case-form', 'aria-labelledby': 'open-case-title', novalidate: true },
    h('h2', { id: 'open-case-title' }, t('openCaseTitle')),
    h('label', { for: 'case-matter', class: 'matter-field' }, t('caseMatter'), matterInput, options, matterHint),
    roles,
    h('label', { for: 'case-number-input', class: 'case-number-field' }, t('caseNumberOptional'), caseNumber),
    h('div', { class: 'actions' }, submit),
    note,
  );
  const say = (text: string, focus?: HTMLElement) => {
    replace(note, h('p', { class: 'error' }, text));
    focus?.focus();
  };
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const matter = checkMatter();
    if (!matter) return say(t('pickMatterFirst'), matterInput);
    const given: Array<{ role: string; idNumber?: string; creditCode?: string }> = [];
    for (const role of matter.parties) {
      const field = inputs.get(role.role)!;
      const verdict = field.check();
      if (verdict === 'bad') return say(t('fixMarked'), field.input);
      if (verdict === 'ok') given.push(partyInput(role.role, role.kind, field.input.value.trim()));
    }
    if (given.length === 0) return say(t('partiesRequired'), inputs.get(matter.parties[0]!.role)?.input);
    void openCase(matter, given, caseNumber.value.trim() || null, { say, submit, inputs, note });
  });
  replace(body, form);
  if (message) {
    replace(note, h('p', { class: 'error' }, message.text));
  }
  matterInput.focus();
}

async function openCase(
  matter: CaseMatter,
  parties: Array<{ role: string; idNumber?: string; creditCode?: string }>,
  caseNumber: string | null,
  ui: {
    say: (text: string, focus?: HTMLElement) => void;
    submit: HTMLButtonElement;
    inputs: Map<string, { input: HTMLInputElement; hint: HTMLElement }>;
    note: HTMLElement;
  },
): Promise<void> {
  if (!state) return;
  const generation = state.generation;
  ui.submit.disabled = true;
  replace(ui.note);
  setStatus(t('opening'));
  const answer = await graphql<{ openCase: CaseData }>(OPEN_CASE, { input: { matter: matter.code, caseNumber, parties } });
  if (!current(generation)) return;
  setStatus('');
  ui.submit.disabled = false;
  if (!answer.data?.openCase) {
    const error = answer.errors[0] ?? { message: '' };
    const field = error.extensions?.role ? ui.inputs.get(error.extensions.role) : undefined;
    if (field) {
      // The number refused is marked, its hint saying why (it checks again as soon as it is changed).
      field.input.setAttribute('aria-invalid', 'true');
      field.hint.textContent = describeError(error, matter);
      field.hint.className = 'hint bad';
    }
    const block = errorBlock(error, matter, () => ui.submit.click());
    replace(ui.note, block);
    (field?.input ?? ui.submit).focus();
    return;
  }
  showCase(answer.data.openCase, { focus: true });
}

/** Reads the case (again) and shows it; `focus` moves the focus to its title. */
async function loadCase(id: string, options: { focus: boolean }): Promise<void> {
  if (!state) return;
  const generation = state.generation;
  setStatus(t('loadingCase'));
  const answer = await graphql<{ case: CaseData | null }>(CASE_QUERY, { id });
  if (!current(generation)) return;
  setStatus('');
  const found = answer.data?.case;
  if (found) return showCase(found, options);
  const error = answer.errors[0] ?? { message: '', extensions: { code: 'NOT_FOUND', reason: 'CASE_NOT_FOUND' } };
  const body = document.getElementById('case-body')!;
  if (!answer.errors.length || error.extensions?.reason === 'CASE_NOT_FOUND') {
    // Not this hall's case (or gone): nothing of it stays; the window starts afresh and says why.
    sessionStorage.removeItem(OPEN_CASE_KEY);
    renderOpenForm({ text: describeError({ message: '', extensions: { reason: 'CASE_NOT_FOUND' } }, null) });
    return;
  }
  const block = errorBlock(error, state.data?.matter ?? null, () => void loadCase(id, options), 'case-error');
  document.getElementById('case-error')?.remove();
  if (state.data) body.prepend(block);
  else replace(body, block);
  block.querySelector('button')?.focus();
}

/** Shows a case as the gateway answered it, then reads each party's records under it. */
function showCase(data: CaseData, options: { focus: boolean; keepFocus?: string | null }): void {
  if (!state) return;
  state.generation += 1;
  state.data = data;
  sessionStorage.setItem(OPEN_CASE_KEY, data.id);
  state.reads = data.parties.map((party) => {
    const why = notReadBecause(data, party);
    return why ? { state: 'skipped', view: null, itemErrors: new Map(), error: why } : { state: 'loading', view: null, itemErrors: new Map(), error: null };
  });
  renderCase(options);
  void readParties(state.generation);
}

/** Why a party's records are not read at all (no consent, no proven relation, a closed case); null: read them. */
function notReadBecause(data: CaseData, party: CasePartyData): GqlError | null {
  if (data.status === 'CLOSED') return { message: '', extensions: { reason: 'CASE_CLOSED' } };
  const relation = party.relation?.status;
  if (relation === 'NOT_PROVEN' || relation === 'AWAITING_PARTY') return { message: '', extensions: { reason: 'RELATION_NOT_PROVEN', role: party.role } };
  if (relation === 'UNVERIFIED') return { message: '', extensions: { reason: 'RELATION_UNVERIFIED', role: party.role } };
  const consent = party.consent.status;
  if (consent !== 'GIVEN' && consent !== 'NOT_REQUIRED') return { message: '', extensions: { reason: `CONSENT_${consent}`, role: party.role } };
  return null;
}

/** One document reading every party that may be read, each with exactly the items its role reads. */
async function readParties(generation: number): Promise<void> {
  if (!state?.data) return;
  const data = state.data;
  const wanted = state.reads.map((read, index) => (read.state === 'loading' ? index : -1)).filter((index) => index >= 0);
  if (wanted.length === 0) return renderReads();
  setStatus(t('loadingRecords'));
  const variables: Record<string, unknown> = { case: data.id };
  const declarations = ['$case: ID!'];
  const fields: string[] = [];
  for (const index of wanted) {
    const party = data.parties[index]!;
    const role = roleOf(data, party.role);
    const specs = itemsOfRole(role?.kind ?? 'PERSON', role?.dataItems ?? []);
    const selection = ['ledgerEntry { index leafHash at }', ...specs.map((spec) => `${spec.field} { ${spec.selection} }`)].join(' ');
    if (party.creditCode) {
      declarations.push(`$s${index}: CreditCode!`);
      variables[`s${index}`] = party.creditCode;
      fields.push(`p${index}: enterprise(creditCode: $s${index}, purpose: { case: $case }) { ${selection} }`);
    } else {
      declarations.push(`$s${index}: IdNumber!`);
      variables[`s${index}`] = party.idNumber;
      fields.push(`p${index}: citizen(idNumber: $s${index}, purpose: { case: $case }) { ${selection} }`);
    }
  }
  const answer = await graphql<Record<string, Record<string, unknown> | null>>(
    `query PartyRecords(${declarations.join(', ')}) { ${fields.join(' ')} }`,
    variables,
  );
  if (!current(generation)) return;
  setStatus('');
  for (const index of wanted) {
    const alias = `p${index}`;
    const errors = answer.errors.filter((e) => e.path?.[0] === alias || !e.path);
    const itemErrors = new Map<string, GqlError>();
    let whole: GqlError | null = null;
    for (const error of errors) {
      if (typeof error.path?.[1] === 'string') itemErrors.set(error.path[1], error);
      else whole ??= error;
    }
    const view = answer.data?.[alias] ?? null;
    state.reads[index] = { state: 'done', view, itemErrors, error: view ? null : (whole ?? { message: '', extensions: { code: 'GATEWAY_UNREACHABLE' } }) };
  }
  renderReads();
}

/** Changes the case (adds a party, attaches a consent) and shows the answer; errors go to the case's message line. */
async function change(query: string, variables: Record<string, unknown>, done: string, field: 'addParty' | 'attachConsent', focusAfter: string): Promise<void> {
  if (!state?.data) return;
  const generation = state.generation;
  const data = state.data;
  setStatus(t('working'));
  const answer = await graphql<Record<string, CaseData>>(query, { id: data.id, ...variables });
  if (!current(generation)) return;
  setStatus('');
  const changed = answer.data?.[field];
  if (!changed) {
    const message = document.getElementById('case-message');
    if (message)
      replace(
        message,
        errorBlock(answer.errors[0] ?? { message: '' }, data.matter, () => void change(query, variables, done, field, focusAfter)),
      );
    document.getElementById(focusAfter)?.focus();
    return;
  }
  showCase(changed, { focus: false, keepFocus: focusAfter });
  const message = document.getElementById('case-message');
  if (message) replace(message, h('p', { class: 'hint ok' }, done));
}

/** Reads the case again (its consents found anew) and says whether the consents it lacked are now there. */
async function findRecordedConsents(): Promise<void> {
  if (!state?.data) return;
  const missing = state.data.parties.filter((p) => p.consent.status !== 'GIVEN' && p.consent.status !== 'NOT_REQUIRED').length;
  await loadCase(state.data.id, { focus: false });
  if (!state?.data) return;
  const still = state.data.parties.filter((p) => p.consent.status !== 'GIVEN' && p.consent.status !== 'NOT_REQUIRED').length;
  const message = document.getElementById('case-message');
  if (message)
    replace(message, h('p', { class: still > 0 ? 'hint bad' : 'hint ok' }, still > 0 && still >= missing ? t('noRecordedConsent') : t('recordedConsentFound')));
  document.getElementById('find-recorded')?.focus();
}

/** The case on screen: summary and sheets, what is missing and suggested, adding parties and consents, the parties, the materials. */
function renderCase(options: { focus: boolean; keepFocus?: string | null }): void {
  const body = document.getElementById('case-body');
  if (!body || !state?.data) return;
  const data = state.data;
  const reads = state.reads;
  const loading = reads.some((r) => r.state === 'loading');
  const hall = (currentLang() === 'zh' ? data.hallNameZh : data.hallName) ?? data.hall;

  const sheet = (kind: SheetKind, id: string, label: LabelKey) => {
    const button = h('button', { type: 'button', class: 'secondary', id, disabled: loading, title: loading ? t('sheetsNotReady') : undefined }, t(label));
    button.addEventListener('click', () => openCaseSheet(kind, { data, reads, clerk: state!.clerk }));
    return button;
  };
  const refresh = h('button', { type: 'button', class: 'secondary', id: 'case-refresh' }, t('refresh'));
  // 一件事 is below the parties: one keypress takes the clerk there.
  const toOneThing = h('button', { type: 'button', class: 'secondary', id: 'goto-one-thing' }, `${t('oneThingTitle')} ↓`);
  toOneThing.addEventListener('click', () => focusOneThing());
  refresh.addEventListener('click', () => void loadCase(data.id, { focus: false }));
  const summary = h(
    'section',
    { id: 'case', class: 'case-summary', 'data-case-number': data.caseNumber, 'data-status': data.status, 'aria-labelledby': 'case-title' },
    h(
      'div',
      {},
      h('h2', { id: 'case-title', tabindex: '-1' }, matterLabel(data.matter)),
      h(
        'dl',
        { class: 'facts' },
        h('dt', {}, t('caseNumberLabel')),
        h('dd', { id: 'case-number' }, data.caseNumber),
        h('dt', {}, t('caseHall')),
        h('dd', {}, hall),
        h('dt', {}, t('caseOpenedAt')),
        h('dd', {}, dateTimeText(data.createdAt)),
        h('dt', {}, t('caseState')),
        h('dd', { 'data-status': data.status }, t(data.status === 'OPEN' ? 'caseOPEN' : 'caseCLOSED')),
      ),
    ),
    h(
      'div',
      { class: 'actions' },
      sheet('verification', 'sheet-verification', 'verificationSheet'),
      sheet('notice', 'sheet-notice', 'noticeSheet'),
      refresh,
      data.status === 'OPEN' ? toOneThing : null,
    ),
  );

  const sections: HTMLElement[] = [summary];
  if (data.status === 'CLOSED') sections.push(errorBlock({ message: '', extensions: { reason: 'CASE_CLOSED' } }, data.matter, () => undefined));
  else sections.push(caseTools(data));
  sections.push(partiesSection(data, reads), materialsTable(data, reads));
  if (data.status === 'OPEN') {
    sections.push(
      oneThingSection({ data, clerk: state.clerk, describe: (error) => describeError(error, data.matter), retryable: (error) => retryable(error) }),
    );
  }
  const message = document.getElementById('case-message');
  const kept = message ? [...message.childNodes] : [];
  replace(body, ...sections);
  if (kept.length) document.getElementById('case-message')?.replaceChildren(...kept);
  const focus = options.focus ? 'case-title' : options.keepFocus;
  if (focus) (document.getElementById(focus) ?? (options.focus ? null : document.getElementById('case-title')))?.focus();
}

function partiesSection(data: CaseData, reads: PartyRead[]): HTMLElement {
  return h(
    'section',
    { id: 'case-parties', 'aria-labelledby': 'case-parties-title' },
    h('h2', { id: 'case-parties-title' }, t('partiesTitle')),
    ...data.parties.map((party, index) => partyPanel(data, party, reads[index]!)),
  );
}

/**
 * The parties' records have come: their panels, the materials and the sheets' buttons are brought up
 * to date (the forms above are left as they are, with whatever the clerk is typing).
 */
function renderReads(): void {
  if (!state?.data) return;
  const { data, reads } = state;
  const focused = document.activeElement?.id;
  document.getElementById('case-parties')?.replaceWith(partiesSection(data, reads));
  document.getElementById('case-materials')?.replaceWith(materialsTable(data, reads));
  const loading = reads.some((r) => r.state === 'loading');
  for (const id of ['sheet-verification', 'sheet-notice']) {
    const button = document.getElementById(id) as HTMLButtonElement | null;
    if (!button) continue;
    button.disabled = loading;
    if (loading) button.title = t('sheetsNotReady');
    else button.removeAttribute('title');
  }
  if (focused && document.activeElement === document.body) document.getElementById(focused)?.focus();
}

/** While the case is open: the roles still missing, the parties the records suggest, adding a party, attaching a consent. */
function caseTools(data: CaseData): HTMLElement {
  const missing = data.missingRoles.map((role) => roleLabel(roleOf(data, role), role));
  const suggested = data.suggestedParties.map((s) => {
    const role = roleOf(data, s.role);
    const id = s.idNumber ?? s.creditCode ?? '';
    const button = h(
      'button',
      { type: 'button', class: 'suggestion', 'data-suggest-role': s.role, 'data-suggest-id': id },
      h('strong', {}, tf('suggestAdd', { role: roleLabel(role, s.role), id })),
      h('span', { class: 'source' }, currentLang() === 'zh' ? s.reasonZh : s.reason),
    );
    button.addEventListener(
      'click',
      () =>
        void change(
          ADD_PARTY,
          { party: partyInput(s.role, role?.kind ?? 'PERSON', id) },
          tf('partyAdded', { role: roleLabel(role, s.role) }),
          'addParty',
          'case-title',
        ),
    );
    return button;
  });

  // A party in a role that still takes one: the role, then its number (checked as typed).
  const open = data.matter.parties.filter((r) => r.multiple || !data.parties.some((p) => p.role === r.role));
  let addForm: HTMLElement | null = null;
  if (open.length > 0) {
    const select = h('select', { id: 'add-role' }, ...open.map((r) => h('option', { value: r.role }, roleLabel(r))));
    const first = open.find((r) => data.missingRoles.includes(r.role)) ?? open[0]!;
    select.value = first.role;
    const kindOf = () => open.find((r) => r.role === select.value)?.kind ?? 'PERSON';
    const hint = h('span', { id: 'add-id-hint', class: 'hint', 'aria-live': 'polite' });
    const input = h('input', { id: 'add-id', autocomplete: 'off', spellcheck: 'false', maxlength: '18', 'aria-describedby': 'add-id-hint' });
    const label = h('span', {}, t(kindOf() === 'ENTERPRISE' ? 'creditCode' : 'idNumber'));
    const check = () => checkIdentifier(input, hint, kindOf());
    input.addEventListener('input', check);
    select.addEventListener('change', () => {
      label.textContent = t(kindOf() === 'ENTERPRISE' ? 'creditCode' : 'idNumber');
      check();
    });
    const form = h(
      'form',
      { id: 'add-party', class: 'inline-form', 'aria-labelledby': 'add-party-title', novalidate: true },
      h('h3', { id: 'add-party-title' }, t('addPartyTitle')),
      h('label', { for: 'add-role' }, t('role'), select),
      h('label', { for: 'add-id' }, label, input, hint),
      h('button', { type: 'submit' }, t('add')),
    );
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      if (check() !== 'ok') {
        input.setAttribute('aria-invalid', 'true');
        if (!hint.textContent) hint.textContent = t('fixMarked');
        input.focus();
        return;
      }
      const role = open.find((r) => r.role === select.value)!;
      void change(
        ADD_PARTY,
        { party: partyInput(role.role, role.kind, input.value.trim()) },
        tf('partyAdded', { role: roleLabel(role) }),
        'addParty',
        'add-id',
      );
    });
    addForm = form;
  }

  // A consent shown at the window: typed or pasted (a hand-held scanner types it), or read with the camera or from a photo.
  const consent = h('input', { id: 'case-consent', autocomplete: 'off', spellcheck: 'false', 'aria-describedby': 'case-consent-help' });
  const attach = (text: string) => {
    if (text.trim() === '') return consent.focus();
    void change(ATTACH, { consent: text.trim() }, t('consentAttached'), 'attachConsent', 'case-consent');
  };
  const attachForm = h(
    'form',
    { id: 'attach-consent', class: 'inline-form', 'aria-labelledby': 'attach-title', novalidate: true },
    h('h3', { id: 'attach-title' }, t('attachTitle')),
    h('label', { for: 'case-consent' }, t('consent'), consent, h('span', { class: 'hint', id: 'case-consent-help' }, t('attachHelp'))),
    h('button', { type: 'submit' }, t('attachConsent')),
  );
  attachForm.addEventListener('submit', (event) => {
    event.preventDefault();
    attach(consent.value);
  });
  const find = h('button', { type: 'button', class: 'secondary', id: 'find-recorded' }, t('findGrants'));
  find.addEventListener('click', () => void findRecordedConsents());
  const scan = qrReader('case-consent-scan', (text) => {
    consent.value = text.trim();
    attach(text);
  });

  return h(
    'section',
    { id: 'case-tools', class: 'case-tools' },
    h(
      'div',
      { class: 'roles-state' },
      missing.length > 0
        ? h(
            'p',
            { id: 'missing-roles', class: 'missing', 'data-roles': data.missingRoles.join(' ') },
            t('missingRoles'),
            ' ',
            missing.join(currentLang() === 'zh' ? '、' : ', '),
          )
        : h('p', { id: 'missing-roles', class: 'hint ok', 'data-roles': '' }, t('partiesComplete')),
      suggested.length > 0 ? h('div', { id: 'suggested', class: 'suggested' }, h('p', { class: 'hint' }, t('suggestedTitle')), ...suggested) : null,
    ),
    h('div', { class: 'tool-forms' }, addForm, h('div', { class: 'consent-box' }, attachForm, h('div', { class: 'consent-tools' }, find, scan))),
    h('div', { id: 'case-message', role: 'status', 'aria-live': 'polite' }),
  );
}

/** A party: who (name, role, case number), relation and consent, a banner when deceased, a card per item its role reads. */
function partyPanel(data: CaseData, party: CasePartyData, read: PartyRead): HTMLElement {
  const role = roleOf(data, party.role);
  const kind = role?.kind ?? (party.creditCode ? 'ENTERPRISE' : 'PERSON');
  const id = party.idNumber ?? party.creditCode ?? '';
  const name = partyName(read);
  const titleId = `party-${party.role}-${id}`;
  const relation = party.relation;
  const other = roleOf(data, relation?.to);
  const words = role?.relation ? relationWords(role.relation.type, role.relation.side) : null;
  const relationText = relation
    ? relation.status === 'NOT_REQUIRED'
      ? null
      : tf(`relation${relation.status}` as LabelKey, { to: inSentence(roleLabel(other, relation.to)), relation: words?.party ?? relation.type })
    : null;
  const consentText =
    party.consent.status === 'GIVEN' && party.consent.byRole
      ? tf('consentGIVEN_BY', { role: inSentence(roleLabel(roleOf(data, party.consent.byRole), party.consent.byRole)) })
      : t(`consent${party.consent.status}` as LabelKey);
  const status = h(
    'p',
    { class: 'party-state' },
    relationText
      ? h(
          'span',
          { class: `pill ${relation!.status === 'PROVEN' ? 'ok' : 'bad'}`, 'data-relation': relation!.status },
          labelled(t('relationLabel'), relationText),
        )
      : null,
    h(
      'span',
      { class: `pill ${party.consent.status === 'GIVEN' || party.consent.status === 'NOT_REQUIRED' ? 'ok' : 'bad'}`, 'data-consent': party.consent.status },
      labelled(t('consentLabel'), consentText),
    ),
  );
  const death = read.view?.death as { medicalCertificateNumber: string; date: string; place: string } | null | undefined;
  const banner = death
    ? h(
        'div',
        { class: 'deceased-banner', role: 'note', 'data-deceased': 'true' },
        h('strong', {}, t('deceasedBanner')),
        h('span', {}, tf('deceasedDetail', { number: death.medicalCertificateNumber, date: death.date, place: death.place })),
      )
    : null;
  const content: Array<HTMLElement | null> = [];
  if (read.state === 'loading') {
    content.push(h('p', { class: 'loading', role: 'status' }, t('loadingRecords')));
  } else if (read.state === 'skipped') {
    content.push(skippedBlock(data, party, role, read.error!));
  } else if (read.error) {
    content.push(errorBlock(read.error, data.matter, () => void loadCase(data.id, { focus: false })));
  } else {
    const specs = itemsOfRole(kind, role?.dataItems ?? []);
    content.push(h('div', { class: 'cards' }, ...specs.map((spec) => itemCard(data, spec, read))));
  }
  return h(
    'article',
    {
      class: `party${death ? ' deceased' : ''}`,
      'data-role': party.role,
      'data-party': id,
      'data-state': read.state,
      'aria-labelledby': titleId,
      'aria-busy': String(read.state === 'loading'),
    },
    h(
      'header',
      { class: 'party-header' },
      h(
        'h3',
        { id: titleId },
        h('span', { class: 'party-name' }, name ?? t(read.state === 'loading' ? 'nameLoading' : 'nameNotRead')),
        h('span', { class: 'role-badge' }, roleLabel(role, party.role)),
      ),
      h(
        'p',
        { class: 'party-meta' },
        `${t(kind === 'ENTERPRISE' ? 'creditCode' : 'idNumberOf')} ${id} · ${t('caseNumberLabel')} ${data.caseNumber}`,
        read.view?.ledgerEntry ? ` · ${t('sheetLedger')} #${(read.view.ledgerEntry as { index: number }).index}` : '',
      ),
      status,
    ),
    banner,
    ...content,
  );
}

/** Why a party's records were not read, and what to do: a consent to show, a relation to check. */
function skippedBlock(data: CaseData, party: CasePartyData, role: RoleDef | undefined, why: GqlError): HTMLElement {
  const reason = why.extensions?.reason ?? '';
  if (reason.startsWith('CONSENT_')) {
    const by = role?.consent.kind === 'BY' ? role.consent.byRoles.map((r) => inSentence(roleLabel(roleOf(data, r), r))).join(t('roleOr')) : null;
    const text = reason === 'CONSENT_MISSING' ? (by ? tf('consentNeededBy', { roles: by }) : t('consentNeededSelf')) : describeError(why, data.matter);
    const go = h('button', { type: 'button', class: 'secondary', 'data-action': 'show-consent' }, t('showConsentHere'));
    go.addEventListener('click', () => document.getElementById('case-consent')?.focus());
    return h('div', { class: 'notice consent-needed', 'data-reason': reason }, h('p', {}, text), data.status === 'OPEN' ? go : null);
  }
  return errorBlock(why, data.matter, () => void loadCase(data.id, { focus: false }));
}

/** One item's card: its records with the source department, or why it is not shown (refused, or the department failed). */
function itemCard(data: CaseData, spec: ItemSpec, read: PartyRead): HTMLElement {
  const error = read.itemErrors.get(spec.field);
  if (error) {
    const failed = (error.extensions?.code ?? '').startsWith('DEPARTMENT_');
    return h(
      'article',
      { class: `card ${failed ? 'failed' : 'denied'}`, 'data-item': spec.field },
      h('h4', {}, t(spec.label)),
      errorBlock(error, data.matter, () => void loadCase(data.id, { focus: false })),
    );
  }
  const records = recordsOf(read.view, spec);
  const department = records[0]?.source?.department;
  return h(
    'article',
    { class: 'card', 'data-item': spec.field, 'data-department': department ?? '' },
    h('h4', {}, t(spec.label)),
    records.length === 0 ? h('p', { class: 'source' }, t('noRecord')) : null,
    ...records.map((record) => recordList(record, spec)),
  );
}

function materialsTable(data: CaseData, reads: PartyRead[]): HTMLElement {
  const label = { BY_DATA: t('byData'), BY_CERTIFICATE: t('byCertificate'), TO_BRING: t('toBring'), NOT_CHECKED: t('notChecked') } as const;
  const zh = currentLang() === 'zh';
  return h(
    'section',
    { id: 'case-materials', 'aria-labelledby': 'case-materials-title' },
    h('h2', { id: 'case-materials-title' }, t('caseMaterials')),
    h(
      'table',
      { class: 'materials' },
      h(
        'thead',
        {},
        h('tr', {}, h('th', { scope: 'col' }, t('materialColumn')), h('th', { scope: 'col' }, t('partyColumn')), h('th', { scope: 'col' }, t('status'))),
      ),
      h(
        'tbody',
        {},
        ...data.materials.map((m) =>
          h(
            'tr',
            {
              'data-material': m.code,
              'data-role': m.role,
              'data-satisfied': m.satisfied,
              class: m.satisfied === 'TO_BRING' ? 'to-bring' : m.satisfied === 'NOT_CHECKED' ? 'not-checked' : 'covered',
            },
            h('td', {}, (zh && m.nameZh) || m.name),
            h('td', {}, materialParty(data, reads, m)),
            h(
              'td',
              { class: 'badge' },
              h('span', { class: 'mark', 'aria-hidden': 'true' }, m.satisfied === 'TO_BRING' ? '☐ ' : m.satisfied === 'NOT_CHECKED' ? '？ ' : '☑ '),
              label[m.satisfied],
              m.satisfied === 'BY_CERTIFICATE' && m.certificates.length ? h('span', { class: 'source' }, ` ${m.certificates.join(', ')}`) : null,
            ),
          ),
        ),
      ),
    ),
  );
}
