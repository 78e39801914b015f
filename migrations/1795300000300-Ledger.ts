import type { MigrationInterface, QueryRunner } from 'typeorm';

const LEDGER_TABLES = ['ledger_entry', 'ledger_node', 'ledger_checkpoint'];

/**
 * The audit ledger: entries (the Merkle tree's leaves), the tree's completed perfect subtrees and
 * the signed checkpoints. Append-only twice over: the runtime role is granted only SELECT and
 * INSERT (it does not own the tables), and triggers refuse UPDATE, DELETE and TRUNCATE to every
 * role, the owner included. Getting past them takes a superuser disabling triggers, which the
 * Merkle tree and the signed checkpoints then expose (`npm run ledger:verify`).
 */
export class Ledger1795300000300 implements MigrationInterface {
  name = 'Ledger1795300000300';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TABLE "onegate"."ledger_checkpoint" ("id" uuid NOT NULL, "tree_size" bigint NOT NULL, "root_hash" bytea NOT NULL, "signed_at" TIMESTAMP WITH TIME ZONE NOT NULL, "note" text NOT NULL, CONSTRAINT "ledger_checkpoint_check" CHECK ("tree_size" >= 0 AND octet_length("root_hash") = 32), CONSTRAINT "PK_04f2becf57157d596affc489454" PRIMARY KEY ("id"))`);
    await queryRunner.query(`CREATE INDEX "ledger_checkpoint_latest_idx" ON "onegate"."ledger_checkpoint"  ("tree_size", "signed_at") `);
    await queryRunner.query(`CREATE TABLE "onegate"."ledger_entry" ("leaf_index" bigint NOT NULL, "entry_version" smallint NOT NULL, "recorded_at" TIMESTAMP WITH TIME ZONE NOT NULL, "kind" character varying(32) NOT NULL, "actor_kind" character varying(16) NOT NULL, "actor_id" character varying(256) NOT NULL, "actor_hall" character varying(256), "actor_region" character varying(256), "actor_department" character varying(256), "subject_kind" character varying(16), "subject_id" character varying(256), "matter" character varying(256), "case_number" character varying(256), "consent_ref" character varying(256), "items_granted" text array NOT NULL, "items_denied" text array NOT NULL, "departments" text array NOT NULL, "outcome" character varying(16) NOT NULL, "request_id" character varying(256), "client_address" character varying(256), "restricted" boolean NOT NULL, "detail" jsonb NOT NULL, "leaf_hash" bytea NOT NULL, CONSTRAINT "ledger_entry_outcome_check" CHECK ("outcome" IN ('GRANTED', 'PARTIAL', 'DENIED', 'FAILED')), CONSTRAINT "ledger_entry_leaf_hash_check" CHECK (octet_length("leaf_hash") = 32), CONSTRAINT "ledger_entry_leaf_index_check" CHECK ("leaf_index" >= 0), CONSTRAINT "PK_f9e4e7594a3954973636e5419ad" PRIMARY KEY ("leaf_index"))`);
    await queryRunner.query(`CREATE INDEX "ledger_entry_request_idx" ON "onegate"."ledger_entry"  ("request_id") `);
    await queryRunner.query(`CREATE INDEX "ledger_entry_recorded_at_idx" ON "onegate"."ledger_entry"  ("recorded_at") `);
    await queryRunner.query(`CREATE INDEX "ledger_entry_case_idx" ON "onegate"."ledger_entry"  ("case_number") `);
    await queryRunner.query(`CREATE INDEX "ledger_entry_matter_idx" ON "onegate"."ledger_entry"  ("matter", "leaf_index") `);
    await queryRunner.query(`CREATE INDEX "ledger_entry_hall_idx" ON "onegate"."ledger_entry"  ("actor_hall", "leaf_index") `);
    await queryRunner.query(`CREATE INDEX "ledger_entry_actor_idx" ON "onegate"."ledger_entry"  ("actor_id", "leaf_index") `);
    await queryRunner.query(`CREATE INDEX "ledger_entry_subject_idx" ON "onegate"."ledger_entry"  ("subject_id", "leaf_index") `);
    await queryRunner.query(`CREATE TABLE "onegate"."ledger_node" ("level" smallint NOT NULL, "node_index" bigint NOT NULL, "hash" bytea NOT NULL, CONSTRAINT "ledger_node_check" CHECK ("level" BETWEEN 1 AND 62 AND "node_index" >= 0 AND octet_length("hash") = 32), CONSTRAINT "PK_fcf3327b375bba291c4f6bf9941" PRIMARY KEY ("level", "node_index"))`);
    await queryRunner.query(`
      CREATE FUNCTION "onegate"."ledger_refuse_change"() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'the audit ledger is append-only: % on %.% is refused', TG_OP, TG_TABLE_SCHEMA, TG_TABLE_NAME
          USING ERRCODE = 'insufficient_privilege';
      END
      $$`);
    for (const table of LEDGER_TABLES) {
      await queryRunner.query(
        `CREATE TRIGGER "${table}_no_update_delete" BEFORE UPDATE OR DELETE ON "onegate"."${table}" FOR EACH ROW EXECUTE FUNCTION "onegate"."ledger_refuse_change"()`,
      );
      await queryRunner.query(
        `CREATE TRIGGER "${table}_no_truncate" BEFORE TRUNCATE ON "onegate"."${table}" FOR EACH STATEMENT EXECUTE FUNCTION "onegate"."ledger_refuse_change"()`,
      );
      await queryRunner.query(`REVOKE ALL ON "onegate"."${table}" FROM PUBLIC`);
      await queryRunner.query(`GRANT SELECT, INSERT ON "onegate"."${table}" TO onegate_app`);
    }
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const table of LEDGER_TABLES) {
      await queryRunner.query(`DROP TRIGGER "${table}_no_truncate" ON "onegate"."${table}"`);
      await queryRunner.query(`DROP TRIGGER "${table}_no_update_delete" ON "onegate"."${table}"`);
    }
    await queryRunner.query(`DROP FUNCTION "onegate"."ledger_refuse_change"()`);
    await queryRunner.query(`DROP TABLE "onegate"."ledger_node"`);
    await queryRunner.query(`DROP INDEX "onegate"."ledger_entry_subject_idx"`);
    await queryRunner.query(`DROP INDEX "onegate"."ledger_entry_actor_idx"`);
    await queryRunner.query(`DROP INDEX "onegate"."ledger_entry_hall_idx"`);
    await queryRunner.query(`DROP INDEX "onegate"."ledger_entry_matter_idx"`);
    await queryRunner.query(`DROP INDEX "onegate"."ledger_entry_case_idx"`);
    await queryRunner.query(`DROP INDEX "onegate"."ledger_entry_recorded_at_idx"`);
    await queryRunner.query(`DROP INDEX "onegate"."ledger_entry_request_idx"`);
    await queryRunner.query(`DROP TABLE "onegate"."ledger_entry"`);
    await queryRunner.query(`DROP INDEX "onegate"."ledger_checkpoint_latest_idx"`);
    await queryRunner.query(`DROP TABLE "onegate"."ledger_checkpoint"`);
  }
}
