import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { DEPARTMENT_CODES, departmentSchema } from '../common/departments.js';
import { DEMO_CITIZENS, DEMO_ENTERPRISES, type DemoCitizen } from './demo-citizens.js';
import { emptyDepartmentRows, type DepartmentRows, type DepartmentTable } from './department-rows.js';
import { generateDepartmentRows } from './synthetic.js';

export interface SeedOptions {
  /** Synthetic citizens to generate; the demo people come on top. */
  citizens: number;
  seed: string;
  /** Called as synthetic citizens reach the database: `done` of `total` (= citizens). */
  onProgress?: (done: number, total: number) => void;
}

export interface SeedReport {
  /** Synthetic citizens generated (the demo people are in `rows` too). */
  citizens: number;
  /** Rows loaded per `schema.table`. */
  rows: Record<string, number>;
  seconds: number;
}

/**
 * Replaces the department demo sources: empties every department table, loads the fixed demo
 * people and the synthetic population, and leaves every constraint and index in place and checked.
 *
 * One transaction, so a failed seed leaves the previous data. Inside it, keys, foreign keys and
 * indexes are set aside and rebuilt after the COPY: building an index once from sorted data and
 * checking a foreign key with one join is far cheaper than maintaining them row by row.
 */
export async function seedDepartmentSources(ownerUrl: string, options: SeedOptions): Promise<SeedReport> {
  const { citizens, seed, onProgress } = options;
  if (!Number.isSafeInteger(citizens) || citizens < 0) throw new RangeError('citizens must be a non-negative integer');
  const started = performance.now();
  const client = new pg.Client({ connectionString: ownerUrl, application_name: 'onegate-seed' });
  await client.connect();
  try {
    const loaded = Object.fromEntries(SOURCE_TABLES.map((table) => [table.name, 0]));
    let copying: Promise<void> = Promise.resolve();
    await client.query('BEGIN');
    try {
      await client.query(`SET LOCAL maintenance_work_mem = '256MB'`);
      await client.query(`SET LOCAL work_mem = '64MB'`);
      await client.query(`TRUNCATE ${SOURCE_TABLES.map((table) => table.name).join(', ')}`);
      const rebuild = await setAsideConstraintsAndIndexes(client);

      // Generating and copying overlap: one chunk is copied while the next is generated, and the
      // generator yields to the event loop between batches so the socket keeps draining.
      let chunk = new CopyBuffer();
      chunk.add(demoDepartmentRows());
      let generated = 0;
      onProgress?.(0, citizens);
      for (const batch of generateDepartmentRows({ citizens, seed, batchSize: 2_000 })) {
        chunk.add(batch);
        generated += batch.resident.length;
        if (chunk.bytes >= CHUNK_BYTES) {
          await copying;
          const done = generated;
          copying = chunk.copyInto(client, loaded).then(() => onProgress?.(done, citizens));
          copying.catch(() => undefined); // awaited above or below; not unhandled meanwhile
          chunk = new CopyBuffer();
        }
        await new Promise((resolve) => setImmediate(resolve));
      }
      await copying;
      await chunk.copyInto(client, loaded);
      onProgress?.(citizens, citizens);

      for (const statement of rebuild) await client.query(statement);
      await client.query('COMMIT');
    } catch (error) {
      await copying.catch(() => undefined);
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    }
    await client.query(`ANALYZE ${SOURCE_TABLES.map((table) => table.name).join(', ')}`);
    return { citizens, rows: loaded, seconds: (performance.now() - started) / 1000 };
  } finally {
    await client.end();
  }
}

/** True when the department sources hold no residents (a fresh database that was never seeded). */
export async function departmentSourcesAreEmpty(ownerUrl: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: ownerUrl, application_name: 'onegate-seed' });
  await client.connect();
  try {
    const { rows } = await client.query<{ empty: boolean }>('SELECT NOT EXISTS (SELECT 1 FROM dept_public_security.resident) AS empty');
    return rows[0]!.empty;
  } finally {
    await client.end();
  }
}

// ------------------------------------------------------------------------------------------ tables

type CopyValue = string | number | null;

interface SourceTable<K extends DepartmentTable = DepartmentTable> {
  key: K;
  /** `schema.table` */
  name: string;
  columns: readonly string[];
  values: (row: DepartmentRows[K][number]) => readonly CopyValue[];
}

// Ties each table's values() to its row type; the list itself holds them type-erased.
function sourceTable<K extends DepartmentTable>(
  key: K,
  name: string,
  columns: readonly string[],
  values: (row: DepartmentRows[K][number]) => readonly CopyValue[],
): SourceTable {
  return { key, name, columns, values } as unknown as SourceTable;
}

