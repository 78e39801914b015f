import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The household register names a resident's father and mother, by ID number, when it knows them:
 * the proof of a family relation (a newborn's parents, the child of a deceased person) then comes
 * from the resident's own record. A parent named here need not be a resident (nor alive), so the
 * reference is by value with no foreign key; only the number's format is checked, and that nobody
 * is their own parent.
 *
 * The seed loader (src/seed/seed.ts) keeps CHECK constraints in place during a bulk load; they stay
 * named and without comments, like those of 1795300000100-DepartmentSources.
 */
export class ResidentParents1795700000100 implements MigrationInterface {
  name = 'ResidentParents1795700000100';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE dept_public_security.resident
        ADD COLUMN father_id_number text CONSTRAINT resident_father_id_number_format CHECK (father_id_number ~ '^[0-9]{17}[0-9X]$'),
        ADD COLUMN mother_id_number text CONSTRAINT resident_mother_id_number_format CHECK (mother_id_number ~ '^[0-9]{17}[0-9X]$'),
        ADD CONSTRAINT resident_not_own_parent CHECK (father_id_number <> id_number AND mother_id_number <> id_number)`);
    await q.query(`COMMENT ON COLUMN dept_public_security.resident.father_id_number IS
      'ID number of the resident''s father as the register records it; null when not recorded.'`);
    await q.query(`COMMENT ON COLUMN dept_public_security.resident.mother_id_number IS
      'ID number of the resident''s mother as the register records it; null when not recorded.'`);
  }

  async down(q: QueryRunner): Promise<void> {
    // Dropping the columns takes their constraints and comments with them.
    await q.query(`
      ALTER TABLE dept_public_security.resident
        DROP CONSTRAINT resident_not_own_parent,
        DROP COLUMN mother_id_number,
        DROP COLUMN father_id_number`);
  }
}
