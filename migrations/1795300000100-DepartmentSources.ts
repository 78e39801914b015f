import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Schema → reader role; spelled out (not derived from src/common) so this migration never changes. */
const READERS: ReadonlyArray<readonly [string, string]> = [
  ['dept_public_security', 'onegate_reader_public_security'],
  ['dept_civil_affairs', 'onegate_reader_civil_affairs'],
  ['dept_natural_resources', 'onegate_reader_natural_resources'],
  ['dept_human_resources', 'onegate_reader_human_resources'],
  ['dept_health', 'onegate_reader_health'],
  ['dept_market_regulation', 'onegate_reader_market_regulation'],
];

/**
 * The six department-owned demo sources, one schema each. They stand for separate systems, so a
 * reference to another department's record is by value (an ID number or credit code), never a
 * foreign key; foreign keys stay inside one department. Each schema is readable only by that
 * department's reader role; the gateway's runtime role gets nothing here.
 *
 * The seed loader (src/seed/seed.ts) drops and recreates the foreign keys and secondary indexes
 * of these schemas around a bulk load, from their catalog definitions: keep every such constraint
 * and index named, and keep comments off them (a comment would not survive the recreate).
 */
export class DepartmentSources1795300000100 implements MigrationInterface {
  name = 'DepartmentSources1795300000100';

