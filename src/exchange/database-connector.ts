import pg from 'pg';
import { departmentSchema, type DepartmentCode } from '../common/departments.js';
import { resilientPool } from '../database/pg-pool.js';
import { ConnectorError, type DepartmentConnector, type ItemRecord } from './connector.js';

/**
 * One query per data item: `$1` is the array of subjects; every row has a `subject` column and a
 * `record` column already shaped as the item's JSON Schema. `{schema}` is the department's schema.
 *
 * Each query runs under one generic plan per connection (plan_cache_mode=force_generic_plan, see
 * DatabaseConnector), so it must be written to plan well for a subject array of unknown length:
 * index lookups driven from the subjects, never a scan of a whole table.
 */
interface ItemQuery {
  department: DepartmentCode;
  sql: string;
}

const ITEM_QUERIES: Readonly<Record<string, ItemQuery>> = {
  'person.identity': {
    department: 'PUBLIC_SECURITY',
    sql: `SELECT r.id_number AS subject,
                 json_build_object('idNumber', r.id_number, 'name', r.name, 'sex', r.sex,
                                   'birthDate', r.birth_date::text, 'idCardStatus', r.id_card_status) AS record
            FROM {schema}.resident r
           WHERE r.id_number = ANY($1::text[])`,
  },
  // The household the person is registered in now (or, for a cancelled registration, the last one),
  // with its members. A collective household (employer, school, talent centre) lists only the
  // person: its other members are strangers to them.
  'household.registration': {
    department: 'PUBLIC_SECURITY',
    // The membership is chosen first (one per subject), so the members list is built once per subject.
    sql: `SELECT m.id_number AS subject,
                 json_build_object(
                   'householdNumber', h.household_number, 'address', h.address, 'householdType', h.household_type,
                   'relationToHead', m.relation_to_head, 'status', m.status,
                   'members', CASE WHEN h.household_type = 'FAMILY' THEN (
                       SELECT coalesce(json_agg(json_build_object('idNumber', mm.id_number, 'name', mr.name,
                                                                  'relationToHead', mm.relation_to_head, 'status', mm.status)
                                                ORDER BY mm.relation_to_head = 'HEAD' DESC, mm.joined_on, mm.id_number), '[]'::json)
                         FROM (SELECT * FROM {schema}.household_member x
                                WHERE x.household_number = h.household_number AND (x.status = 'ACTIVE' OR x.id_number = m.id_number)
                                ORDER BY x.joined_on LIMIT 500) mm
                         JOIN {schema}.resident mr ON mr.id_number = mm.id_number)
                     ELSE json_build_array(json_build_object('idNumber', m.id_number, 'name', r.name,
                                                             'relationToHead', m.relation_to_head, 'status', m.status))
                   END) AS record
            FROM (SELECT DISTINCT ON (x.id_number) x.*
                    FROM {schema}.household_member x
                   WHERE x.id_number = ANY($1::text[])
                   ORDER BY x.id_number, x.status = 'ACTIVE' DESC, x.joined_on DESC) m
            JOIN {schema}.household h ON h.household_number = m.household_number
            JOIN {schema}.resident r ON r.id_number = m.id_number`,
  },
  'marriage.registration': {
    department: 'CIVIL_AFFAIRS',
    sql: `SELECT s.id_number AS subject,
                 json_build_object('status', s.status, 'spouseIdNumber', s.spouse_id_number,
                                   'registeredOn', g.registered_on::text, 'office', g.office,
                                   'certificateNumber', s.certificate_number) AS record
            FROM {schema}.marital_status s
            JOIN {schema}.marriage_registration g ON g.certificate_number = s.certificate_number
           WHERE s.id_number = ANY($1::text[])`,
  },
  'property.rights': {
    department: 'NATURAL_RESOURCES',
    sql: `SELECT o.id_number AS subject,
                 json_build_object('certificateNumber', p.certificate_number, 'address', p.address,
                                   'areaSqm', p.area_sqm::float8, 'use', p.use, 'share', p.share,
                                   'coOwnerIdNumbers', ARRAY(SELECT c.id_number FROM {schema}.property_owner c
                                                              WHERE c.certificate_number = p.certificate_number
                                                                AND c.id_number <> o.id_number ORDER BY c.id_number)) AS record
            FROM {schema}.property_owner o
            -- A lateral subquery kept apart (OFFSET 0) so that the one plan kept for all batches looks
            -- each property up by its key instead of hashing the whole property table.
            CROSS JOIN LATERAL (SELECT x.* FROM {schema}.property x WHERE x.certificate_number = o.certificate_number OFFSET 0) p
           WHERE o.id_number = ANY($1::text[])
           ORDER BY o.id_number, p.registered_on, p.certificate_number`,
  },
  'social_insurance.account': {
    department: 'HUMAN_RESOURCES',
    sql: `SELECT a.id_number AS subject,
                 json_build_object('accountNumber', a.account_number, 'status', a.status,
                                   'contributionMonths', a.contribution_months, 'employer', a.employer) AS record
            FROM {schema}.insurance_account a
           WHERE a.id_number = ANY($1::text[])`,
  },
  // The medical birth certificate of the person as the child.
  'birth.medical_certificate': {
    department: 'HEALTH',
    sql: `SELECT b.child_id_number AS subject,
                 json_build_object('medicalCertificateNumber', b.medical_certificate_number, 'birthDate', b.birth_date::text,
                                   'hospital', b.hospital, 'motherIdNumber', b.mother_id_number,
                                   'fatherIdNumber', b.father_id_number) AS record
            FROM {schema}.birth_certificate b
           WHERE b.child_id_number = ANY($1::text[])`,
  },
  'death.medical_certificate': {
    department: 'HEALTH',
    sql: `SELECT d.id_number AS subject,
                 json_build_object('medicalCertificateNumber', d.medical_certificate_number,
                                   'date', d.date_of_death::text, 'place', d.place) AS record
            FROM {schema}.death_certificate d
           WHERE d.id_number = ANY($1::text[])`,
  },
  'enterprise.registration': {
    department: 'MARKET_REGULATION',
    sql: `SELECT e.credit_code AS subject,
                 json_build_object('creditCode', e.credit_code, 'name', e.name,
                                   'legalRepresentativeIdNumber', e.legal_representative_id_number,
                                   'registeredOn', e.registered_on::text, 'status', e.status, 'address', e.address) AS record
            FROM {schema}.enterprise e
           WHERE e.credit_code = ANY($1::text[])`,
  },
  'enterprise.licence': {
    department: 'MARKET_REGULATION',
    sql: `SELECT l.credit_code AS subject,
                 json_build_object('type', l.type, 'number', l.licence_number, 'validUntil', l.valid_until::text,
                                   'format', l.format) AS record
            FROM {schema}.licence l
           WHERE l.credit_code = ANY($1::text[])
           ORDER BY l.credit_code, l.valid_until DESC, l.licence_number`,
  },
};

