import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Applications of one things on cases, and their department tasks (docs/applications.md). An
 * application keeps the guided matters and prefill, the form as submitted and the corrections
 * beside the record values; a task is one matter in its deciding department's inbox. Tasks of one
 * application are unique per matter; a task is WAITING exactly while it has neither opened_at nor
 * due_at.
 *
 * Neither is ever deleted (their ledger entries name them), so the runtime role gets SELECT, INSERT
 * and UPDATE. The inbox index serves departmentTasks (department, status, most urgent first); the
 * hall index is descending on created_at (written here: TypeORM cannot declare it). A party's cases
 * are found by its subject id, for the applications a citizen follows.
 */
export class Applications1795800000100 implements MigrationInterface {
  name = 'Applications1795800000100';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TABLE "onegate"."application" ("id" uuid NOT NULL, "one_thing" character varying(64) NOT NULL, "case_id" uuid NOT NULL, "hall" character varying(32) NOT NULL, "region" character varying(6) NOT NULL, "subject" character varying(18) NOT NULL, "status" character varying(16) NOT NULL, "answers" jsonb NOT NULL, "matters" text array NOT NULL, "prefill" jsonb NOT NULL, "form" jsonb, "corrections" jsonb, "opened_by" character varying(256) NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL, "submitted_at" TIMESTAMP WITH TIME ZONE, "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL, CONSTRAINT "application_submitted_check" CHECK (("status" = 'DRAFT') = ("submitted_at" IS NULL)), CONSTRAINT "application_status_check" CHECK ("status" IN ('DRAFT', 'SUBMITTED', 'IN_PROGRESS', 'NEEDS_MATERIAL', 'COMPLETED', 'REJECTED')), CONSTRAINT "PK_569e0c3e863ebdf5f2408ee1670" PRIMARY KEY ("id"))`);
    await queryRunner.query(`CREATE INDEX "application_case_idx" ON "onegate"."application"  ("case_id") `);
    await queryRunner.query(`CREATE INDEX "application_hall_created_idx" ON "onegate"."application" ("hall", "created_at" DESC, "id" DESC)`);
    await queryRunner.query(`ALTER TABLE "onegate"."application" ADD CONSTRAINT "FK_4777b945d61f6bbad38cf86deff" FOREIGN KEY ("case_id") REFERENCES "onegate"."case"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`);
    await queryRunner.query(`CREATE TABLE "onegate"."application_task" ("id" uuid NOT NULL, "application_id" uuid NOT NULL, "matter_code" character varying(64) NOT NULL, "department" character varying(32) NOT NULL, "status" character varying(16) NOT NULL, "after" text array NOT NULL, "promised_days" integer NOT NULL, "due_at" TIMESTAMP WITH TIME ZONE, "overdue" boolean NOT NULL DEFAULT false, "note" text, "decided_by" character varying(256), "decided_at" TIMESTAMP WITH TIME ZONE, "opened_at" TIMESTAMP WITH TIME ZONE, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL, CONSTRAINT "application_task_matter_key" UNIQUE ("application_id", "matter_code"), CONSTRAINT "application_task_promised_days_check" CHECK ("promised_days" > 0), CONSTRAINT "application_task_opened_check" CHECK (("status" = 'WAITING') = ("opened_at" IS NULL) AND ("opened_at" IS NULL) = ("due_at" IS NULL)), CONSTRAINT "application_task_status_check" CHECK ("status" IN ('WAITING', 'OPEN', 'APPROVED', 'REJECTED', 'NEEDS_MATERIAL')), CONSTRAINT "PK_e7657db91bb8fb8c2ca88a99f1f" PRIMARY KEY ("id"))`);
    await queryRunner.query(`CREATE INDEX "application_task_inbox_idx" ON "onegate"."application_task"  ("department", "status", "due_at") `);
    await queryRunner.query(`ALTER TABLE "onegate"."application_task" ADD CONSTRAINT "FK_87f7b9a6e1e5118101c2758e786" FOREIGN KEY ("application_id") REFERENCES "onegate"."application"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`);
    await queryRunner.query(`CREATE INDEX "case_party_subject_idx" ON "onegate"."case_party" ("subject_id") `);
    for (const table of ['application', 'application_task']) {
      await queryRunner.query(`GRANT SELECT, INSERT, UPDATE ON "onegate"."${table}" TO onegate_app`);
    }
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const table of ['application', 'application_task']) await queryRunner.query(`REVOKE ALL ON "onegate"."${table}" FROM onegate_app`);
    await queryRunner.query(`DROP INDEX "onegate"."case_party_subject_idx"`);
    await queryRunner.query(`ALTER TABLE "onegate"."application_task" DROP CONSTRAINT "FK_87f7b9a6e1e5118101c2758e786"`);
    await queryRunner.query(`DROP INDEX "onegate"."application_task_inbox_idx"`);
    await queryRunner.query(`DROP TABLE "onegate"."application_task"`);
    await queryRunner.query(`ALTER TABLE "onegate"."application" DROP CONSTRAINT "FK_4777b945d61f6bbad38cf86deff"`);
    await queryRunner.query(`DROP INDEX "onegate"."application_hall_created_idx"`);
    await queryRunner.query(`DROP INDEX "onegate"."application_case_idx"`);
    await queryRunner.query(`DROP TABLE "onegate"."application"`);
  }
}
