import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The catalog: departments and the data items they share (synced from schemas/ at start-up by the owner). */
export class Catalog1795300000200 implements MigrationInterface {
  name = 'Catalog1795300000200';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TABLE "onegate"."data_item" ("code" character varying(64) NOT NULL, "department_code" character varying(32) NOT NULL, "title" character varying(200) NOT NULL, "json_schema" jsonb NOT NULL, "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_4098d05d7ffc05aa2c1158899c8" PRIMARY KEY ("code"))`);
    await queryRunner.query(`CREATE TABLE "onegate"."department" ("code" character varying(32) NOT NULL, "name" character varying(200) NOT NULL, "holds" text array NOT NULL DEFAULT '{}', CONSTRAINT "PK_62690f4fe31da9eb824d909285f" PRIMARY KEY ("code"))`);
    await queryRunner.query(`ALTER TABLE "onegate"."data_item" ADD CONSTRAINT "FK_7d645e8985cdffd444abb564b90" FOREIGN KEY ("department_code") REFERENCES "onegate"."department"("code") ON DELETE RESTRICT ON UPDATE NO ACTION`);
    // The runtime role reads the catalog; only the owner (start-up sync) writes it.
    await queryRunner.query(`GRANT SELECT ON "onegate"."department", "onegate"."data_item" TO onegate_app`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "onegate"."data_item" DROP CONSTRAINT "FK_7d645e8985cdffd444abb564b90"`);
    await queryRunner.query(`DROP TABLE "onegate"."department"`);
    await queryRunner.query(`DROP TABLE "onegate"."data_item"`);
  }
}