/** Referenced tables before referencing ones. */
const SOURCE_TABLES: readonly SourceTable[] = [
  sourceTable(
    'resident',
    'dept_public_security.resident',
    ['id_number', 'name', 'sex', 'birth_date', 'region_code', 'id_card_status', 'registered_on', 'father_id_number', 'mother_id_number'],
    (r) => [r.idNumber, r.name, r.sex, r.birthDate, r.regionCode, r.idCardStatus, r.registeredOn, r.fatherIdNumber, r.motherIdNumber],
  ),
  sourceTable('household', 'dept_public_security.household', ['household_number', 'household_type', 'address', 'region_code'], (r) => [
    r.householdNumber,
    r.householdType,
    r.address,
    r.regionCode,
  ]),
  sourceTable(
    'householdMember',
    'dept_public_security.household_member',
    ['household_number', 'id_number', 'relation_to_head', 'status', 'joined_on', 'left_on'],
    (r) => [r.householdNumber, r.idNumber, r.relationToHead, r.status, r.joinedOn, r.leftOn],
  ),
  sourceTable('marriageRegistration', 'dept_civil_affairs.marriage_registration', ['certificate_number', 'registered_on', 'office'], (r) => [
    r.certificateNumber,
    r.registeredOn,
    r.office,
  ]),
  sourceTable('maritalStatus', 'dept_civil_affairs.marital_status', ['id_number', 'status', 'spouse_id_number', 'certificate_number'], (r) => [
    r.idNumber,
    r.status,
    r.spouseIdNumber,
    r.certificateNumber,
  ]),
  sourceTable('property', 'dept_natural_resources.property', ['certificate_number', 'address', 'area_sqm', 'use', 'share', 'registered_on'], (r) => [
    r.certificateNumber,
    r.address,
    r.areaSqm,
    r.use,
    r.share,
    r.registeredOn,
  ]),
  sourceTable('propertyOwner', 'dept_natural_resources.property_owner', ['certificate_number', 'id_number'], (r) => [r.certificateNumber, r.idNumber]),
  sourceTable(
    'insuranceAccount',
    'dept_human_resources.insurance_account',
    ['account_number', 'id_number', 'status', 'contribution_months', 'employer', 'opened_on'],
    (r) => [r.accountNumber, r.idNumber, r.status, r.contributionMonths, r.employer, r.openedOn],
  ),
  sourceTable(
    'birthCertificate',
    'dept_health.birth_certificate',
    ['medical_certificate_number', 'child_id_number', 'child_name', 'sex', 'birth_date', 'hospital', 'mother_id_number', 'father_id_number'],
    (r) => [r.medicalCertificateNumber, r.childIdNumber, r.childName, r.sex, r.birthDate, r.hospital, r.motherIdNumber, r.fatherIdNumber],
  ),
  sourceTable('deathCertificate', 'dept_health.death_certificate', ['medical_certificate_number', 'id_number', 'date_of_death', 'place'], (r) => [
    r.medicalCertificateNumber,
    r.idNumber,
    r.dateOfDeath,
    r.place,
  ]),
  sourceTable(
    'enterprise',
    'dept_market_regulation.enterprise',
    ['credit_code', 'name', 'legal_representative_id_number', 'registered_on', 'status', 'address'],
    (r) => [r.creditCode, r.name, r.legalRepresentativeIdNumber, r.registeredOn, r.status, r.address],
  ),
  sourceTable('licence', 'dept_market_regulation.licence', ['licence_number', 'credit_code', 'type', 'format', 'valid_until'], (r) => [
    r.licenceNumber,
    r.creditCode,
    r.type,
    r.format,
    r.validUntil,
  ]),
];

// ------------------------------------------------------------------------------------------ COPY

/** Text per round of COPY statements: large enough that per-statement overhead does not matter. */
const CHUNK_BYTES = 16 * 1024 * 1024;
const NEEDS_ESCAPE = /[\\\t\n\r]/;

/** A value in COPY text format: `\N` for null; backslash, tab and line breaks escaped. */
export function copyText(value: CopyValue): string {
  if (value === null) return '\\N';
  if (typeof value === 'number') return String(value);
  if (!NEEDS_ESCAPE.test(value)) return value;
  return value.replace(/[\\\t\n\r]/g, (c) => (c === '\\' ? '\\\\' : c === '\t' ? '\\t' : c === '\n' ? '\\n' : '\\r'));
}

/** Rows rendered as COPY text, per table. */
class CopyBuffer {
  private readonly lines = SOURCE_TABLES.map(() => [] as string[]);
  bytes = 0;

