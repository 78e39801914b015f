import { graphql, type GqlError } from './api.js';
import { h, replace } from './dom.js';
import { currentLang, dateTimeText, t, tf, type LabelKey } from './i18n.js';
import { dueText, taskStatus, TASK_FIELDS, type ApplicationData, type TaskData } from './one-thing.js';

/*
 * The citizen follows their applications on the phone (我的办件进度): a card per application with
 * each department's task — its state, the department (in Chinese), the promised date, and the
 * department's note when it rejected the matter or asks for a material.
 */

// The list without the tasks, then each application's tasks: the list with every task's fields would cost more than a query may.
const MINE = `{ myApplications { id oneThing oneThingName oneThingNameZh caseId caseNumber hall status submittedAt createdAt } }`;
/** Applications whose tasks one request asks for (aliases of application(id)). */
const TASKS_PER_REQUEST = 8;

/** Each application's tasks, a few applications a request; the first failure is the answer's. */
async function withTasks(list: Array<Omit<ApplicationData, 'tasks'>>): Promise<{ applications: ApplicationData[]; error: GqlError | null }> {
  const tasks = new Map<string, TaskData[]>();
  const chunks: Array<Array<Omit<ApplicationData, 'tasks'>>> = [];
  for (let i = 0; i < list.length; i += TASKS_PER_REQUEST) chunks.push(list.slice(i, i + TASKS_PER_REQUEST));
  const answers = await Promise.all(
    chunks.map((chunk) => {
      const declarations = chunk.map((_, i) => `$a${i}: ID!`).join(', ');
      const fields = chunk.map((_, i) => `a${i}: application(id: $a${i}) { id tasks { ${TASK_FIELDS} } }`).join(' ');
      return graphql<Record<string, { id: string; tasks: TaskData[] } | null>>(
        `query ApplicationTasks(${declarations}) { ${fields} }`,
        Object.fromEntries(chunk.map((application, i) => [`a${i}`, application.id])),
      );
    }),
  );
  let error: GqlError | null = null;
  for (const answer of answers) {
    error ??= answer.errors[0] ?? null;
    for (const found of Object.values(answer.data ?? {})) if (found) tasks.set(found.id, found.tasks);
  }
  return { applications: list.map((application) => ({ ...application, tasks: tasks.get(application.id) ?? [] })), error };
}

const pick = (en: string, zhText: string | null | undefined) => (currentLang() === 'zh' && zhText) || en;

export async function renderMyApplications(section: HTMLElement): Promise<void> {
  replace(section, h('h2', { id: 'my-applications-title' }, t('myApplications')), h('p', { class: 'loading', role: 'status' }, t('loadingApplications')));
  section.setAttribute('aria-busy', 'true');
  const answer = await graphql<{ myApplications: Array<Omit<ApplicationData, 'tasks'>> }>(MINE);
  const submitted = (answer.data?.myApplications ?? []).filter((application) => application.status !== 'DRAFT');
  const detailed = answer.data ? await withTasks(submitted) : null;
  section.setAttribute('aria-busy', 'false');
  const failure = answer.errors[0] ?? detailed?.error;
  if (!answer.data || failure) {
    const error = failure;
    const retry = h('button', { type: 'button', class: 'secondary', 'data-action': 'retry' }, t('retry'));
    retry.addEventListener('click', () => void renderMyApplications(section));
    const words = error?.extensions?.code === 'GATEWAY_UNREACHABLE' ? t('gatewayDown') : tf('otherFailure', { message: error?.message ?? '' });
    replace(section, h('h2', { id: 'my-applications-title' }, t('myApplications')), h('div', { class: 'error', role: 'alert' }, h('p', {}, words), retry));
    return;
  }
  const applications = detailed!.applications;
  replace(
    section,
    h('h2', { id: 'my-applications-title' }, t('myApplications')),
    applications.length === 0 ? h('p', { class: 'hint', id: 'no-applications' }, t('noApplications')) : null,
    ...applications.map(card),
  );
}

function card(application: ApplicationData): HTMLElement {
  const titleId = `application-${application.id}`;
  return h(
    'article',
    { class: 'application-card', 'data-application': application.id, 'data-status': application.status, 'aria-labelledby': titleId },
    h(
      'header',
      {},
      h('h3', { id: titleId }, pick(application.oneThingName, application.oneThingNameZh)),
      h('span', { class: `pill app-${application.status}`, 'data-status': application.status }, t(`app${application.status}` as LabelKey)),
    ),
    h(
      'p',
      { class: 'source' },
      tf('caseNumberShort', { case: application.caseNumber }),
      application.submittedAt ? ` · ${t('submittedAt')} ${dateTimeText(application.submittedAt)}` : '',
    ),
    h(
      'ol',
      { class: 'task-list' },
      ...application.tasks.map((task) =>
        h(
          'li',
          { class: `task state-${task.status}`, 'data-task': task.id, 'data-matter': task.matter, 'data-status': task.status },
          h('div', { class: 'task-head' }, h('strong', {}, pick(task.matterName, task.matterNameZh)), taskStatus(task)),
          h('p', { class: 'task-department', 'data-department': task.department }, pick(task.departmentName, task.departmentNameZh)),
          h('p', { class: 'task-due' }, dueText(task, application.tasks)),
          task.note && (task.status === 'REJECTED' || task.status === 'NEEDS_MATERIAL')
            ? h('p', { class: 'task-note', role: 'note' }, tf('departmentNote', { note: task.note }))
            : null,
        ),
      ),
    ),
  );
}
