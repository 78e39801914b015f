import type { Principal } from '../identity/principal.js';

/**
 * Who may see an application and who may decide its department tasks. Pure, like
 * access-decision.ts: the applications domain gathers the facts, asks here, and writes every
 * refusal to the ledger.
 */

/** Why an application or a task was refused; stable codes for clients, the ledger and tests. */
export type ApplicationDenialReason =
  /** No such application, or one the caller may not see: the same answer for both. */
  | 'APPLICATION_NOT_FOUND'
  /** No such task, or one the caller may not see. */
  | 'TASK_NOT_FOUND'
  /** The task is another department's: only the deciding department decides it. */
  | 'NOT_THE_TASK_DEPARTMENT'
  /** The task is not open for a decision (still waiting for a predecessor, or already approved or rejected). */
  | 'TASK_NOT_OPEN';

/** An application as the decision sees it. */
export interface ApplicationFacts {
  hall: string;
  /** ID numbers and credit codes of the parties of its case. */
  parties: readonly string[];
  /** The departments that have a task in it. */
  departments: readonly string[];
}

/**
 * May this principal see the application? A clerk of its hall, a department (or agency) with a task
 * in it, or a citizen who is a party of its case; anyone else, and an application that does not
 * exist, get the same answer.
 */
export function applicationReadDenial(principal: Principal, found: ApplicationFacts | null): ApplicationDenialReason | null {
  if (!found) return 'APPLICATION_NOT_FOUND';
  switch (principal.kind) {
    case 'clerk':
      return principal.hall === found.hall ? null : 'APPLICATION_NOT_FOUND';
    case 'department':
      return found.departments.includes(principal.department) ? null : 'APPLICATION_NOT_FOUND';
    case 'citizen':
      return found.parties.includes(principal.id) ? null : 'APPLICATION_NOT_FOUND';
    default:
      return 'APPLICATION_NOT_FOUND';
  }
}

/** Task statuses a decision may be taken on: open, or sent back for a material and now decided again. */
export const DECIDABLE_TASK_STATUSES: readonly string[] = ['OPEN', 'NEEDS_MATERIAL'];

/**
 * May this principal decide the task? Only a system of the task's own department, and only while the
 * task is OPEN or NEEDS_MATERIAL. Existence is not hidden from departments (a task id says nothing of
 * the applicant), so another department's task is refused as such.
 */
export function taskDecisionDenial(principal: Principal, task: { department: string; status: string } | null): ApplicationDenialReason | null {
  if (!task || principal.kind !== 'department') return 'TASK_NOT_FOUND';
  if (principal.department !== task.department) return 'NOT_THE_TASK_DEPARTMENT';
  if (!DECIDABLE_TASK_STATUSES.includes(task.status)) return 'TASK_NOT_OPEN';
  return null;
}

/** Whose tasks a caller's inbox lists: a department's own, or a clerk's hall's applications'; null: none. */
export type TaskListingScope = { department: string } | { hall: string };

export function taskListingScope(principal: Principal): TaskListingScope | null {
  if (principal.kind === 'department') return { department: principal.department };
  if (principal.kind === 'clerk') return { hall: principal.hall };
  return null;
}
