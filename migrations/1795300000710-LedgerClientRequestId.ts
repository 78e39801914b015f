import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Ledger entries of version 2 keep the client's X-Request-Id beside the gateway's own request id
 * (`request_id`, now always server-generated): a client can choose its id, so it is recorded as
 * given but never trusted as the ledger's. Version 1 entries keep a NULL here and verify as before
 * (their canonical form has no clientRequestId). No grants change: the runtime role already
 * inserts and selects whole rows, and the append-only triggers cover the new column.
 */
export class LedgerClientRequestId1795300000710 implements MigrationInterface {
  name = 'LedgerClientRequestId1795300000710';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "onegate"."ledger_entry" ADD "client_request_id" character varying(256)`);
    await queryRunner.query(`CREATE INDEX "ledger_entry_client_request_idx" ON "onegate"."ledger_entry"  ("client_request_id") `);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "onegate"."ledger_entry_client_request_idx"`);
    await queryRunner.query(`ALTER TABLE "onegate"."ledger_entry" DROP COLUMN "client_request_id"`);
  }
}
