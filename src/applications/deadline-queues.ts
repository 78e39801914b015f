import type { JobQueueDefinition } from '../database/job-queue.js';

/** Flags an undecided department task overdue at its due date. */
export const TASK_OVERDUE_QUEUE = 'department-task-overdue';
/** Reminds a department of an undecided task TASK_REMINDER_BEFORE_SECONDS before its due date. */
export const TASK_REMINDER_QUEUE = 'department-task-reminder';

/** What a deadline job carries: the task's id and due date, nothing about the applicant. */
export interface TaskDeadlineJob {
  taskId: string;
  dueAt: string;
}

/**
 * The deadline queues, created at start-up as the owner (installJobQueue). A job whose handler fails
 * (the database away) is tried again with backoff; the handlers are idempotent, so a job run twice
 * (a gateway stopped mid-job, its lease expired) changes nothing the second time.
 */
export const TASK_DEADLINE_QUEUES: readonly JobQueueDefinition[] = [
  { name: TASK_OVERDUE_QUEUE, policy: 'standard', retryLimit: 20, retryDelay: 15, retryBackoff: true, expireInSeconds: 120 },
  { name: TASK_REMINDER_QUEUE, policy: 'standard', retryLimit: 5, retryDelay: 15, retryBackoff: true, expireInSeconds: 120 },
];
