import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Matters declare conditions on their subject (a death record for affairs after a death, an age
 * for a senior citizen certificate, a minor for a newborn's registration), judged in access/
 * before anything is released. Existing matters get none; the start-up sync fills those declared
 * in schemas/matters/, and admin-managed matters keep none until an admin sets them.
 */
export class SubjectConditions1795400000100 implements MigrationInterface {
  name = 'SubjectConditions1795400000100';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "onegate"."matter" ADD "subject_conditions" jsonb NOT NULL DEFAULT '[]'`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "onegate"."matter" DROP COLUMN "subject_conditions"`);
  }
}
