import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The public rate limit (PUBLIC_RATE_LIMIT_MAX requests without a valid token per client address
 * and PUBLIC_RATE_LIMIT_WINDOW_SECONDS), shared by every gateway instance on this database: it was
 * kept in each instance's memory, so n instances behind a balancer allowed one address n times the
 * limit. One fixed window per client address, counted in one statement per batch of requests.
 *
 * UNLOGGED, as lookup_allowance: a window is seconds of state, rewritten on every request; after a
 * crash or a failover the windows start empty. A low fillfactor keeps the rewrites on their page
 * (HOT updates). The runtime role counts (INSERT, UPDATE) and forgets ended windows (DELETE).
 */
export class PublicAllowance1795700000260 implements MigrationInterface {
  name = 'PublicAllowance1795700000260';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE UNLOGGED TABLE "onegate"."public_allowance" ("client" text NOT NULL, "hits" integer NOT NULL, "window_started_at" TIMESTAMP WITH TIME ZONE NOT NULL, CONSTRAINT "PK_7a9edadc1b125009d29630ea913" PRIMARY KEY ("client")) WITH (fillfactor = 50)`,
    );
    await queryRunner.query(`GRANT SELECT, INSERT, UPDATE, DELETE ON "onegate"."public_allowance" TO onegate_app`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`REVOKE ALL ON "onegate"."public_allowance" FROM onegate_app`);
    await queryRunner.query(`DROP TABLE "onegate"."public_allowance"`);
  }
}
