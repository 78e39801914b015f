import type { DecidingDepartment } from '../common/departments.js';
import type { ApplicationStatusCode } from './entities/application.entity.js';
import type { TaskStatusCode } from './entities/application-task.entity.js';

/** A selected matter as a task is planned from it. */
export interface PlannedMatter {
  code: string;
  department: DecidingDepartment;
  promisedDays: number;
  after: readonly string[];
}

/** What a task starts as at submission. */
export interface PlannedTask {
  matterCode: string;
  department: DecidingDepartment;
  status: Extract<TaskStatusCode, 'OPEN' | 'WAITING'>;
  /** Predecessors among the selected matters only: a matter not selected holds nothing up. */
  after: string[];
  promisedDays: number;
  openedAt: Date | null;
  dueAt: Date | null;
}

/** The due date of a task opened at `openedAt`: its promised days later (a day is `daySeconds` long; shorter only in tests). */
export function dueDate(openedAt: Date, promisedDays: number, daySeconds: number): Date {
  return new Date(openedAt.getTime() + promisedDays * daySeconds * 1000);
}

/**
 * One task per selected matter: OPEN from submission when none of its predecessors is among the
 * selected matters (the departments work in parallel), WAITING otherwise.
 */
export function planTasks(selected: readonly PlannedMatter[], now: Date, daySeconds: number): PlannedTask[] {
  const codes = new Set(selected.map((m) => m.code));
  return selected.map((matter) => {
    const after = matter.after.filter((code) => codes.has(code));
    const open = after.length === 0;
    return {
      matterCode: matter.code,
      department: matter.department,
      status: open ? 'OPEN' : 'WAITING',
      after,
      promisedDays: matter.promisedDays,
      openedAt: open ? now : null,
      dueAt: open ? dueDate(now, matter.promisedDays, daySeconds) : null,
    };
  });
}

/** The WAITING tasks whose predecessors are now all APPROVED: they open. */
export function tasksToOpen<T extends { matterCode: string; status: TaskStatusCode; after: readonly string[] }>(tasks: readonly T[]): T[] {
  const approved = new Set(tasks.filter((t) => t.status === 'APPROVED').map((t) => t.matterCode));
  return tasks.filter((t) => t.status === 'WAITING' && t.after.every((code) => approved.has(code)));
}

/**
 * The application's status from its tasks: REJECTED once any task is rejected, COMPLETED once all
 * are approved, NEEDS_MATERIAL while a department waits for a material, IN_PROGRESS once a task is
 * approved, SUBMITTED before any decision.
 */
export function applicationStatusOf(tasks: ReadonlyArray<{ status: TaskStatusCode }>): Exclude<ApplicationStatusCode, 'DRAFT'> {
  if (tasks.some((t) => t.status === 'REJECTED')) return 'REJECTED';
  if (tasks.length > 0 && tasks.every((t) => t.status === 'APPROVED')) return 'COMPLETED';
  if (tasks.some((t) => t.status === 'NEEDS_MATERIAL')) return 'NEEDS_MATERIAL';
  if (tasks.some((t) => t.status === 'APPROVED')) return 'IN_PROGRESS';
  return 'SUBMITTED';
}
