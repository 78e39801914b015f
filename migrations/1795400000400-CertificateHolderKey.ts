import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Holder binding (issue 21): a certificate may be bound to its holder's public key, which the
 * SD-JWT VC carries as `cnf.jwk` so that presentations prove possession of it (a key-binding JWT).
 * The key is stored with the certificate (an idempotent retry must bind the same key). Existing
 * certificates are unbound (NULL). The check keeps private key material out of the column even if
 * a bug let it past the input validation: a JWK member of a private or symmetric key is refused.
 */
export class CertificateHolderKey1795400000400 implements MigrationInterface {
  name = 'CertificateHolderKey1795400000400';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "onegate"."certificate" ADD "holder_key" jsonb`);
    await queryRunner.query(
      `ALTER TABLE "onegate"."certificate" ADD CONSTRAINT "certificate_holder_key_check" CHECK ("holder_key" IS NULL OR (jsonb_typeof("holder_key") = 'object' AND NOT ("holder_key" ?| ARRAY['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k'])))`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "onegate"."certificate" DROP CONSTRAINT "certificate_holder_key_check"`);
    await queryRunner.query(`ALTER TABLE "onegate"."certificate" DROP COLUMN "holder_key"`);
  }
}
