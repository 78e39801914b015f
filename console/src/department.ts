import { graphql, type GqlError, type Me } from './api.js';
import { h, replace } from './dom.js';
import { currentLang, dateTimeText, departmentName, t, tf, type LabelKey } from './i18n.js';
import { dueText, taskStatus, TASK_FIELDS, type TaskData } from './one-thing.js';

/*
 * A department's inbox (部门待办): its tasks of one-thing applications, the open ones first by due
 * date with the overdue flagged; a task's detail with the application's form; and the decision —
 * 批准, 不予批准 or 需补正材料, the last two with a note the applicant sees.
 */

interface InboxTask extends TaskData {
  application: { id: string; oneThing: string; oneThingName: string; oneThingNameZh: string; caseNumber: string };
}

/** The task's application as its detail shows it: the form, the corrections, the other tasks. */
interface TaskApplication {
  id: string;
  oneThingName: string;
  oneThingNameZh: string;
  caseNumber: string;
  hall: string;
  /** The hall's names from the hall registry (null: not in it: the code shows). */
  hallName: string | null;
  hallNameZh: string | null;
  status: string;
  submittedAt: string | null;
  form: Record<string, unknown> | null;
  /** The form's fields in the template's order, with where each value came from. */
  prefill: Array<{ key: string; label: string; labelZh: string; source: string }>;
  corrections: Array<{ key: string; recordValue: unknown; value: unknown }>;
  tasks: TaskData[];
}

/** The most tasks the inbox shows at once (the API's page limit). */
const PAGE = 50;
// The list names each task's application only; its form and other tasks come with the task opened (the whole would cost too much).
const INBOX = `query Inbox { departmentTasks(first: ${PAGE}) { edges { node { ${TASK_FIELDS} application { id oneThing oneThingName oneThingNameZh caseNumber } } } } }`;
const TASK_APPLICATION = `query TaskApplication($id: ID!) { application(id: $id) {
  id oneThingName oneThingNameZh caseNumber hall hallName hallNameZh status submittedAt form prefill { key label labelZh source } corrections { key recordValue value } tasks { ${TASK_FIELDS} } } }`;
const DECIDE = `mutation Decide($id: ID!, $decision: TaskDecision!, $note: String) { decideTask(id: $id, decision: $decision, note: $note) { ${TASK_FIELDS} } }`;

const DECIDABLE = new Set(['OPEN', 'NEEDS_MATERIAL']);
const ORDER: Record<string, number> = { OPEN: 0, NEEDS_MATERIAL: 1, WAITING: 2, APPROVED: 3, REJECTED: 3 };

let selected: string | null = null;
let generation = 0;

const zh = () => currentLang() === 'zh';
const pick = (en: string, zhText: string | null | undefined) => (zh() && zhText) || en;

/** Open first (due soonest first, overdue before), then those waiting, then those decided (latest first). */
export function inboxOrder(a: TaskData, b: TaskData): number {
  const rank = (ORDER[a.status] ?? 4) - (ORDER[b.status] ?? 4);
  if (rank !== 0) return rank;
  if (DECIDABLE.has(a.status)) {
    if (a.overdue !== b.overdue) return a.overdue ? -1 : 1;
    return (a.dueAt ?? '').localeCompare(b.dueAt ?? '');
  }
  return (b.decidedAt ?? '').localeCompare(a.decidedAt ?? '');
}

function failure(error: GqlError): string {
  const code = error.extensions?.code ?? '';
  if (code === 'GATEWAY_UNREACHABLE') return t('gatewayDown');
  if (code === 'UNAUTHENTICATED') return t('sessionExpired');
  return tf('otherFailure', { message: error.message });
}

function errorBlock(error: GqlError, retry: () => void, id: string): HTMLElement {
  const button = h('button', { type: 'button', class: 'secondary', 'data-action': 'retry' }, t('retry'));
  button.addEventListener('click', retry);
  return h('div', { class: 'error', role: 'alert', id, 'data-code': error.extensions?.code ?? '' }, h('p', {}, failure(error)), button);
}

export async function renderDepartment(root: HTMLElement, me: Me): Promise<void> {
  const department = me.department ?? '';
  const status = h('p', { id: 'inbox-status', class: 'status', role: 'status', 'aria-live': 'polite' });
  const list = h('section', { id: 'inbox', 'aria-labelledby': 'inbox-title' });
  const detail = h('section', { id: 'task-detail', 'aria-labelledby': 'task-title', hidden: true });
  const refresh = h('button', { type: 'button', class: 'secondary', id: 'inbox-refresh' }, t('refreshList'));
  refresh.addEventListener('click', () => void load(list, detail, status));
  replace(
    root,
    h('div', { class: 'window-bar' }, h('h1', { id: 'inbox-title' }, `${t('inboxTitle')} · ${departmentName(department)}`), refresh),
    status,
    h('div', { class: 'inbox-layout' }, list, detail),
  );
  await load(list, detail, status);
}

