import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Cases at a hall's window: a case (one matter, a case number unique in the hall), its parties
 * (person or enterprise, in a role the matter declares, with what the records said of the role's
 * relation) and the per-hall counter of generated case numbers. Matters declare their party roles
 * (`parties`, filled by the start-up sync from schemas/matters/); a consent grant may be given on
 * someone else's behalf (a parent for a newborn, a next of kin for the deceased).
 *
 * Cases are never deleted (a closed case keeps its parties: its ledger entries name them), so the
 * runtime role gets SELECT, INSERT and UPDATE. The hall index is descending on created_at for
 * `cases` (newest first); the entity leaves it out of the drift check (TypeORM cannot declare it).
 */
export class Cases1795700000200 implements MigrationInterface {
  name = 'Cases1795700000200';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TABLE "onegate"."case_number_counter" ("hall" character varying(32) NOT NULL, "year" integer NOT NULL, "last_serial" integer NOT NULL, CONSTRAINT "PK_2050d679f02b02e2ea3d0068757" PRIMARY KEY ("hall", "year"))`);
    await queryRunner.query(`CREATE TABLE "onegate"."case_party" ("case_id" uuid NOT NULL, "subject_id" character varying(18) NOT NULL, "subject_kind" character varying(16) NOT NULL, "role" character varying(32) NOT NULL, "relation_status" character varying(16) NOT NULL, "position" integer NOT NULL, "added_at" TIMESTAMP WITH TIME ZONE NOT NULL, CONSTRAINT "case_party_relation_status_check" CHECK ("relation_status" IN ('PROVEN', 'NOT_PROVEN', 'UNVERIFIED', 'AWAITING_PARTY', 'NOT_REQUIRED')), CONSTRAINT "case_party_subject_kind_check" CHECK ("subject_kind" IN ('PERSON', 'ENTERPRISE')), CONSTRAINT "PK_14ae6a33aa7002c24488285f10d" PRIMARY KEY ("case_id", "subject_id"))`);
    await queryRunner.query(`CREATE TABLE "onegate"."case" ("id" uuid NOT NULL, "case_number" character varying(64) NOT NULL, "hall" character varying(32) NOT NULL, "region" character varying(6) NOT NULL, "matter_code" character varying(64) NOT NULL, "status" character varying(8) NOT NULL, "opened_by" character varying(256) NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL, "closed_at" TIMESTAMP WITH TIME ZONE, CONSTRAINT "case_hall_number_key" UNIQUE ("hall", "case_number"), CONSTRAINT "case_closed_check" CHECK (("status" = 'CLOSED') = ("closed_at" IS NOT NULL)), CONSTRAINT "case_status_check" CHECK ("status" IN ('OPEN', 'CLOSED')), CONSTRAINT "PK_a1b20a2aef6fc438389d2c4aca0" PRIMARY KEY ("id"))`);
    await queryRunner.query(`ALTER TABLE "onegate"."matter" ADD "parties" jsonb NOT NULL DEFAULT '[]'`);
    await queryRunner.query(`ALTER TABLE "onegate"."consent_grant" ADD "on_behalf_of" character varying(18)`);
    await queryRunner.query(`ALTER TABLE "onegate"."case_party" ADD CONSTRAINT "FK_2ca9c2368738f3c5f01c157fbd9" FOREIGN KEY ("case_id") REFERENCES "onegate"."case"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
    await queryRunner.query(`ALTER TABLE "onegate"."case" ADD CONSTRAINT "FK_895c29a32f9b9fd1e2538114a8d" FOREIGN KEY ("matter_code") REFERENCES "onegate"."matter"("code") ON DELETE RESTRICT ON UPDATE NO ACTION`);
    await queryRunner.query(`CREATE INDEX "case_hall_created_idx" ON "onegate"."case" ("hall", "created_at" DESC, "id" DESC)`);
    for (const table of ['case', 'case_party', 'case_number_counter']) {
      await queryRunner.query(`GRANT SELECT, INSERT, UPDATE ON "onegate"."${table}" TO onegate_app`);
    }
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const table of ['case', 'case_party', 'case_number_counter']) await queryRunner.query(`REVOKE ALL ON "onegate"."${table}" FROM onegate_app`);
    await queryRunner.query(`DROP INDEX "onegate"."case_hall_created_idx"`);
    await queryRunner.query(`ALTER TABLE "onegate"."case" DROP CONSTRAINT "FK_895c29a32f9b9fd1e2538114a8d"`);
    await queryRunner.query(`ALTER TABLE "onegate"."case_party" DROP CONSTRAINT "FK_2ca9c2368738f3c5f01c157fbd9"`);
    await queryRunner.query(`ALTER TABLE "onegate"."consent_grant" DROP COLUMN "on_behalf_of"`);
    await queryRunner.query(`ALTER TABLE "onegate"."matter" DROP COLUMN "parties"`);
    await queryRunner.query(`DROP TABLE "onegate"."case"`);
    await queryRunner.query(`DROP TABLE "onegate"."case_party"`);
    await queryRunner.query(`DROP TABLE "onegate"."case_number_counter"`);
  }
}
