import type { MigrationInterface, QueryRunner } from 'typeorm';

const READER_ROLES = [
  'onegate_reader_public_security',
  'onegate_reader_civil_affairs',
  'onegate_reader_natural_resources',
  'onegate_reader_human_resources',
  'onegate_reader_health',
  'onegate_reader_market_regulation',
];

/**
 * The gateway schema and the roles other migrations grant to. Roles are cluster-wide, so they are
 * created only when missing and never dropped by `down` (another database may use them). They start
 * NOLOGIN; start-up gives them LOGIN with the configured password.
 */
export class Roles1795300000000 implements MigrationInterface {
  name = 'Roles1795300000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    for (const role of ['onegate_app', ...READER_ROLES]) {
      await queryRunner.query(`
        DO $$ BEGIN
          CREATE ROLE ${role} NOLOGIN NOINHERIT;
        EXCEPTION WHEN duplicate_object THEN NULL;
        END $$`);
    }
    await queryRunner.query(`CREATE SCHEMA IF NOT EXISTS onegate`);
    await queryRunner.query(`REVOKE ALL ON SCHEMA onegate FROM PUBLIC`);
    await queryRunner.query(`GRANT USAGE ON SCHEMA onegate TO onegate_app`);
    // The readiness probe compares applied migrations with the known list.
    await queryRunner.query(`GRANT SELECT ON onegate.migrations TO onegate_app`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`REVOKE ALL ON onegate.migrations FROM onegate_app`);
    await queryRunner.query(`REVOKE USAGE ON SCHEMA onegate FROM onegate_app`);
  }
}
