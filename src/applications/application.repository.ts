import { Injectable } from '@nestjs/common';
import { DataSource, In, type EntityManager } from 'typeorm';
import { ApplicationTaskEntity, type TaskStatusCode } from './entities/application-task.entity.js';
import { ApplicationEntity, type ApplicationStatusCode } from './entities/application.entity.js';

/** An application as stored, without its relations. */
export type ApplicationRow = Omit<ApplicationEntity, 'case'>;

/** A task as stored, without its relation. */
export type TaskRow = Omit<ApplicationTaskEntity, 'application'>;

/** An application with its tasks and what its case says of who may see it and where its ledger entries go. */
export interface StoredApplication extends ApplicationRow {
  tasks: TaskRow[];
  caseNumber: string;
  caseMatter: string;
  caseStatus: 'OPEN' | 'CLOSED';
  /** ID numbers and credit codes of the case's parties. */
  parties: string[];
}

/** A task with the application it belongs to (the inbox's rows). */
export interface TaskWithApplication extends TaskRow {
  application: ApplicationRow & { caseNumber: string };
}

/**
 * Runs statements inside a change's transaction: the deadline jobs of the tasks that open are
 * scheduled through it (pg-boss's `db` option), so they commit with the change or not at all.
 */
export interface TransactionSql {
  /** The statement's rows, and how many rows it wrote (inserted, updated or deleted). */
  executeSql(text: string, values?: unknown[]): Promise<{ rows: unknown[]; rowCount: number }>;
}

/** What went wrong with a change, told to the service (never thrown past the repository). */
export type ApplicationChangeRefusal = 'APPLICATION_NOT_FOUND' | 'APPLICATION_NOT_DRAFT' | 'CASE_CLOSED' | 'TASK_NOT_FOUND' | 'TASK_NOT_OPEN';

