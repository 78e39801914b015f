import { DECIDING_DEPARTMENT_NAMES } from '../common/departments.js';
import type { OneThingDefinition } from '../one-things/one-thing-definition.js';
import type { ApplicationRow, TaskRow } from './application.repository.js';
import { Application, ApplicationStatus, DepartmentTask, TaskStatus } from './models/application.model.js';

/** An application with its tasks and its case number, as the presenter needs it. */
export type PresentedApplication = ApplicationRow & { tasks: readonly TaskRow[]; caseNumber: string };

/** The application as the schema shows it, each task pointing back to it. */
export function toApplication(found: PresentedApplication, definition: OneThingDefinition): Application {
  const application: Application = {
    id: found.id,
    oneThing: found.oneThing,
    oneThingName: definition.name,
    oneThingNameZh: definition.nameZh,
    caseId: found.caseId,
    caseNumber: found.caseNumber,
    hall: found.hall,
    status: ApplicationStatus[found.status],
    answers: found.answers,
    matters: found.matters,
    prefill: found.prefill.map((f) => {
      // The labels of the one thing's form template; a key it no longer declares shows as itself.
      const field = definition.form.fields.find((d) => d.key === f.key);
      return { key: f.key, label: field?.label ?? f.key, labelZh: field?.labelZh ?? f.key, value: f.value, source: f.source };
    }),
    form: found.form,
    corrections: (found.corrections ?? []).map((c) => ({ key: c.key, recordValue: c.recordValue, value: c.value })),
    tasks: [],
    createdAt: found.createdAt,
    submittedAt: found.submittedAt,
    updatedAt: found.updatedAt,
  };
  application.tasks = found.tasks.map((task) => toTask(task, found.subject, application, definition));
  return application;
}

export function toTask(task: TaskRow, subject: string, application: Application, definition: OneThingDefinition): DepartmentTask {
  const matter = definition.matters.find((m) => m.code === task.matterCode);
  const names = DECIDING_DEPARTMENT_NAMES[task.department];
  return {
    id: task.id,
    department: task.department,
    departmentName: names.en,
    departmentNameZh: names.zh,
    matter: task.matterCode,
    matterName: matter?.name ?? task.matterCode,
    matterNameZh: matter?.nameZh ?? task.matterCode,
    subject,
    status: TaskStatus[task.status],
    after: task.after,
    promisedDays: task.promisedDays,
    dueAt: task.dueAt,
    overdue: task.overdue,
    note: task.note,
    openedAt: task.openedAt,
    decidedAt: task.decidedAt,
    application,
  };
}