  add(rows: DepartmentRows): void {
    SOURCE_TABLES.forEach((table, i) => {
      const lines = this.lines[i]!;
      for (const row of rows[table.key]) {
        const values = table.values(row);
        let line = copyText(values[0]!);
        for (let v = 1; v < values.length; v++) line += '\t' + copyText(values[v]!);
        lines.push(line);
        this.bytes += line.length + 1;
      }
    });
  }

  async copyInto(client: pg.Client, loaded: Record<string, number>): Promise<void> {
    for (const [i, table] of SOURCE_TABLES.entries()) {
      const lines = this.lines[i]!;
      if (lines.length === 0) continue;
      const stream = client.query(copyFrom(`COPY ${table.name} (${table.columns.join(', ')}) FROM STDIN WITH (FREEZE)`));
      await new Promise<void>((resolve, reject) => {
        stream.on('error', reject);
        stream.on('finish', resolve);
        stream.end(lines.join('\n') + '\n');
      });
      loaded[table.name]! += stream.rowCount;
    }
  }
}

// ------------------------------------------------------------------------------------------ constraints and indexes

const DEPARTMENT_SCHEMAS = DEPARTMENT_CODES.map(departmentSchema);

/**
 * Drops the primary keys, unique constraints, foreign keys and other indexes of the department
 * schemas and returns the statements that recreate them (keys, indexes, then foreign keys), taken
 * from the catalog so they always match the migrations. CHECK and NOT NULL constraints stay: they
 * cost little per row and reject a bad row at once.
 */
async function setAsideConstraintsAndIndexes(client: pg.Client): Promise<string[]> {
  const constraints = await client.query<{ table_name: string; name: string; type: 'f' | 'p' | 'u'; definition: string }>(
    `SELECT format('%I.%I', n.nspname, t.relname) AS table_name, quote_ident(c.conname) AS name,
            c.contype AS type, pg_get_constraintdef(c.oid) AS definition
       FROM pg_constraint c
       JOIN pg_class t ON t.oid = c.conrelid
       JOIN pg_namespace n ON n.oid = t.relnamespace
      WHERE n.nspname = ANY($1) AND c.contype IN ('f', 'p', 'u')
      ORDER BY c.contype, 1, 2`,
    [DEPARTMENT_SCHEMAS],
  );
  const indexes = await client.query<{ name: string; definition: string }>(
    `SELECT format('%I.%I', n.nspname, i.relname) AS name, pg_get_indexdef(i.oid) AS definition
       FROM pg_index x
       JOIN pg_class i ON i.oid = x.indexrelid
       JOIN pg_namespace n ON n.oid = i.relnamespace
      WHERE n.nspname = ANY($1)
        AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = x.indexrelid AND c.contype IN ('p', 'u', 'x'))
      ORDER BY 1`,
    [DEPARTMENT_SCHEMAS],
  );
  const foreignKeys = constraints.rows.filter((c) => c.type === 'f');
  const keys = constraints.rows.filter((c) => c.type !== 'f');
  const addConstraint = (c: (typeof constraints.rows)[number]) => `ALTER TABLE ${c.table_name} ADD CONSTRAINT ${c.name} ${c.definition}`;

  // Foreign keys first: they depend on the keys they reference.
  for (const c of [...foreignKeys, ...keys]) await client.query(`ALTER TABLE ${c.table_name} DROP CONSTRAINT ${c.name}`);
  for (const index of indexes.rows) await client.query(`DROP INDEX ${index.name}`);

  return [...keys.map(addConstraint), ...indexes.rows.map((index) => index.definition), ...foreignKeys.map(addConstraint)];
}

// ------------------------------------------------------------------------------------------ the demo people

/**
 * The demo people and enterprise as department rows. Dates the fixture does not carry follow fixed
 * rules: registration at birth, joining a household at birth (children), marriage (spouses), 22
 * (collective members) or 18 (others), an insurance account from 18 (from birth for residents'
 * medical insurance), a property registered in the year its certificate number names.
 */