/** Thrown inside a transaction so that it rolls back; turned into a refusal before it leaves. */
class Refused extends Error {
  constructor(readonly refusal: ApplicationChangeRefusal) {
    super(refusal);
  }
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** Tasks a department still has to decide. */
const UNDECIDED: TaskStatusCode[] = ['OPEN', 'NEEDS_MATERIAL'];

/** The columns of an application, under their property names. */
const APPLICATION_COLUMNS = `a.id, a.one_thing AS "oneThing", a.case_id AS "caseId", a.hall, a.region, a.subject, a.status, a.answers, a.matters,
  a.prefill, a.form, a.corrections, a.opened_by AS "openedBy", a.created_at AS "createdAt", a.submitted_at AS "submittedAt", a.updated_at AS "updatedAt"`;

const TASK_COLUMNS = `t.id, t.application_id AS "applicationId", t.matter_code AS "matterCode", t.department, t.status, t.after,
  t.promised_days AS "promisedDays", t.due_at AS "dueAt", t.overdue, t.note, t.decided_by AS "decidedBy", t.decided_at AS "decidedAt",
  t.opened_at AS "openedAt", t.created_at AS "createdAt"`;

/** A task's change in a decision: its own decision, or a successor opening. */
export interface TaskChange {
  id: string;
  status: TaskStatusCode;
  note?: string | null;
  decidedBy?: string;
  decidedAt?: Date;
  openedAt?: Date;
  dueAt?: Date;
}

/**
 * Every query of `onegate.application` and `onegate.application_task`. A change's ledger entry is
 * awaited inside the change's transaction (`beforeCommit`): no entry, no change; the deadline jobs
 * of the tasks that open are scheduled in the same transaction.
 */
@Injectable()
export class ApplicationRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** Inserts a draft application. */
  async open(row: ApplicationRow, beforeCommit: () => Promise<unknown>): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      await manager.getRepository(ApplicationEntity).insert(row);
      await beforeCommit();
    });
  }

  /** The application with its tasks (in the one thing's order of matters) and its case's facts. */
  async find(id: string): Promise<StoredApplication | null> {
    if (!UUID.test(id)) return null;
    const rows: Array<ApplicationRow & { caseNumber: string; caseMatter: string; caseStatus: 'OPEN' | 'CLOSED'; parties: string[] }> =
      await this.dataSource.query(
        `SELECT ${APPLICATION_COLUMNS}, c.case_number AS "caseNumber", c.matter_code AS "caseMatter", c.status AS "caseStatus",
                ARRAY(SELECT p.subject_id FROM onegate.case_party p WHERE p.case_id = a.case_id ORDER BY p.position)::text[] AS parties
           FROM onegate.application a JOIN onegate."case" c ON c.id = a.case_id
          WHERE a.id = $1`,
        [id.toLowerCase()],
      );
    const [row] = rows;
    if (!row) return null;
    // A draft has no tasks: they are made when it is submitted, in the transaction that ends the draft.
    if (row.status === 'DRAFT') return { ...row, tasks: [] };
    const tasks = await this.tasksOf([row.id]);
    return { ...row, tasks: inMatterOrder(tasks.get(row.id) ?? [], row.matters) };
  }

  /** The application a task belongs to, or null for an unknown task. */
  async applicationOfTask(taskId: string): Promise<string | null> {
    if (!UUID.test(taskId)) return null;
    const task = await this.dataSource.getRepository(ApplicationTaskEntity).findOne({ where: { id: taskId.toLowerCase() }, select: { applicationId: true } });
    return task?.applicationId ?? null;
  }

  /**
   * Submits a draft: on the application locked against other changes, while it is a DRAFT and its
   * case OPEN, `work` gives the form, corrections, status and tasks; they are written, and
   * `beforeCommit` (deadline jobs, the ledger entry) runs in the same transaction. All or nothing.
   */
  async submit(
    id: string,
    work: (found: ApplicationRow) => Promise<{ update: Pick<ApplicationRow, 'form' | 'corrections' | 'status' | 'submittedAt'>; tasks: TaskRow[] }>,
    beforeCommit: (sql: TransactionSql, tasks: readonly TaskRow[]) => Promise<unknown>,
  ): Promise<ApplicationChangeRefusal | null> {
    return this.refusing(async (manager) => {
      const found = await this.locked(manager, id);
      if (found.status !== 'DRAFT') throw new Refused('APPLICATION_NOT_DRAFT');
      if (found.caseStatus !== 'OPEN') throw new Refused('CASE_CLOSED');
      const { update, tasks } = await work(found);
      // The application's update and its tasks in one statement.
      await manager.query(
        `WITH submitted AS (
           UPDATE onegate.application SET form = $2::jsonb, corrections = $3::jsonb, status = $4, submitted_at = $5, updated_at = $5
            WHERE id = $1 RETURNING id)
         INSERT INTO onegate.application_task
                (id, application_id, matter_code, department, status, after, promised_days, due_at, overdue, note, decided_by, decided_at, opened_at, created_at)
         SELECT t.id, submitted.id, t.matter_code, t.department, t.status, t.after, t.promised_days, t.due_at, t.overdue, t.note, t.decided_by,
                t.decided_at, t.opened_at, t.created_at
           FROM submitted,
                jsonb_to_recordset($6::jsonb) AS t(id uuid, matter_code varchar, department varchar, status varchar, after text[], promised_days int,
                  due_at timestamptz, overdue boolean, note text, decided_by varchar, decided_at timestamptz, opened_at timestamptz, created_at timestamptz)`,
        [
          found.id,
          jsonOrNull(update.form),
          jsonOrNull(update.corrections),
          update.status,
          update.submittedAt,
          JSON.stringify(
            tasks.map((t) => ({
              id: t.id,
              matter_code: t.matterCode,
              department: t.department,
              status: t.status,
              after: t.after,
              promised_days: t.promisedDays,
              due_at: t.dueAt,
              overdue: t.overdue,
              note: t.note,
              decided_by: t.decidedBy,
              decided_at: t.decidedAt,
              opened_at: t.openedAt,
              created_at: t.createdAt,
            })),
          ),
        ],
      );
      await beforeCommit(sqlOf(manager), tasks);
    });
  }

  /**
   * Decides a task: on its application locked against other decisions (successors are opened from
   * a consistent view of its tasks), `work` checks the task and gives the changes of its tasks and
   * the application's new status; `beforeCommit` runs in the same transaction.
   */
  async decide(
    taskId: string,
    work: (
      found: ApplicationRow,
      tasks: readonly TaskRow[],
      task: TaskRow,
    ) => Promise<{ changes: TaskChange[]; status: Exclude<ApplicationStatusCode, 'DRAFT'>; at: Date }>,
    beforeCommit: (sql: TransactionSql, changes: readonly TaskChange[]) => Promise<unknown>,
  ): Promise<ApplicationChangeRefusal | null> {
    const applicationId = await this.applicationOfTask(taskId);
    if (!applicationId) return 'TASK_NOT_FOUND';
    return this.refusing(async (manager) => {
      const found = await this.locked(manager, applicationId);
      const tasks = inMatterOrder((await manager.getRepository(ApplicationTaskEntity).find({ where: { applicationId } })).map(taskRow), found.matters);
      const task = tasks.find((t) => t.id === taskId.toLowerCase());
      if (!task) throw new Refused('TASK_NOT_FOUND');
      const { changes, status, at } = await work(found, tasks, task);
      for (const { id, ...change } of changes) await manager.getRepository(ApplicationTaskEntity).update({ id }, change);
      await manager.getRepository(ApplicationEntity).update({ id: found.id }, { status, updatedAt: at });
      await beforeCommit(sqlOf(manager), changes);
    });
  }

  /** Flags the task overdue if it is still undecided and due; null when there was nothing to flag (idempotent). */
  async markOverdue(taskId: string, now: Date): Promise<Pick<TaskRow, 'department' | 'matterCode'> | null> {
    const [rows] = (await this.dataSource.query(
      `UPDATE onegate.application_task SET overdue = true
        WHERE id = $1 AND status = ANY($2::varchar[]) AND due_at <= $3 AND NOT overdue
        RETURNING department, matter_code AS "matterCode"`,
      [taskId, UNDECIDED, now],
    )) as [Array<Pick<TaskRow, 'department' | 'matterCode'>>, number];
    return rows[0] ?? null;
  }

  /** The task when it is still undecided and not overdue (a reminder is worth sending), else null. */
  async undecided(taskId: string): Promise<Pick<TaskRow, 'department' | 'matterCode' | 'dueAt'> | null> {
    const task = await this.dataSource.getRepository(ApplicationTaskEntity).findOne({
      where: { id: taskId, status: In(UNDECIDED), overdue: false },
      select: { department: true, matterCode: true, dueAt: true },
    });
    return task ?? null;
  }

  /** Tasks of these applications, by application. */
  async tasksOf(applicationIds: readonly string[]): Promise<Map<string, TaskRow[]>> {
    const byApplication = new Map<string, TaskRow[]>();
    if (applicationIds.length === 0) return byApplication;
    const tasks = await this.dataSource.getRepository(ApplicationTaskEntity).find({ where: { applicationId: In([...applicationIds]) } });
    for (const task of tasks) {
      const list = byApplication.get(task.applicationId) ?? [];
      list.push(taskRow(task));
      byApplication.set(task.applicationId, list);
    }
    return byApplication;
  }

  /** The applications of the cases this person or enterprise is a party to, newest first, with their tasks. */
  async listByParty(subjectId: string, limit: number): Promise<Array<ApplicationRow & { caseNumber: string; tasks: TaskRow[] }>> {
    const rows: Array<ApplicationRow & { caseNumber: string }> = await this.dataSource.query(
      `SELECT ${APPLICATION_COLUMNS}, c.case_number AS "caseNumber"
         FROM onegate.application a JOIN onegate."case" c ON c.id = a.case_id
        WHERE a.case_id IN (SELECT p.case_id FROM onegate.case_party p WHERE p.subject_id = $1)
        ORDER BY a.created_at DESC, a.id DESC
        LIMIT $2`,
      [subjectId, limit],
    );
    const tasks = await this.tasksOf(rows.map((r) => r.id));
    return rows.map((row) => ({ ...row, tasks: inMatterOrder(tasks.get(row.id) ?? [], row.matters) }));
  }

  /**
   * A page of tasks, the most urgent first (due date, then id; a waiting task has none and comes
   * last), after the cursor when given: a department's own, or those of a hall's applications.
   * One more than `limit` tells whether there is a next page.
   */
  async listTasks(
    scope: { department: string } | { hall: string },
    limit: number,
    after: { dueAt: Date | null; id: string } | null,
    filter: { statuses?: readonly TaskStatusCode[] | null; overdue?: boolean | null; matter?: string | null; applicationId?: string | null },
  ): Promise<TaskWithApplication[]> {
    const rows: Array<TaskRow & { app: ApplicationRow & { caseNumber: string } }> = await this.dataSource.query(
      `SELECT ${TASK_COLUMNS},
              json_build_object('id', a.id, 'oneThing', a.one_thing, 'caseId', a.case_id, 'hall', a.hall, 'region', a.region, 'subject', a.subject,
                'status', a.status, 'answers', a.answers, 'matters', a.matters, 'prefill', a.prefill, 'form', a.form, 'corrections', a.corrections,
                'openedBy', a.opened_by, 'createdAt', a.created_at, 'submittedAt', a.submitted_at, 'updatedAt', a.updated_at,
                'caseNumber', c.case_number) AS app
         FROM onegate.application_task t JOIN onegate.application a ON a.id = t.application_id JOIN onegate."case" c ON c.id = a.case_id
        WHERE ($1::varchar IS NULL OR t.department = $1::varchar)
          AND ($2::varchar IS NULL OR a.hall = $2::varchar)
          AND ($3::varchar[] IS NULL OR t.status = ANY($3::varchar[]))
          AND ($4::boolean IS NULL OR t.overdue = $4::boolean)
          AND ($5::varchar IS NULL OR t.matter_code = $5::varchar)
          AND ($6::uuid IS NULL OR t.application_id = $6::uuid)
          AND ($7::text IS NULL OR (COALESCE(t.due_at, 'infinity'::timestamptz), t.id) > (COALESCE($8::timestamptz, 'infinity'::timestamptz), $7::uuid))
        ORDER BY COALESCE(t.due_at, 'infinity'::timestamptz), t.id
        LIMIT $9`,
      [
        'department' in scope ? scope.department : null,
        'hall' in scope ? scope.hall : null,
        filter.statuses?.length ? filter.statuses : null,
        filter.overdue ?? null,
        filter.matter ?? null,
        filter.applicationId ?? null,
        after?.id ?? null,
        after?.dueAt ?? null,
        limit,
      ],
    );
    return rows.map(({ app, ...task }) => ({ ...task, application: applicationFromJson(app) }));
  }

  /** Runs a change in a transaction; a refusal thrown inside rolls it back and is returned. */
  private async refusing(change: (manager: EntityManager) => Promise<void>): Promise<ApplicationChangeRefusal | null> {
    try {
      await this.dataSource.transaction(change);
      return null;
    } catch (error) {
      if (error instanceof Refused) return error.refusal;
      throw error;
    }
  }

  /** The application locked against other changes, with its case's status, in one statement. */
  private async locked(manager: EntityManager, id: string): Promise<ApplicationRow & { caseStatus: string }> {
    if (!UUID.test(id)) throw new Refused('APPLICATION_NOT_FOUND');
    const [found] = (await manager.query(
      `SELECT ${APPLICATION_COLUMNS}, c.status AS "caseStatus"
         FROM onegate.application a JOIN onegate."case" c ON c.id = a.case_id
        WHERE a.id = $1
          FOR UPDATE OF a`,
      [id.toLowerCase()],
    )) as Array<ApplicationRow & { caseStatus: string }>;
    if (!found) throw new Refused('APPLICATION_NOT_FOUND');
    return found;
  }
}

/** A jsonb parameter: the value as JSON, or SQL NULL. */
function jsonOrNull(value: unknown): string | null {
  return value === null || value === undefined ? null : JSON.stringify(value);
}

function sqlOf(manager: EntityManager): TransactionSql {
  return {
    executeSql: async (text, values) => {
      const result = await manager.queryRunner!.query(text, values, true);
      return { rows: result.records as unknown[], rowCount: result.affected ?? 0 };
    },
  };
}

function taskRow(entity: ApplicationTaskEntity): TaskRow {
  const { application: _application, ...row } = entity;
  return row;
}

/** Tasks in the order of the application's matters. */
export function inMatterOrder(tasks: TaskRow[], matters: readonly string[]): TaskRow[] {
  return [...tasks].sort((a, b) => matters.indexOf(a.matterCode) - matters.indexOf(b.matterCode));
}

/** json_build_object gives timestamps as strings. */
function applicationFromJson<A extends ApplicationRow>(app: A): A {
  const date = (value: unknown) => (value === null || value === undefined ? null : new Date(value as string));
  return { ...app, createdAt: date(app.createdAt)!, submittedAt: date(app.submittedAt), updatedAt: date(app.updatedAt)! };
}
