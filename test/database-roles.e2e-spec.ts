import pg from 'pg';
import { connectionsFor } from '../src/database/database-setup.js';
import { harnessState } from './harness/database.js';
import { createTestApp, type TestApp } from './harness/test-app.js';

const LI_WEI = '330825198803142023';

/** The runtime role has only the grants it needs; each department source is readable only by its own reader. */
describe('database roles', () => {
  let t: TestApp;
  let runtime: pg.Client;
  let publicSecurity: pg.Client;
  let civilAffairs: pg.Client;

  beforeAll(async () => {
    t = await createTestApp();
    const urls = connectionsFor(t.databaseUrl, harnessState().rolePassword);
    runtime = new pg.Client({ connectionString: urls.runtimeUrl });
    publicSecurity = new pg.Client({ connectionString: urls.readerUrls.PUBLIC_SECURITY });
    civilAffairs = new pg.Client({ connectionString: urls.readerUrls.CIVIL_AFFAIRS });
    await Promise.all([runtime.connect(), publicSecurity.connect(), civilAffairs.connect()]);
  });
  afterAll(async () => {
    await Promise.all([runtime.end(), publicSecurity.end(), civilAffairs.end()]);
    await t.close();
  });

  it('lets the runtime role read the catalog but not change it', async () => {
    const { rows } = await runtime.query('SELECT count(*)::int AS n FROM onegate.department');
    expect(rows[0].n).toBe(6);
    await expect(runtime.query(`UPDATE onegate.department SET name = 'x'`)).rejects.toMatchObject({ code: '42501' });
    await expect(runtime.query(`DELETE FROM onegate.data_item`)).rejects.toMatchObject({ code: '42501' });
    await expect(runtime.query(`TRUNCATE onegate.department CASCADE`)).rejects.toMatchObject({ code: '42501' });
    await expect(runtime.query(`CREATE TABLE onegate.mine (id int)`)).rejects.toMatchObject({ code: '42501' });
  });

  it('owns no table', async () => {
    const { rows } = await runtime.query(
      `SELECT count(*)::int AS n FROM pg_tables WHERE tableowner = current_user AND (schemaname = 'onegate' OR schemaname LIKE 'dept\\_%')`,
    );
    expect(rows[0].n).toBe(0);
  });

  it('keeps the runtime role out of every department source', async () => {
    await expect(runtime.query('SELECT * FROM dept_public_security.resident LIMIT 1')).rejects.toMatchObject({ code: '42501' });
    await expect(runtime.query('SELECT * FROM dept_civil_affairs.marital_status LIMIT 1')).rejects.toMatchObject({ code: '42501' });
  });

  it('lets a department reader read only its own department, and never write', async () => {
    const { rows } = await publicSecurity.query('SELECT name FROM dept_public_security.resident WHERE id_number = $1', [LI_WEI]);
    expect(rows).toEqual([{ name: 'Li Wei' }]);
    await expect(publicSecurity.query('SELECT * FROM dept_civil_affairs.marital_status LIMIT 1')).rejects.toMatchObject({ code: '42501' });
    await expect(publicSecurity.query('SELECT * FROM onegate.department')).rejects.toMatchObject({ code: '42501' });
    await expect(publicSecurity.query(`UPDATE dept_public_security.resident SET name = 'x'`)).rejects.toMatchObject({ code: '42501' });
    await expect(civilAffairs.query('SELECT * FROM dept_public_security.resident LIMIT 1')).rejects.toMatchObject({ code: '42501' });
  });

  it('has the demo people in the department sources', async () => {
    const { rows } = await civilAffairs.query('SELECT status, spouse_id_number FROM dept_civil_affairs.marital_status WHERE id_number = $1', [LI_WEI]);
    expect(rows).toEqual([{ status: 'MARRIED', spouse_id_number: '330825198611021315' }]);
  });
});