export function demoDepartmentRows(): DepartmentRows {
  const rows = emptyDepartmentRows();
  const seen = new Set<string>();
  const firstTime = (key: string) => !seen.has(key) && Boolean(seen.add(key));

  for (const citizen of DEMO_CITIZENS) {
    const { household, marriage, death } = citizen;
    const regionCode = household.householdNumber.slice(0, 6);
    rows.resident.push({
      idNumber: citizen.idNumber,
      name: citizen.name,
      sex: citizen.sex,
      birthDate: citizen.birthDate,
      regionCode,
      idCardStatus: death ? 'CANCELLED_DECEASED' : 'ACTIVE',
      registeredOn: citizen.birthDate,
      fatherIdNumber: citizen.fatherIdNumber ?? null,
      motherIdNumber: citizen.motherIdNumber ?? null,
    });
    if (firstTime(`household ${household.householdNumber}`)) {
      rows.household.push({
        householdNumber: household.householdNumber,
        householdType: household.relationToHead === 'COLLECTIVE_MEMBER' ? 'COLLECTIVE' : 'FAMILY',
        address: household.address,
        regionCode,
      });
    }
    const status = household.status ?? 'ACTIVE';
    if (status !== 'ACTIVE' && !death) throw new Error(`demo citizen ${citizen.name}: inactive household entry needs a date`);
    rows.householdMember.push({
      householdNumber: household.householdNumber,
      idNumber: citizen.idNumber,
      relationToHead: household.relationToHead,
      status,
      joinedOn: demoJoinedOn(citizen),
      leftOn: status === 'ACTIVE' ? null : death!.date,
    });

    if (marriage) {
      if (firstTime(`marriage ${marriage.certificateNumber}`)) {
        rows.marriageRegistration.push({
          certificateNumber: marriage.certificateNumber,
          registeredOn: marriage.registeredOn,
          office: marriage.office,
        });
      }
      rows.maritalStatus.push({
        idNumber: citizen.idNumber,
        status: marriage.status,
        spouseIdNumber: marriage.spouseIdNumber,
        certificateNumber: marriage.certificateNumber,
      });
    }

    for (const property of citizen.properties ?? []) {
      if (firstTime(`property ${property.certificateNumber}`)) {
        const year = /\((\d{4})\)/.exec(property.certificateNumber)?.[1];
        if (!year) throw new Error(`demo property ${property.certificateNumber}: no registration year in the number`);
        rows.property.push({
          certificateNumber: property.certificateNumber,
          address: property.address,
          areaSqm: property.areaSqm,
          use: property.use,
          share: property.share,
          registeredOn: `${year}-01-01`,
        });
      }
      for (const owner of [citizen.idNumber, ...property.coOwnerIdNumbers]) {
        if (firstTime(`owner ${property.certificateNumber} ${owner}`)) {
          rows.propertyOwner.push({ certificateNumber: property.certificateNumber, idNumber: owner });
        }
      }
    }

    const insurance = citizen.socialInsurance;
    if (insurance) {
      rows.insuranceAccount.push({
        accountNumber: insurance.accountNumber,
        idNumber: citizen.idNumber,
        status: insurance.status,
        contributionMonths: insurance.contributionMonths,
        employer: insurance.employer,
        openedOn: insurance.status === 'RESIDENT_MEDICAL' ? citizen.birthDate : addYears(citizen.birthDate, 18),
      });
    }

    if (citizen.birth) {
      rows.birthCertificate.push({
        medicalCertificateNumber: citizen.birth.medicalCertificateNumber,
        childIdNumber: citizen.idNumber,
        childName: citizen.name,
        sex: citizen.sex,
        birthDate: citizen.birthDate,
        hospital: citizen.birth.hospital,
        motherIdNumber: citizen.birth.motherIdNumber,
        fatherIdNumber: citizen.birth.fatherIdNumber,
      });
    }
    if (death) {
      rows.deathCertificate.push({
        medicalCertificateNumber: death.medicalCertificateNumber,
        idNumber: citizen.idNumber,
        dateOfDeath: death.date,
        place: death.place,
      });
    }
  }

  for (const enterprise of DEMO_ENTERPRISES) {
    rows.enterprise.push({
      creditCode: enterprise.creditCode,
      name: enterprise.name,
      legalRepresentativeIdNumber: enterprise.legalRepresentativeIdNumber,
      registeredOn: enterprise.registeredOn,
      status: enterprise.status,
      address: enterprise.address,
    });
    rows.licence.push({
      licenceNumber: enterprise.license.number,
      creditCode: enterprise.creditCode,
      type: enterprise.license.type,
      format: enterprise.license.format,
      validUntil: enterprise.license.validUntil,
    });
  }
  return rows;
}

function demoJoinedOn(citizen: DemoCitizen): string {
  const { relationToHead } = citizen.household;
  let joined: string;
  if (['SON', 'DAUGHTER', 'GRANDSON', 'GRANDDAUGHTER'].includes(relationToHead)) joined = citizen.birthDate;
  else if (relationToHead === 'SPOUSE' && citizen.marriage) joined = citizen.marriage.registeredOn;
  else joined = addYears(citizen.birthDate, relationToHead === 'COLLECTIVE_MEMBER' ? 22 : 18);
  return citizen.death && citizen.death.date < joined ? citizen.death.date : joined;
}

/** ISO date `years` later; 29 February rolls to 1 March. */
function addYears(iso: string, years: number): string {
  const [year, month, day] = iso.split('-').map(Number) as [number, number, number];
  return new Date(Date.UTC(year + years, month - 1, day)).toISOString().slice(0, 10);
}
