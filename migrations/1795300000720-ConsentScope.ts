import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A consent grant names the halls and departments it covers (issue 20, §I 44): `halls` and
 * `departments` replace the single optional `hall`, whose NULL meant "every hall in the country".
 *
 * Backfill of existing grants:
 * - a grant limited to one hall keeps exactly that hall;
 * - a grant for "any hall" is narrowed to where it has actually been relied on: the halls of the
 *   clerks and the departments of the systems whose lookups or issuances under it were granted
 *   (`DATA_ACCESS` / `CERTIFICATE_ISSUE` ledger entries with its `consent_ref`, outcome GRANTED or
 *   PARTIAL). A case in progress keeps working where it is handled; nobody else gains anything.
 * - a grant for "any hall" never used names nobody: it covers no window until the citizen shows its
 *   QR code at one, which binds it to that hall. Binding it to every hall would keep the hole open;
 *   revoking it would take away what the citizen chose to give.
 *
 * Down: the single `hall` can express one hall only. A grant naming halls keeps the first; a grant
 * naming none (or only departments) is revoked rather than widened to every hall.
 */
export class ConsentScope1795300000720 implements MigrationInterface {
  name = 'ConsentScope1795300000720';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "onegate"."consent_grant" ADD "halls" character varying(32) array NOT NULL DEFAULT '{}'`);
    await queryRunner.query(`ALTER TABLE "onegate"."consent_grant" ADD "departments" character varying(64) array NOT NULL DEFAULT '{}'`);
    await queryRunner.query(`UPDATE "onegate"."consent_grant" SET "halls" = ARRAY["hall"] WHERE "hall" IS NOT NULL`);
    await queryRunner.query(`
      UPDATE "onegate"."consent_grant" g
         SET "halls" = used.halls, "departments" = used.departments
        FROM (SELECT e.consent_ref,
                     coalesce(array_agg(DISTINCT e.actor_hall) FILTER (WHERE e.actor_kind = 'clerk' AND e.actor_hall IS NOT NULL), '{}') AS halls,
                     coalesce(array_agg(DISTINCT e.actor_department) FILTER (WHERE e.actor_kind = 'department' AND e.actor_department IS NOT NULL), '{}') AS departments
                FROM "onegate"."ledger_entry" e
               WHERE e.kind IN ('DATA_ACCESS', 'CERTIFICATE_ISSUE') AND e.outcome IN ('GRANTED', 'PARTIAL') AND e.consent_ref IS NOT NULL
               GROUP BY e.consent_ref) used
       WHERE g."hall" IS NULL AND used.consent_ref = g.id::text`);
    await queryRunner.query(`ALTER TABLE "onegate"."consent_grant" DROP COLUMN "hall"`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "onegate"."consent_grant" ADD "hall" character varying(32)`);
    await queryRunner.query(`UPDATE "onegate"."consent_grant" SET "hall" = "halls"[1] WHERE cardinality("halls") > 0`);
    await queryRunner.query(`UPDATE "onegate"."consent_grant" SET "revoked_at" = coalesce("revoked_at", now()) WHERE cardinality("halls") = 0`);
    await queryRunner.query(`ALTER TABLE "onegate"."consent_grant" DROP COLUMN "departments"`);
    await queryRunner.query(`ALTER TABLE "onegate"."consent_grant" DROP COLUMN "halls"`);
  }
}
