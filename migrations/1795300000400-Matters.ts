import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Matters: the purposes a lookup may state, the data items each may read (deny by default: an item
 * not listed is never released) and their rules. Start-up syncs them from schemas/matters/ as the
 * owner; admins change them through the API, so the runtime role may write them too — each change
 * is an ADMIN_CHANGE ledger entry written in the same transaction.
 */
export class Matters1795300000400 implements MigrationInterface {
  name = 'Matters1795300000400';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TABLE "onegate"."matter_data_item" ("matter_code" character varying(64) NOT NULL, "data_item_code" character varying(64) NOT NULL, CONSTRAINT "PK_c823253cfa3f94a6537a0288668" PRIMARY KEY ("matter_code", "data_item_code"))`);
    await queryRunner.query(`CREATE TABLE "onegate"."matter" ("code" character varying(64) NOT NULL, "name" character varying(200) NOT NULL, "name_zh" character varying(200), "description" text NOT NULL, "subject" character varying(16) NOT NULL, "consent_required" boolean NOT NULL, "roles" text array NOT NULL, "jurisdiction" character varying(16) NOT NULL, "materials" jsonb NOT NULL, "managed_by" character varying(8) NOT NULL, "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "matter_managed_by_check" CHECK ("managed_by" IN ('FILE', 'ADMIN')), CONSTRAINT "matter_jurisdiction_check" CHECK ("jurisdiction" IN ('ANY', 'PROVINCE', 'CITY', 'COUNTY')), CONSTRAINT "matter_subject_check" CHECK ("subject" IN ('PERSON', 'ENTERPRISE')), CONSTRAINT "PK_ab2b4d7537185661da1f3fdac57" PRIMARY KEY ("code"))`);
    await queryRunner.query(`ALTER TABLE "onegate"."matter_data_item" ADD CONSTRAINT "FK_efd469c421c03c9c5748902f3a8" FOREIGN KEY ("matter_code") REFERENCES "onegate"."matter"("code") ON DELETE CASCADE ON UPDATE NO ACTION`);
    await queryRunner.query(`ALTER TABLE "onegate"."matter_data_item" ADD CONSTRAINT "FK_6a7aa60468e0c454c64804d4bd7" FOREIGN KEY ("data_item_code") REFERENCES "onegate"."data_item"("code") ON DELETE RESTRICT ON UPDATE NO ACTION`);
    await queryRunner.query(`GRANT SELECT, INSERT, UPDATE, DELETE ON "onegate"."matter", "onegate"."matter_data_item" TO onegate_app`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`REVOKE ALL ON "onegate"."matter", "onegate"."matter_data_item" FROM onegate_app`);
    await queryRunner.query(`ALTER TABLE "onegate"."matter_data_item" DROP CONSTRAINT "FK_6a7aa60468e0c454c64804d4bd7"`);
    await queryRunner.query(`ALTER TABLE "onegate"."matter_data_item" DROP CONSTRAINT "FK_efd469c421c03c9c5748902f3a8"`);
    await queryRunner.query(`DROP TABLE "onegate"."matter"`);
    await queryRunner.query(`DROP TABLE "onegate"."matter_data_item"`);
  }
}
