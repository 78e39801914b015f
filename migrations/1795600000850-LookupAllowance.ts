import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The per-principal lookup limit, shared by every gateway instance on this database (it was kept
 * in each instance's memory, so n instances behind a balancer allowed n times the limit): one
 * token bucket per principal, taken and refilled in one statement per batch of lookups.
 *
 * UNLOGGED: a bucket is seconds of state, rewritten on every lookup. Without WAL a take costs no
 * log write and its commit no flush; after a crash of the server the table is empty, which is every
 * bucket full — what each would be a minute later anyway. Unlogged tables are not replicated: after
 * a failover to a standby the buckets start full too. A low fillfactor keeps the rewrites on their
 * page (HOT updates), and no index but the key is updated. The runtime role takes (INSERT,
 * UPDATE) and forgets idle buckets (DELETE).
 */
export class LookupAllowance1795600000850 implements MigrationInterface {
  name = 'LookupAllowance1795600000850';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE UNLOGGED TABLE "onegate"."lookup_allowance" ("principal" text NOT NULL, "tokens" double precision NOT NULL, "granted" integer NOT NULL, "taken_at" TIMESTAMP WITH TIME ZONE NOT NULL, CONSTRAINT "PK_6f02ee82d414091feae856c43a5" PRIMARY KEY ("principal")) WITH (fillfactor = 50)`,
    );
    await queryRunner.query(`GRANT SELECT, INSERT, UPDATE, DELETE ON "onegate"."lookup_allowance" TO onegate_app`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`REVOKE ALL ON "onegate"."lookup_allowance" FROM onegate_app`);
    await queryRunner.query(`DROP TABLE "onegate"."lookup_allowance"`);
  }
}