export interface DatabaseConnectorOptions {
  /** Login URL of the department's read-only role. */
  url: string;
  poolSize: number;
  /** Server-side limit on one query; the exchange's own timeout is shorter and cancels the wait. */
  statementTimeoutMs: number;
}

/**
 * Reads a department's own schema through that department's read-only role, one query per item
 * for all subjects of a batch. Prepared statements are named and planned generically, so each
 * pooled connection plans each item's query once.
 */
export class DatabaseConnector implements DepartmentConnector {
  readonly kind = 'database' as const;
  private readonly pool: pg.Pool;
  private readonly statements = new Map<string, { name: string; text: string }>();

  constructor(
    readonly department: DepartmentCode,
    options: DatabaseConnectorOptions,
  ) {
    // A connection the server ends (restart) must not crash the process; the next query reconnects.
    this.pool = resilientPool({
      connectionString: options.url,
      max: options.poolSize,
      idleTimeoutMillis: 30_000,
      connectionTimeoutMillis: options.statementTimeoutMs,
      statement_timeout: options.statementTimeoutMs,
      application_name: `onegate-connector-${department.toLowerCase()}`,
      // Planning these joins costs the server several times more than running them (a custom plan
      // for every batch of subjects, since each batch is a new parameter value). One generic plan
      // per connection and statement is made once and reused for every batch.
      options: '-c plan_cache_mode=force_generic_plan',
    }, () => undefined);
    const schema = departmentSchema(department);
    for (const [item, query] of Object.entries(ITEM_QUERIES)) {
      if (query.department !== department) continue;
      this.statements.set(item, { name: `onegate_${item.replace(/\W/g, '_')}`, text: query.sql.replaceAll('{schema}', schema) });
    }
  }

  async fetch(item: string, subjects: readonly string[], signal: AbortSignal): Promise<Map<string, ItemRecord[]>> {
    const statement = this.statements.get(item);
    if (!statement) throw new ConnectorError(this.department, `${this.department} does not hold data item ${item}`);
    const result = new Map<string, ItemRecord[]>(subjects.map((s) => [s, []]));
    if (subjects.length === 0) return result;
    signal.throwIfAborted();
    const client = await this.pool.connect();
    if (signal.aborted) {
      client.release();
      throw signal.reason;
    }
    let broken = false;
    // On abort the connection is given up (destroyed), so a stuck query never holds a pooled slot.
    const onAbort = () => {
      broken = true;
      client.release(new Error('aborted'));
    };
    signal.addEventListener('abort', onAbort, { once: true });
    try {
      const rows = await client.query<{ subject: string; record: ItemRecord }>({ ...statement, values: [subjects] });
      for (const row of rows.rows) result.get(row.subject)?.push(row.record);
      return result;
    } catch (error) {
      if (signal.aborted) throw signal.reason ?? error;
      throw new ConnectorError(this.department, `${this.department} source query failed (${(error as { code?: string }).code ?? 'error'})`);
    } finally {
      signal.removeEventListener('abort', onAbort);
      if (!broken) client.release();
    }
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}
