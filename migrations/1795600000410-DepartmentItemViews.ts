import type { MigrationInterface, QueryRunner } from 'typeorm';

/** View → reader role; spelled out (not derived from src/common) so this migration never changes. */
const VIEWS: ReadonlyArray<readonly [string, string]> = [
  ['dept_public_security.household_registration', 'onegate_reader_public_security'],
  ['dept_civil_affairs.marriage_record', 'onegate_reader_civil_affairs'],
  ['dept_natural_resources.property_holding', 'onegate_reader_natural_resources'],
];

/**
 * The records of the demo departments' items that span several of their tables, as views in the
 * department's own schema: one row per subject and record, so that the item's catalog entry
 * (schemas/data-items/<item>.json, `x-onegate.source`) names a view and its columns, and the
 * gateway's query is built from it like any other item's. Each view reads only its own
 * department's tables; the department's reader role may read it.
 *
 * They are written to plan as the queries they replace did, under one generic plan for a subject
 * array of any length: the subject predicate the gateway adds reaches the indexed column (the
 * DISTINCT ON key, the owner table), and the property is looked up by its key (OFFSET 0 keeps that
 * subquery apart, so the generic plan never hashes the whole property table).
 */
export class DepartmentItemViews1795600000410 implements MigrationInterface {
  name = 'DepartmentItemViews1795600000410';

  async up(q: QueryRunner): Promise<void> {
    // The household the person is registered in now (or, for a cancelled registration, the last one),
    // with its members. A collective household (employer, school, talent centre) lists only the
    // person: its other members are strangers to them. The membership is chosen first (one per
    // person), so the members list is built once per person asked for.
    await q.query(`
      CREATE VIEW dept_public_security.household_registration AS
      SELECT m.id_number, h.household_number, h.address, h.household_type, m.relation_to_head, m.status,
             CASE WHEN h.household_type = 'FAMILY' THEN (
                 SELECT coalesce(json_agg(json_build_object('idNumber', mm.id_number, 'name', mr.name,
                                                            'relationToHead', mm.relation_to_head, 'status', mm.status)
                                          ORDER BY mm.relation_to_head = 'HEAD' DESC, mm.joined_on, mm.id_number), '[]'::json)
                   FROM (SELECT * FROM dept_public_security.household_member x
                          WHERE x.household_number = h.household_number AND (x.status = 'ACTIVE' OR x.id_number = m.id_number)
                          ORDER BY x.joined_on LIMIT 500) mm
                   JOIN dept_public_security.resident mr ON mr.id_number = mm.id_number)
               ELSE json_build_array(json_build_object('idNumber', m.id_number, 'name', r.name,
                                                       'relationToHead', m.relation_to_head, 'status', m.status))
             END AS members
        FROM (SELECT DISTINCT ON (x.id_number) x.*
                FROM dept_public_security.household_member x
               ORDER BY x.id_number, x.status = 'ACTIVE' DESC, x.joined_on DESC) m
        JOIN dept_public_security.household h ON h.household_number = m.household_number
        JOIN dept_public_security.resident r ON r.id_number = m.id_number`);
    await q.query(`COMMENT ON VIEW dept_public_security.household_registration IS
      'Per person: the household registered in now (else the last one), their relation and status in it, and its members as JSON (a collective household: only the person).'`);

    await q.query(`
      CREATE VIEW dept_civil_affairs.marriage_record AS
      SELECT s.id_number, s.status, s.spouse_id_number, g.registered_on, g.office, s.certificate_number
        FROM dept_civil_affairs.marital_status s
        JOIN dept_civil_affairs.marriage_registration g ON g.certificate_number = s.certificate_number`);
    await q.query(`COMMENT ON VIEW dept_civil_affairs.marriage_record IS
      'Per person with a marriage on record: the current marital status with the registration behind it.'`);

    await q.query(`
      CREATE VIEW dept_natural_resources.property_holding AS
      SELECT o.id_number, p.certificate_number, p.address, p.area_sqm, p.use, p.share, p.registered_on,
             ARRAY(SELECT c.id_number FROM dept_natural_resources.property_owner c
                    WHERE c.certificate_number = p.certificate_number AND c.id_number <> o.id_number
                    ORDER BY c.id_number) AS co_owner_id_numbers
        FROM dept_natural_resources.property_owner o
        CROSS JOIN LATERAL (SELECT x.* FROM dept_natural_resources.property x WHERE x.certificate_number = o.certificate_number OFFSET 0) p`);
    await q.query(`COMMENT ON VIEW dept_natural_resources.property_holding IS
      'Per right holder and property: the property and the other holders of its certificate.'`);

    for (const [view, reader] of VIEWS) await q.query(`GRANT SELECT ON ${view} TO ${reader}`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const [view] of [...VIEWS].reverse()) await q.query(`DROP VIEW ${view}`);
  }
}
