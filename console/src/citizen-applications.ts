import { graphql } from './api.js';
import { h, replace } from './dom.js';
import { currentLang, dateTimeText, t, tf, type LabelKey } from './i18n.js';
import { APPLICATION_FIELDS, dueText, taskStatus, type ApplicationData } from './one-thing.js';

/*
 * The citizen follows their applications on the phone (我的办件进度): a card per application with
 * each department's task — its state, the department (in Chinese), the promised date, and the
 * department's note when it rejected the matter or asks for a material.
 */

// The applications with every task in one query (a task's lists are bounded as tightly as the one-thing schema, so it is within the cost limit).
const MINE = `{ myApplications { ${APPLICATION_FIELDS} } }`;

const pick = (en: string, zhText: string | null | undefined) => (currentLang() === 'zh' && zhText) || en;

export async function renderMyApplications(section: HTMLElement): Promise<void> {
  replace(section, h('h2', { id: 'my-applications-title' }, t('myApplications')), h('p', { class: 'loading', role: 'status' }, t('loadingApplications')));
  section.setAttribute('aria-busy', 'true');
  const answer = await graphql<{ myApplications: ApplicationData[] }>(MINE);
  section.setAttribute('aria-busy', 'false');
  if (!answer.data || answer.errors[0]) {
    const error = answer.errors[0];
    const retry = h('button', { type: 'button', class: 'secondary', 'data-action': 'retry' }, t('retry'));
    retry.addEventListener('click', () => void renderMyApplications(section));
    const words = error?.extensions?.code === 'GATEWAY_UNREACHABLE' ? t('gatewayDown') : tf('otherFailure', { message: error?.message ?? '' });
    replace(section, h('h2', { id: 'my-applications-title' }, t('myApplications')), h('div', { class: 'error', role: 'alert' }, h('p', {}, words), retry));
    return;
  }
  const applications = answer.data.myApplications.filter((application) => application.status !== 'DRAFT');
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
