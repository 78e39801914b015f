import { Inject, Injectable, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import PgBoss from 'pg-boss';
import type pg from 'pg';
import { AppConfig } from '../config/app-config.js';
import { DATABASE_CONNECTIONS } from '../database/database.module.js';
import type { DatabaseConnections } from '../database/database-setup.js';
import { JOB_QUEUE_SCHEMA } from '../database/job-queue.js';
import { resilientPool } from '../database/pg-pool.js';
import type { Logger } from '../logging/logger.js';
import { LOGGER } from '../logging/logging.module.js';
import { Metrics } from '../operations/metrics.js';
import { ApplicationRepository, type TransactionSql } from './application.repository.js';
import { TASK_OVERDUE_QUEUE, TASK_REMINDER_QUEUE, type TaskDeadlineJob } from './deadline-queues.js';

/** Connections of the job runner's own pool (polling, completing jobs, maintenance). */
const JOB_POOL_SIZE = 2;
/** How long a stopping gateway waits for a job in hand before pg-boss fails it (it is retried elsewhere). */
const STOP_TIMEOUT_MS = 5000;
/** Jobs taken per poll. */
const BATCH_SIZE = 20;

/**
 * The department tasks' deadlines on pg-boss, inside the gateway, on its database (schema
 * `pgboss`, installed at start-up by installJobQueue). When a task opens, its overdue job (at the
 * due date) and its reminder (TASK_REMINDER_BEFORE_SECONDS before) are scheduled in the transaction
 * that opens it. Every gateway on the database works the queues (TASK_JOBS_POLL_SECONDS; 0: this one
 * does not): pg-boss hands each job to one of them (SKIP LOCKED) and retries a failed one. Both
 * handlers are idempotent and carry nothing about the applicant.
 */
@Injectable()
export class TaskDeadlines implements OnApplicationBootstrap, OnModuleDestroy {
  private pool?: pg.Pool;
  private boss?: PgBoss;

  constructor(
    private readonly config: AppConfig,
    @Inject(DATABASE_CONNECTIONS) private readonly connections: DatabaseConnections,
    @Inject(LOGGER) private readonly logger: Logger,
    private readonly metrics: Metrics,
    private readonly applications: ApplicationRepository,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const pool = resilientPool(
      { connectionString: this.connections.runtimeUrl, max: JOB_POOL_SIZE, application_name: 'onegate-jobs', connectionTimeoutMillis: 5000 },
      (error) => this.logger.warn({ err: { name: error.name, message: error.message } }, 'job queue: an idle connection failed'),
    );
    this.pool = pool;
    const working = this.config.TASK_JOBS_POLL_SECONDS > 0;
    const boss = new PgBoss({
      db: { executeSql: (text: string, values?: unknown[]) => pool.query(text, values) },
      schema: JOB_QUEUE_SCHEMA,
      // The owner installed the schema at start-up; the runtime role checks its version only.
      migrate: false,
      schedule: false,
      // Expiring jobs whose gateway died, archiving and deleting old ones: one gateway at a time.
      supervise: working,
    });
    boss.on('error', (error: Error) => this.logger.warn({ err: { name: error.name, message: error.message } }, 'job queue error'));
    this.boss = boss;
    await boss.start();
    if (!working) return;
    const options = { pollingIntervalSeconds: this.config.TASK_JOBS_POLL_SECONDS, batchSize: BATCH_SIZE };
    await boss.work<TaskDeadlineJob>(TASK_OVERDUE_QUEUE, options, (jobs) => this.overdue(jobs));
    await boss.work<TaskDeadlineJob>(TASK_REMINDER_QUEUE, options, (jobs) => this.remind(jobs));
  }

  /** Before the database connections close: stop polling, let a job in hand finish (or fail it for a retry), close the pool. */
  async onModuleDestroy(): Promise<void> {
    await this.boss?.stop({ graceful: true, timeout: STOP_TIMEOUT_MS, close: false });
    await this.pool?.end();
  }

  /**
   * Schedules the deadline jobs of tasks that open, in the transaction that opens them (`sql`). A
   * reminder due before now runs at once. Throws when pg-boss did not take a job, so that nothing
   * opens without its deadline.
   */
  async schedule(sql: TransactionSql, tasks: ReadonlyArray<{ id: string; dueAt: Date | null }>, now: Date): Promise<void> {
    const boss = this.boss;
    if (!boss) throw new Error('the job queue is not started');
    let taken = 0;
    const db = {
      executeSql: async (text: string, values: unknown[]) => {
        const result = await sql.executeSql(text, values);
        taken = result.rowCount;
        return result;
      },
    };
    const jobs: PgBoss.JobInsert<TaskDeadlineJob>[] = tasks.flatMap((task) => {
      if (!task.dueAt) return [];
      const data: TaskDeadlineJob = { taskId: task.id, dueAt: task.dueAt.toISOString() };
      const remindAt = new Date(Math.max(now.getTime(), task.dueAt.getTime() - this.config.TASK_REMINDER_BEFORE_SECONDS * 1000));
      return [
        { name: TASK_OVERDUE_QUEUE, data: { ...data }, startAfter: task.dueAt },
        { name: TASK_REMINDER_QUEUE, data: { ...data }, startAfter: remindAt },
      ];
    });
    if (jobs.length === 0) return;
    // One statement for every job (pg-boss applies each queue's settings as send does); a job it did
    // not take (an unknown queue) is a row it did not insert.
    await boss.insert(jobs, { db });
    if (taken !== jobs.length) throw new Error('the job queue did not take every deadline job (is the queue installed?)');
  }

  /** Flags each task overdue if it is still undecided: idempotent (a flagged or decided task is left alone). */
  private async overdue(jobs: ReadonlyArray<PgBoss.Job<TaskDeadlineJob>>): Promise<void> {
    for (const job of jobs) {
      const flagged = await this.applications.markOverdue(job.data.taskId, new Date());
      if (!flagged) continue;
      this.metrics.taskDeadline(flagged.department, 'overdue');
      this.logger.warn(
        { taskId: job.data.taskId, department: flagged.department, matter: flagged.matterCode, dueAt: job.data.dueAt },
        'department task overdue',
      );
    }
  }

  /** Reminds the department of each task still undecided: a log line and a metric, nothing about the applicant. */
  private async remind(jobs: ReadonlyArray<PgBoss.Job<TaskDeadlineJob>>): Promise<void> {
    for (const job of jobs) {
      const task = await this.applications.undecided(job.data.taskId);
      if (!task) continue;
      this.metrics.taskDeadline(task.department, 'reminder');
      this.logger.info(
        { taskId: job.data.taskId, department: task.department, matter: task.matterCode, dueAt: task.dueAt?.toISOString() ?? job.data.dueAt },
        'department task due soon',
      );
    }
  }
}
