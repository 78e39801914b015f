import { Check, Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn, Unique } from 'typeorm';
import type { DecidingDepartment } from '../../common/departments.js';
import type { ApplicationEntity } from './application.entity.js';

export const TASK_STATUSES = ['WAITING', 'OPEN', 'APPROVED', 'REJECTED', 'NEEDS_MATERIAL'] as const;
export type TaskStatusCode = (typeof TASK_STATUSES)[number];

/**
 * A department task (部门任务): one matter of a submitted application, in the deciding department's
 * inbox. WAITING until every matter in `after` is approved, then OPEN with its due date counted from
 * then; decided APPROVED or REJECTED, or sent back as NEEDS_MATERIAL (decided again later).
 */
@Entity({ name: 'application_task' })
@Unique('application_task_matter_key', ['applicationId', 'matterCode'])
@Check('application_task_status_check', `"status" IN ('WAITING', 'OPEN', 'APPROVED', 'REJECTED', 'NEEDS_MATERIAL')`)
@Check('application_task_opened_check', `("status" = 'WAITING') = ("opened_at" IS NULL) AND ("opened_at" IS NULL) = ("due_at" IS NULL)`)
@Check('application_task_promised_days_check', `"promised_days" > 0`)
// The inbox: a department's tasks by status, the most urgent first.
@Index('application_task_inbox_idx', ['department', 'status', 'dueAt'])
export class ApplicationTaskEntity {
  @PrimaryColumn({ type: 'uuid' })
  id: string;

  @Column({ name: 'application_id', type: 'uuid' })
  applicationId: string;

  @Column({ name: 'matter_code', type: 'varchar', length: 64 })
  matterCode: string;

  /** The deciding department (a department or an agency). */
  @Column({ type: 'varchar', length: 32 })
  department: DecidingDepartment;

  @Column({ type: 'varchar', length: 16 })
  status: TaskStatusCode;

  /** The matters of the application that must be approved before this task opens. */
  @Column({ type: 'text', array: true })
  after: string[];

  /** Calendar days from when the task opens to its due date. */
  @Column({ name: 'promised_days', type: 'integer' })
  promisedDays: number;

  @Column({ name: 'due_at', type: 'timestamptz', nullable: true })
  dueAt: Date | null;

  /** Set by the deadline job when the due date passed before a decision; never cleared. */
  @Column({ type: 'boolean', default: false })
  overdue: boolean;

  /** The department's note with its last decision (what material is missing, why it was rejected). */
  @Column({ type: 'text', nullable: true })
  note: string | null;

  @Column({ name: 'decided_by', type: 'varchar', length: 256, nullable: true })
  decidedBy: string | null;

  @Column({ name: 'decided_at', type: 'timestamptz', nullable: true })
  decidedAt: Date | null;

  @Column({ name: 'opened_at', type: 'timestamptz', nullable: true })
  openedAt: Date | null;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @ManyToOne('ApplicationEntity', { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'application_id' })
  application?: ApplicationEntity;
}
