import pg from 'pg';
import type { CatalogFiles } from './catalog-files.js';

/**
 * Makes the catalog tables equal to the declared files, in one transaction, as the owner (the
 * runtime role may only read departments and data items). Items no longer declared are removed.
 * Matters are kept equal to their files only while no admin has changed them through the API
 * (`managed_by = 'FILE'`); a matter an admin changed or created stays as the admin left it.
 */
export async function syncCatalog(ownerUrl: string, catalog: CatalogFiles): Promise<void> {
  const client = new pg.Client({ connectionString: ownerUrl });
  await client.connect();
  try {
    await client.query('BEGIN');
    for (const d of catalog.departments) {
      await client.query(
        `INSERT INTO onegate.department (code, name, holds) VALUES ($1, $2, $3)
         ON CONFLICT (code) DO UPDATE SET name = EXCLUDED.name, holds = EXCLUDED.holds`,
        [d.code, d.name, d.holds],
      );
    }
    for (const item of catalog.dataItems) {
      await client.query(
        `INSERT INTO onegate.data_item (code, department_code, title, json_schema) VALUES ($1, $2, $3, $4)
         ON CONFLICT (code) DO UPDATE SET department_code = EXCLUDED.department_code, title = EXCLUDED.title,
           json_schema = EXCLUDED.json_schema, updated_at = now()
         WHERE (data_item.department_code, data_item.title, data_item.json_schema)
           IS DISTINCT FROM (EXCLUDED.department_code, EXCLUDED.title, EXCLUDED.json_schema)`,
        [item.code, item.department, item.title, JSON.stringify(item.schema)],
      );
    }
    await syncMatters(client, catalog);
    await client.query('DELETE FROM onegate.data_item WHERE NOT (code = ANY($1))', [catalog.dataItems.map((i) => i.code)]);
    await client.query('DELETE FROM onegate.department WHERE NOT (code = ANY($1))', [catalog.departments.map((d) => d.code)]);
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    await client.end();
  }
}

async function syncMatters(client: pg.Client, catalog: CatalogFiles): Promise<void> {
  for (const m of catalog.matters) {
    await client.query(
      `INSERT INTO onegate.matter (code, name, name_zh, description, subject, consent_required, roles, jurisdiction, subject_conditions, materials, parties, managed_by)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $10, $9, $11, 'FILE')
       ON CONFLICT (code) DO UPDATE SET name = EXCLUDED.name, name_zh = EXCLUDED.name_zh, description = EXCLUDED.description,
         subject = EXCLUDED.subject, consent_required = EXCLUDED.consent_required, roles = EXCLUDED.roles,
         jurisdiction = EXCLUDED.jurisdiction, subject_conditions = EXCLUDED.subject_conditions, materials = EXCLUDED.materials,
         parties = EXCLUDED.parties, updated_at = now()
       WHERE matter.managed_by = 'FILE'
         AND (matter.name, matter.name_zh, matter.description, matter.subject, matter.consent_required, matter.roles, matter.jurisdiction, matter.subject_conditions, matter.materials, matter.parties)
           IS DISTINCT FROM (EXCLUDED.name, EXCLUDED.name_zh, EXCLUDED.description, EXCLUDED.subject, EXCLUDED.consent_required, EXCLUDED.roles, EXCLUDED.jurisdiction, EXCLUDED.subject_conditions, EXCLUDED.materials, EXCLUDED.parties)`,
      [
        m.code,
        m.name,
        m.nameZh,
        m.description,
        m.subject,
        m.consentRequired,
        m.roles,
        m.jurisdiction,
        JSON.stringify(m.materials),
        JSON.stringify(m.subjectConditions),
        JSON.stringify(m.parties),
      ],
    );
    await client.query(
      `DELETE FROM onegate.matter_data_item mdi USING onegate.matter m
        WHERE mdi.matter_code = m.code AND m.code = $1 AND m.managed_by = 'FILE' AND NOT (mdi.data_item_code = ANY($2))`,
      [m.code, m.dataItems],
    );
    await client.query(
      `INSERT INTO onegate.matter_data_item (matter_code, data_item_code)
       SELECT $1::text, item FROM unnest($2::text[]) AS item
        WHERE EXISTS (SELECT 1 FROM onegate.matter WHERE code = $1::text AND managed_by = 'FILE')
       ON CONFLICT DO NOTHING`,
      [m.code, m.dataItems],
    );
  }
  // A matter whose file is gone goes too, unless an admin has taken it over.
  await client.query(`DELETE FROM onegate.matter WHERE managed_by = 'FILE' AND NOT (code = ANY($1))`, [catalog.matters.map((m) => m.code)]);
}
