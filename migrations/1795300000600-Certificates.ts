import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The certificate registry: department issuing keys (certified by the onegate root, private keys
 * sealed with the master key), registered certificates and the status list numbers their status
 * indices live in. Certificates are never deleted (revoke / suspend / reinstate are UPDATEs), so the
 * runtime role gets SELECT, INSERT and UPDATE only. One ACTIVE key per department is a partial unique
 * index, left out of the entity drift check (TypeORM cannot declare it).
 */
export class Certificates1795300000600 implements MigrationInterface {
  name = 'Certificates1795300000600';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TABLE "onegate"."issuing_key" ("kid" character varying(64) NOT NULL, "department" character varying(64) NOT NULL, "certificate" bytea NOT NULL, "sealed_private_key" text NOT NULL, "not_before" TIMESTAMP WITH TIME ZONE NOT NULL, "not_after" TIMESTAMP WITH TIME ZONE NOT NULL, "state" character varying(16) NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL, "retired_at" TIMESTAMP WITH TIME ZONE, CONSTRAINT "issuing_key_validity_check" CHECK ("not_after" > "not_before"), CONSTRAINT "issuing_key_state_check" CHECK ("state" IN ('ACTIVE', 'RETIRED')), CONSTRAINT "PK_0bc062c6ca5bbcbf1d63847e509" PRIMARY KEY ("kid"))`);
    await queryRunner.query(`CREATE TABLE "onegate"."certificate" ("id" uuid NOT NULL, "identifier" character varying(200) NOT NULL, "type" character varying(64) NOT NULL, "holder_kind" character varying(16) NOT NULL, "holder" character varying(18) NOT NULL, "issuer" character varying(64) NOT NULL, "signing_kid" character varying(64) NOT NULL, "version" smallint NOT NULL, "replaces_id" uuid, "status_list" integer NOT NULL, "status_index" integer NOT NULL, "state" character varying(16) NOT NULL, "state_reason" character varying(500), "state_changed_at" TIMESTAMP WITH TIME ZONE, "issued_at" TIMESTAMP WITH TIME ZONE NOT NULL, "valid_until" TIMESTAMP WITH TIME ZONE, "idempotency_key" character varying(128) NOT NULL, "issued_by" character varying(300) NOT NULL, "credential" text NOT NULL, "sd_jwt" text NOT NULL, CONSTRAINT "certificate_status_slot_key" UNIQUE ("issuer", "status_list", "status_index"), CONSTRAINT "certificate_idempotency_key" UNIQUE ("issuer", "idempotency_key"), CONSTRAINT "certificate_identifier_key" UNIQUE ("identifier"), CONSTRAINT "certificate_status_index_check" CHECK ("status_index" >= 0), CONSTRAINT "certificate_version_check" CHECK ("version" BETWEEN 1 AND 99), CONSTRAINT "certificate_holder_kind_check" CHECK ("holder_kind" IN ('PERSON', 'ENTERPRISE')), CONSTRAINT "certificate_state_check" CHECK ("state" IN ('VALID', 'REVOKED', 'SUSPENDED')), CONSTRAINT "PK_8daddfc65f59e341c2bbc9c9e43" PRIMARY KEY ("id"))`);
    await queryRunner.query(`CREATE INDEX "certificate_holder_idx" ON "onegate"."certificate"  ("holder", "issued_at") `);
    await queryRunner.query(`CREATE TABLE "onegate"."status_list" ("issuer" character varying(64) NOT NULL, "number" integer NOT NULL, "size" integer NOT NULL, "state" character varying(8) NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL, CONSTRAINT "status_list_size_check" CHECK ("size" >= 131072), CONSTRAINT "status_list_state_check" CHECK ("state" IN ('OPEN', 'FULL')), CONSTRAINT "PK_77391cd380cbda7689b4bd13db4" PRIMARY KEY ("issuer", "number"))`);
    await queryRunner.query(`ALTER TABLE "onegate"."certificate" ADD CONSTRAINT "FK_4af2d308af60d8e3ae5280db6ea" FOREIGN KEY ("signing_kid") REFERENCES "onegate"."issuing_key"("kid") ON DELETE RESTRICT ON UPDATE NO ACTION`);
    await queryRunner.query(`ALTER TABLE "onegate"."certificate" ADD CONSTRAINT "FK_21f77d409864bec6a0bcbe5cfd8" FOREIGN KEY ("replaces_id") REFERENCES "onegate"."certificate"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`);
    await queryRunner.query(`CREATE UNIQUE INDEX "issuing_key_active_idx" ON "onegate"."issuing_key" ("department") WHERE "state" = 'ACTIVE'`);
    await queryRunner.query(`GRANT SELECT, INSERT, UPDATE ON "onegate"."issuing_key", "onegate"."certificate", "onegate"."status_list" TO onegate_app`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`REVOKE ALL ON "onegate"."issuing_key", "onegate"."certificate", "onegate"."status_list" FROM onegate_app`);
    await queryRunner.query(`DROP INDEX "onegate"."issuing_key_active_idx"`);
    await queryRunner.query(`ALTER TABLE "onegate"."certificate" DROP CONSTRAINT "FK_21f77d409864bec6a0bcbe5cfd8"`);
    await queryRunner.query(`ALTER TABLE "onegate"."certificate" DROP CONSTRAINT "FK_4af2d308af60d8e3ae5280db6ea"`);
    await queryRunner.query(`DROP TABLE "onegate"."status_list"`);
    await queryRunner.query(`DROP INDEX "onegate"."certificate_holder_idx"`);
    await queryRunner.query(`DROP TABLE "onegate"."certificate"`);
    await queryRunner.query(`DROP TABLE "onegate"."issuing_key"`);
  }
}