async function load(list: HTMLElement, detail: HTMLElement, status: HTMLElement, focus?: string): Promise<void> {
  const mine = ++generation;
  status.textContent = t('loadingTasks');
  list.setAttribute('aria-busy', 'true');
  const answer = await graphql<{ departmentTasks: { edges: Array<{ node: InboxTask }> } }>(INBOX);
  if (mine !== generation) return;
  status.textContent = '';
  list.setAttribute('aria-busy', 'false');
  if (!answer.data) {
    replace(
      list,
      errorBlock(answer.errors[0] ?? { message: '' }, () => void load(list, detail, status), 'inbox-error'),
    );
    list.querySelector('button')?.focus();
    return;
  }
  const tasks = answer.data.departmentTasks.edges.map((edge) => edge.node).sort(inboxOrder);
  const open = async (task: InboxTask) => {
    selected = task.id;
    for (const row of list.querySelectorAll('tr[data-task]')) row.classList.toggle('selected', row.getAttribute('data-task') === task.id);
    await openDetail(task, list, detail, status);
    document.getElementById('task-title')?.focus();
  };
  const rows = tasks.map((task) => {
    const button = h('button', { type: 'button', class: 'secondary', 'data-open-task': task.id }, t('openTask'));
    button.addEventListener('click', () => void open(task));
    return h(
      'tr',
      { 'data-task': task.id, 'data-matter': task.matter, 'data-status': task.status, class: task.id === selected ? 'selected' : undefined },
      h(
        'td',
        {},
        pick(task.matterName, task.matterNameZh),
        h('span', { class: 'source' }, ` ${pick(task.application.oneThingName, task.application.oneThingNameZh)}`),
      ),
      h('td', {}, task.subject),
      h('td', {}, task.application.caseNumber),
      h('td', {}, taskStatus(task)),
      h('td', {}, dueText(task, [])),
      h('td', {}, button),
    );
  });
  replace(
    list,
    rows.length === 0
      ? h('p', { class: 'hint', id: 'inbox-empty' }, t('inboxEmpty'))
      : h(
          'table',
          { class: 'tasks inbox' },
          h(
            'thead',
            {},
            h(
              'tr',
              {},
              ...(['matterColumn', 'subjectColumn', 'caseNumberLabel', 'status', 'dueColumn'] as const).map((key) => h('th', { scope: 'col' }, t(key))),
              h('th', { scope: 'col' }, ''),
            ),
          ),
          h('tbody', {}, ...rows),
        ),
  );
  const shown = tasks.find((task) => task.id === selected);
  if (shown) await openDetail(shown, list, detail, status);
  else detail.hidden = true;
  if (focus) document.getElementById(focus)?.focus();
}

function valueWords(value: unknown): string {
  if (value === null || value === undefined || value === '') return t('emptyValue');
  if (typeof value === 'boolean') return t(value ? 'yes' : 'no');
  return String(value);
}

/** Reads the task's application, then shows the task; a failure is said in the detail, with a retry. */
async function openDetail(task: InboxTask, list: HTMLElement, detail: HTMLElement, status: HTMLElement): Promise<void> {
  const mine = generation;
  status.textContent = t('loadingTasks');
  const answer = await graphql<{ application: TaskApplication | null }>(TASK_APPLICATION, { id: task.application.id });
  if (mine !== generation) return;
  status.textContent = '';
  detail.hidden = false;
  const app = answer.data?.application;
  if (!app) {
    replace(
      detail,
      h('h2', { id: 'task-title', tabindex: '-1' }, `${t('taskDetail')}：${pick(task.matterName, task.matterNameZh)}`),
      errorBlock(answer.errors[0] ?? { message: '', extensions: { code: 'NOT_FOUND' } }, () => void openDetail(task, list, detail, status), 'task-error'),
    );
    return;
  }
  showDetail(task, app, list, detail, status);
}

