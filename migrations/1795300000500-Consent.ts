import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Consent grants: a citizen's consent for a matter (optionally one case and one hall) until it
 * expires or is revoked. A revocation is an UPDATE of `revoked_at`, never a DELETE, so the runtime
 * role gets SELECT, INSERT and UPDATE only. The citizen index is descending on `granted_at` for
 * myConsents (newest first); the entity leaves it out of the drift check (TypeORM cannot declare it).
 */
export class Consent1795300000500 implements MigrationInterface {
  name = 'Consent1795300000500';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TABLE "onegate"."consent_grant" ("id" uuid NOT NULL, "citizen_id_number" character varying(18) NOT NULL, "matter_code" character varying(64) NOT NULL, "case_number" character varying(64), "hall" character varying(32), "granted_at" TIMESTAMP WITH TIME ZONE NOT NULL, "expires_at" TIMESTAMP WITH TIME ZONE NOT NULL, "revoked_at" TIMESTAMP WITH TIME ZONE, CONSTRAINT "consent_grant_expiry_check" CHECK ("expires_at" > "granted_at"), CONSTRAINT "PK_07458e808a566472688d1e7baf0" PRIMARY KEY ("id"))`);
    await queryRunner.query(`ALTER TABLE "onegate"."consent_grant" ADD CONSTRAINT "FK_886f7d7c060708fc2b954f55e75" FOREIGN KEY ("matter_code") REFERENCES "onegate"."matter"("code") ON DELETE RESTRICT ON UPDATE NO ACTION`);
    await queryRunner.query(`CREATE INDEX "consent_grant_citizen_idx" ON "onegate"."consent_grant" ("citizen_id_number", "granted_at" DESC)`);
    await queryRunner.query(`GRANT SELECT, INSERT, UPDATE ON "onegate"."consent_grant" TO onegate_app`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`REVOKE ALL ON "onegate"."consent_grant" FROM onegate_app`);
    await queryRunner.query(`DROP INDEX "onegate"."consent_grant_citizen_idx"`);
    await queryRunner.query(`ALTER TABLE "onegate"."consent_grant" DROP CONSTRAINT "FK_886f7d7c060708fc2b954f55e75"`);
    await queryRunner.query(`DROP TABLE "onegate"."consent_grant"`);
  }
}
