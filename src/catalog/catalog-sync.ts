import pg from 'pg';
import type { CatalogFiles } from './catalog-files.js';

/**
 * Makes the catalog tables equal to the declared files, in one transaction, as the owner (the
 * runtime role may only read the catalog). Items no longer declared are removed.
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