  async up(q: QueryRunner): Promise<void> {
    // ---------------------------------------------------------------- Public Security: household register
    await q.query(`CREATE SCHEMA dept_public_security`);
    await q.query(`
      CREATE TABLE dept_public_security.resident (
        id_number      text PRIMARY KEY CONSTRAINT resident_id_number_format CHECK (id_number ~ '^[0-9]{17}[0-9X]$'),
        name           text NOT NULL CONSTRAINT resident_name_present CHECK (name <> ''),
        sex            text NOT NULL CONSTRAINT resident_sex_valid CHECK (sex IN ('M', 'F')),
        birth_date     date NOT NULL,
        region_code    text NOT NULL CONSTRAINT resident_region_code_format CHECK (region_code ~ '^[0-9]{6}$'),
        id_card_status text NOT NULL DEFAULT 'ACTIVE' CONSTRAINT resident_id_card_status_valid
                         CHECK (id_card_status IN ('ACTIVE', 'CANCELLED_DECEASED', 'CANCELLED_EMIGRATED')),
        registered_on  date NOT NULL,
        -- The ID number encodes birth date and sex (odd sequence = male); the columns must agree with it.
        CONSTRAINT resident_birth_date_matches_id_number CHECK (birth_date = make_date(
          substr(id_number, 7, 4)::int, substr(id_number, 11, 2)::int, substr(id_number, 13, 2)::int)),
        CONSTRAINT resident_sex_matches_id_number CHECK ((substr(id_number, 17, 1)::int % 2 = 1) = (sex = 'M')),
        CONSTRAINT resident_registered_after_birth CHECK (registered_on >= birth_date)
      )`);
    await q.query(`COMMENT ON TABLE dept_public_security.resident IS
      'Registered residents and the status of their identity card. region_code is the county of the current household registration, which may differ from the ID number''s issuing region.'`);
    await q.query(`
      CREATE TABLE dept_public_security.household (
        household_number text PRIMARY KEY,
        household_type   text NOT NULL CONSTRAINT household_type_valid CHECK (household_type IN ('FAMILY', 'COLLECTIVE')),
        address          text NOT NULL CONSTRAINT household_address_present CHECK (address <> ''),
        region_code      text NOT NULL CONSTRAINT household_region_code_format CHECK (region_code ~ '^[0-9]{6}$')
      )`);
    await q.query(`COMMENT ON TABLE dept_public_security.household IS
      'Household registers (hukou): a family household, or a collective household kept by an employer, school or talent service center.'`);
    await q.query(`
      CREATE TABLE dept_public_security.household_member (
        household_number text NOT NULL CONSTRAINT household_member_household_fk
                           REFERENCES dept_public_security.household (household_number),
        id_number        text NOT NULL CONSTRAINT household_member_resident_fk
                           REFERENCES dept_public_security.resident (id_number),
        relation_to_head text NOT NULL CONSTRAINT household_member_relation_valid CHECK (relation_to_head IN (
                           'HEAD', 'SPOUSE', 'SON', 'DAUGHTER', 'FATHER', 'MOTHER', 'GRANDSON', 'GRANDDAUGHTER',
                           'SIBLING', 'OTHER_RELATIVE', 'COLLECTIVE_MEMBER')),
        status           text NOT NULL DEFAULT 'ACTIVE' CONSTRAINT household_member_status_valid
                           CHECK (status IN ('ACTIVE', 'MOVED_OUT', 'CANCELLED_DECEASED')),
        joined_on        date NOT NULL,
        left_on          date,
        PRIMARY KEY (household_number, id_number),
        CONSTRAINT household_member_left_iff_inactive CHECK ((status = 'ACTIVE') = (left_on IS NULL)),
        CONSTRAINT household_member_left_after_joined CHECK (left_on >= joined_on)
      )`);
    await q.query(`COMMENT ON TABLE dept_public_security.household_member IS
      'Membership of a resident in a household register. Entries are kept after a move or death (status, left_on); a resident is an active member of at most one household.'`);
    await q.query(`CREATE INDEX household_member_id_number ON dept_public_security.household_member (id_number)`);
    await q.query(`CREATE UNIQUE INDEX household_member_one_active_household
      ON dept_public_security.household_member (id_number) WHERE status = 'ACTIVE'`);
    await q.query(`CREATE UNIQUE INDEX household_member_one_active_head
      ON dept_public_security.household_member (household_number) WHERE relation_to_head = 'HEAD' AND status = 'ACTIVE'`);

    // ---------------------------------------------------------------- Civil Affairs: marriage registration
    await q.query(`CREATE SCHEMA dept_civil_affairs`);
    await q.query(`
      CREATE TABLE dept_civil_affairs.marriage_registration (
        certificate_number text PRIMARY KEY,
        registered_on      date NOT NULL,
        office             text NOT NULL CONSTRAINT marriage_registration_office_present CHECK (office <> '')
      )`);
    await q.query(`COMMENT ON TABLE dept_civil_affairs.marriage_registration IS
      'Marriage registrations (one per marriage certificate). Who the parties are and what became of the marriage is in marital_status.'`);
    await q.query(`
      CREATE TABLE dept_civil_affairs.marital_status (
        id_number          text PRIMARY KEY CONSTRAINT marital_status_id_number_format CHECK (id_number ~ '^[0-9]{17}[0-9X]$'),
        status             text NOT NULL CONSTRAINT marital_status_status_valid CHECK (status IN ('MARRIED', 'DIVORCED', 'WIDOWED')),
        spouse_id_number   text CONSTRAINT marital_status_spouse_id_number_format CHECK (spouse_id_number ~ '^[0-9]{17}[0-9X]$'),
        certificate_number text NOT NULL CONSTRAINT marital_status_registration_fk
                             REFERENCES dept_civil_affairs.marriage_registration (certificate_number),
        CONSTRAINT marital_status_spouse_iff_married CHECK ((status = 'MARRIED') = (spouse_id_number IS NOT NULL)),
        CONSTRAINT marital_status_not_own_spouse CHECK (spouse_id_number <> id_number),
        CONSTRAINT marital_status_pair_key UNIQUE (id_number, spouse_id_number, certificate_number),
        -- A married person's spouse must be married back to them, under the same certificate.
        CONSTRAINT marital_status_spouse_points_back FOREIGN KEY (spouse_id_number, id_number, certificate_number)
          REFERENCES dept_civil_affairs.marital_status (id_number, spouse_id_number, certificate_number)
      )`);
    await q.query(`COMMENT ON TABLE dept_civil_affairs.marital_status IS
      'Current marital status of each living person with a marriage on record (no row: never married). MARRIED names the spouse, whose row names this person back under the same certificate. DIVORCED and WIDOWED keep the certificate of the ended marriage and no spouse. The row of a person who dies is removed; the surviving spouse becomes WIDOWED.'`);
    await q.query(`CREATE INDEX marital_status_certificate_number ON dept_civil_affairs.marital_status (certificate_number)`);

    // ---------------------------------------------------------------- Natural Resources: real property register
    await q.query(`CREATE SCHEMA dept_natural_resources`);
    await q.query(`
      CREATE TABLE dept_natural_resources.property (
        certificate_number text PRIMARY KEY,
        address            text NOT NULL CONSTRAINT property_address_present CHECK (address <> ''),
        area_sqm           numeric(10, 2) NOT NULL CONSTRAINT property_area_positive CHECK (area_sqm > 0),
        use                text NOT NULL CONSTRAINT property_use_valid
                             CHECK (use IN ('RESIDENTIAL', 'COMMERCIAL', 'OFFICE', 'INDUSTRIAL', 'RURAL_HOMESTEAD')),
        share              text NOT NULL CONSTRAINT property_share_valid CHECK (share IN ('SOLE', 'JOINT', 'IN_COMMON')),
        registered_on      date NOT NULL
      )`);
    await q.query(`COMMENT ON TABLE dept_natural_resources.property IS
      'Real property rights certificates. share: SOLE (one owner), JOINT (co-owned as a whole, typically spouses), IN_COMMON (co-owned in shares).'`);
    await q.query(`
      CREATE TABLE dept_natural_resources.property_owner (
        certificate_number text NOT NULL CONSTRAINT property_owner_property_fk
                             REFERENCES dept_natural_resources.property (certificate_number),
        id_number          text NOT NULL CONSTRAINT property_owner_id_number_format CHECK (id_number ~ '^[0-9]{17}[0-9X]$'),
        PRIMARY KEY (certificate_number, id_number)
      )`);
    await q.query(`COMMENT ON TABLE dept_natural_resources.property_owner IS
      'Right holders of a property certificate; a person''s co-owners are the other holders of the same certificate.'`);
    await q.query(`CREATE INDEX property_owner_id_number ON dept_natural_resources.property_owner (id_number)`);

    // ---------------------------------------------------------------- Human Resources: social insurance
    await q.query(`CREATE SCHEMA dept_human_resources`);
    await q.query(`
      CREATE TABLE dept_human_resources.insurance_account (
        account_number      text PRIMARY KEY,
        id_number           text NOT NULL CONSTRAINT insurance_account_id_number_key UNIQUE
                              CONSTRAINT insurance_account_id_number_format CHECK (id_number ~ '^[0-9]{17}[0-9X]$'),
        status              text NOT NULL CONSTRAINT insurance_account_status_valid CHECK (status IN (
                              'CONTRIBUTING', 'RETIREMENT_PENDING', 'RETIRED', 'RESIDENT_MEDICAL', 'SEALED_DECEASED', 'SUSPENDED')),
        contribution_months integer NOT NULL CONSTRAINT insurance_account_contribution_months_valid CHECK (contribution_months >= 0),
        employer            text CONSTRAINT insurance_account_employer_present CHECK (employer <> ''),
        opened_on           date NOT NULL
      )`);
    await q.query(`COMMENT ON TABLE dept_human_resources.insurance_account IS
      'Social insurance accounts, one per person. employer is null for flexible employment, residents'' medical insurance and pensioners. SEALED_DECEASED: closed after the holder''s death.'`);

    // ---------------------------------------------------------------- Health: medical birth and death certificates
    await q.query(`CREATE SCHEMA dept_health`);
    await q.query(`
      CREATE TABLE dept_health.birth_certificate (
        medical_certificate_number text PRIMARY KEY,
        child_id_number            text CONSTRAINT birth_certificate_child_id_number_key UNIQUE
                                     CONSTRAINT birth_certificate_child_id_number_format CHECK (child_id_number ~ '^[0-9]{17}[0-9X]$'),
        child_name                 text NOT NULL CONSTRAINT birth_certificate_child_name_present CHECK (child_name <> ''),
        sex                        text NOT NULL CONSTRAINT birth_certificate_sex_valid CHECK (sex IN ('M', 'F')),
        birth_date                 date NOT NULL,
        hospital                   text NOT NULL,
        mother_id_number           text NOT NULL CONSTRAINT birth_certificate_mother_id_number_format CHECK (mother_id_number ~ '^[0-9]{17}[0-9X]$'),
        father_id_number           text CONSTRAINT birth_certificate_father_id_number_format CHECK (father_id_number ~ '^[0-9]{17}[0-9X]$')
      )`);
    await q.query(`COMMENT ON TABLE dept_health.birth_certificate IS
      'Medical birth certificates issued by the hospital. child_id_number is null until the birth is registered with Public Security; father_id_number is null when no father is named.'`);
    await q.query(`
      CREATE TABLE dept_health.death_certificate (
        medical_certificate_number text PRIMARY KEY,
        id_number                  text NOT NULL CONSTRAINT death_certificate_id_number_key UNIQUE
                                     CONSTRAINT death_certificate_id_number_format CHECK (id_number ~ '^[0-9]{17}[0-9X]$'),
        date_of_death              date NOT NULL,
        place                      text NOT NULL CONSTRAINT death_certificate_place_present CHECK (place <> '')
      )`);
    await q.query(`COMMENT ON TABLE dept_health.death_certificate IS
      'Medical certificates of death; the trigger for cancelling the identity card and sealing the insurance account elsewhere.'`);

    // ---------------------------------------------------------------- Market Regulation: business registration
    await q.query(`CREATE SCHEMA dept_market_regulation`);
    await q.query(`
      CREATE TABLE dept_market_regulation.enterprise (
        credit_code                    text PRIMARY KEY
                                         CONSTRAINT enterprise_credit_code_format CHECK (credit_code ~ '^[0-9A-HJ-NP-RTUWXY]{18}$'),
        name                           text NOT NULL CONSTRAINT enterprise_name_present CHECK (name <> ''),
        legal_representative_id_number text NOT NULL CONSTRAINT enterprise_legal_representative_format
                                         CHECK (legal_representative_id_number ~ '^[0-9]{17}[0-9X]$'),
        registered_on                  date NOT NULL,
        status                         text NOT NULL CONSTRAINT enterprise_status_valid
                                         CHECK (status IN ('OPERATING', 'DEREGISTERED', 'REVOKED')),
        address                        text NOT NULL CONSTRAINT enterprise_address_present CHECK (address <> '')
      )`);
    await q.query(`COMMENT ON TABLE dept_market_regulation.enterprise IS
      'Registered market entities, keyed by unified social credit code (GB 32100). status: OPERATING, DEREGISTERED (closed by the owner), REVOKED (licence revoked by the regulator).'`);
    await q.query(`CREATE INDEX enterprise_legal_representative ON dept_market_regulation.enterprise (legal_representative_id_number)`);
    await q.query(`
      CREATE TABLE dept_market_regulation.licence (
        licence_number text PRIMARY KEY,
        credit_code    text NOT NULL CONSTRAINT licence_enterprise_fk REFERENCES dept_market_regulation.enterprise (credit_code),
        type           text NOT NULL CONSTRAINT licence_type_valid CHECK (type IN (
                         'FOOD_DISTRIBUTION', 'FOOD_SERVICE', 'PHARMACEUTICAL_RETAIL', 'MEDICAL_DEVICE_RETAIL')),
        format         text NOT NULL CONSTRAINT licence_format_valid CHECK (format IN (
                         'STANDARD_SUPERMARKET', 'CONVENIENCE_STORE', 'FOOD_STORE', 'RESTAURANT', 'CANTEEN', 'TAKEAWAY',
                         'PHARMACY', 'PHARMACY_CHAIN_STORE', 'MEDICAL_DEVICE_STORE')),
        valid_until    date NOT NULL
      )`);
    await q.query(`COMMENT ON TABLE dept_market_regulation.licence IS
      'Operating licences held by an enterprise. format is the business format the licence was issued for.'`);
    await q.query(`CREATE INDEX licence_credit_code ON dept_market_regulation.licence (credit_code)`);

    // ---------------------------------------------------------------- access: each department's own reader only
    for (const [schema, reader] of READERS) {
      await q.query(`REVOKE ALL ON SCHEMA ${schema} FROM PUBLIC`);
      await q.query(`GRANT USAGE ON SCHEMA ${schema} TO ${reader}`);
      await q.query(`GRANT SELECT ON ALL TABLES IN SCHEMA ${schema} TO ${reader}`);
    }
  }

  async down(q: QueryRunner): Promise<void> {
    // CASCADE takes the tables, their constraints and the reader grants with the schema.
    for (const [schema] of [...READERS].reverse()) {
      await q.query(`DROP SCHEMA ${schema} CASCADE`);
    }
  }
}
