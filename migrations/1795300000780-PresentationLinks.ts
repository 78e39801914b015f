import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Presentation links (issue 20, §I 51): an SD-JWT presentation a holder made of the claims they
 * chose, kept under a short random reference until it expires, so that a QR code carries
 * `/verify?p=<ref>` rather than the presentation itself (several kilobytes with the key chain).
 * The runtime role may delete: expired presentations (personal data the holder showed) are removed
 * when new links are made, not kept.
 */
export class PresentationLinks1795300000780 implements MigrationInterface {
  name = 'PresentationLinks1795300000780';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TABLE "onegate"."presentation_link" ("ref" character varying(32) NOT NULL, "certificate_id" uuid NOT NULL, "presentation" text NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL, "expires_at" TIMESTAMP WITH TIME ZONE NOT NULL, CONSTRAINT "presentation_link_expiry_check" CHECK ("expires_at" > "created_at"), CONSTRAINT "PK_50c0236c2c48ad43faf50f82080" PRIMARY KEY ("ref"))`);
    await queryRunner.query(`CREATE INDEX "presentation_link_expires_idx" ON "onegate"."presentation_link" ("expires_at")`);
    await queryRunner.query(`ALTER TABLE "onegate"."presentation_link" ADD CONSTRAINT "FK_a93582d6c4e13764571791a6609" FOREIGN KEY ("certificate_id") REFERENCES "onegate"."certificate"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`);
    await queryRunner.query(`GRANT SELECT, INSERT, DELETE ON "onegate"."presentation_link" TO onegate_app`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`REVOKE ALL ON "onegate"."presentation_link" FROM onegate_app`);
    await queryRunner.query(`ALTER TABLE "onegate"."presentation_link" DROP CONSTRAINT "FK_a93582d6c4e13764571791a6609"`);
    await queryRunner.query(`DROP INDEX "onegate"."presentation_link_expires_idx"`);
    await queryRunner.query(`DROP TABLE "onegate"."presentation_link"`);
  }
}