/** A task: what, about whom, under which application and case, due when; the form; the decision. */
function showDetail(task: InboxTask, app: TaskApplication, list: HTMLElement, detail: HTMLElement, status: HTMLElement): void {
  const facts: Array<[LabelKey, string | HTMLElement]> = [
    ['matterColumn', pick(task.matterName, task.matterNameZh)],
    ['oneThingTitle', pick(app.oneThingName, app.oneThingNameZh)],
    ['subjectColumn', task.subject],
    ['caseNumberLabel', app.caseNumber],
    ['caseHall', (zh() ? app.hallNameZh : app.hallName) ?? app.hall],
    ['submittedAt', app.submittedAt ? dateTimeText(app.submittedAt) : '—'],
    ['status', taskStatus(task)],
    ['dueColumn', dueText(task, app.tasks)],
  ];
  if (task.after.length > 0) {
    facts.push([
      'afterLabel',
      task.after
        .map((code) => {
          const before = app.tasks.find((other) => other.matter === code);
          return before ? `${pick(before.matterName, before.matterNameZh)}（${t(`task${before.status}` as LabelKey)}）` : code;
        })
        .join(zh() ? '、' : ', '),
    ]);
  }
  if (task.note) facts.push(['noteColumn', task.note]);
  // The form in the template's order (as guided), each value with its source; a corrected one marked.
  const submitted = app.form ?? {};
  const order = [...app.prefill.map((p) => p.key), ...Object.keys(submitted).filter((key) => !app.prefill.some((p) => p.key === key))];
  const form = order.filter((key) => key in submitted);
  const corrected = new Set(app.corrections.map((c) => c.key));
  // A field by its label on the form (a key the template does not name shows as itself).
  const labelOf = (key: string) => {
    const field = app.prefill.find((p) => p.key === key);
    return field ? pick(field.label, field.labelZh) : key;
  };
  const sourceTag = (key: string) => {
    if (corrected.has(key)) return h('span', { class: 'tag corrected', 'data-corrected': 'true' }, t('correctedByApplicant'));
    const source = app.prefill.find((p) => p.key === key)?.source ?? 'TYPED';
    return h(
      'span',
      { class: `tag source-${source === 'RECORD' || source === 'ANSWER' ? source : 'APPLICANT'}`, 'data-source': source },
      t(source === 'RECORD' ? 'srcRECORD' : source === 'ANSWER' ? 'srcANSWER' : 'srcApplicant'),
    );
  };
  const note = h('textarea', { id: 'decision-note', rows: '3', maxlength: '1000', 'aria-describedby': 'decision-message' });
  const message = h('p', { id: 'decision-message', class: 'hint', role: 'status', 'aria-live': 'polite' });
  const decide = async (decision: 'APPROVED' | 'REJECTED' | 'NEEDS_MATERIAL') => {
    const text = note.value.trim();
    if (decision !== 'APPROVED' && text === '') {
      message.textContent = t('noteRequired');
      message.className = 'hint bad';
      note.setAttribute('aria-invalid', 'true');
      note.focus();
      return;
    }
    for (const button of detail.querySelectorAll<HTMLButtonElement>('[data-decision]')) button.disabled = true;
    message.textContent = t('deciding');
    message.className = 'hint';
    const answer = await graphql<{ decideTask: TaskData }>(DECIDE, { id: task.id, decision, note: text === '' ? null : text });
    if (!answer.data?.decideTask) {
      for (const button of detail.querySelectorAll<HTMLButtonElement>('[data-decision]')) button.disabled = false;
      message.textContent = failure(answer.errors[0] ?? { message: '' });
      message.className = 'hint bad';
      return;
    }
    await load(list, detail, status, 'task-title');
    const after = document.getElementById('decision-message');
    if (after) {
      after.textContent = t(`decided${decision}`);
      after.className = 'hint ok';
    }
  };
  const button = (decision: 'APPROVED' | 'REJECTED' | 'NEEDS_MATERIAL', label: LabelKey, kind: string) => {
    const b = h('button', { type: 'button', class: kind, id: `decide-${decision}`, 'data-decision': decision }, t(label));
    b.addEventListener('click', () => void decide(decision));
    return b;
  };
  const decidable = DECIDABLE.has(task.status);
  replace(
    detail,
    h('h2', { id: 'task-title', tabindex: '-1' }, `${t('taskDetail')}：${pick(task.matterName, task.matterNameZh)}`),
    h('dl', { class: 'facts' }, ...facts.flatMap(([label, value]) => [h('dt', {}, t(label)), h('dd', {}, value)])),
    form.length > 0
      ? h(
          'section',
          { class: 'task-form', 'aria-labelledby': 'task-form-title' },
          h('h3', { id: 'task-form-title' }, t('applicationForm')),
          h(
            'dl',
            { class: 'facts task-form-fields' },
            ...form.flatMap((key) => [h('dt', {}, labelOf(key)), h('dd', { 'data-key': key }, valueWords(submitted[key]), ' ', sourceTag(key))]),
          ),
        )
      : null,
    app.corrections.length > 0
      ? h(
          'section',
          { class: 'task-corrections' },
          h('h3', {}, t('correctedFields')),
          h(
            'ul',
            {},
            ...app.corrections.map((c) =>
              h('li', { 'data-key': c.key }, tf('correctionLine', { key: labelOf(c.key), record: valueWords(c.recordValue), value: valueWords(c.value) })),
            ),
          ),
        )
      : null,
    decidable
      ? h(
          'form',
          { id: 'decide', class: 'decide', novalidate: true },
          h('label', { for: 'decision-note' }, t('decisionNote'), note),
          h(
            'div',
            { class: 'actions' },
            button('APPROVED', 'approve', ''),
            button('NEEDS_MATERIAL', 'needMaterial', 'secondary'),
            button('REJECTED', 'reject', 'danger'),
          ),
          message,
        )
      : h('p', { class: 'hint', id: 'decision-message' }, t('notDecidable')),
  );
  detail.hidden = false;
}
