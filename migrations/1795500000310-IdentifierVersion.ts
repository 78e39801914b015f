import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * GB/T 36904 identifiers carry a 3-digit version (001–999); onegate's earlier identifiers had two
 * digits, and the registry allowed versions 1–99. Existing rows keep their versions and identifiers
 * (the legacy form is recognised from the identifier itself), so only the bound changes.
 */
export class IdentifierVersion1795500000310 implements MigrationInterface {
  name = 'IdentifierVersion1795500000310';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "onegate"."certificate" DROP CONSTRAINT "certificate_version_check"`);
    await queryRunner.query(`ALTER TABLE "onegate"."certificate" ADD CONSTRAINT "certificate_version_check" CHECK ("version" BETWEEN 1 AND 999)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    // Refused while any certificate has a version above 99 (its identifier could not be written in the old form).
    await queryRunner.query(`ALTER TABLE "onegate"."certificate" DROP CONSTRAINT "certificate_version_check"`);
    await queryRunner.query(`ALTER TABLE "onegate"."certificate" ADD CONSTRAINT "certificate_version_check" CHECK ("version" BETWEEN 1 AND 99)`);
  }
}
