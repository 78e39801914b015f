import pg from 'pg';
import { resilientPool } from '../src/database/pg-pool.js';
import { harnessState } from './harness/database.js';

/*
 * The gateway's own pools (ledger writer and readers, department connectors) survive the server
 * ending a connection that is checked out with no query running, as a PostgreSQL restart does to
 * every connection (found by the fault harness: test/faults/database-restart.faults-spec.ts).
 */
describe('resilientPool', () => {
  it('a checked-out connection the server terminates between queries does not crash the process; the pool connects afresh', async () => {
    const { adminUrl } = harnessState();
    const idle: Error[] = [];
    const pool = resilientPool({ connectionString: adminUrl, max: 1 }, (error) => idle.push(error));
    const admin = new pg.Client({ connectionString: adminUrl });
    await admin.connect();
    try {
      const client = await pool.connect();
      const pid = (await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]!.pid;
      const ended = new Promise<void>((resolve, reject) => {
        client.once('end', () => resolve());
        setTimeout(() => reject(new Error('the terminated connection did not end within 10 s')), 10_000).unref();
      });
      // FATAL 57P01 "terminating connection due to administrator command", as in a fast shutdown.
      await admin.query('SELECT pg_terminate_backend($1)', [pid]);
      await ended;
      await expect(client.query('SELECT 1')).rejects.toThrow();
      client.release();
      const again = await pool.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
      expect(again.rows[0]!.pid).not.toBe(pid);
      // Checked out, it was no idle connection's error.
      expect(idle).toEqual([]);
    } finally {
      await admin.end();
      await pool.end();
    }
  });
});
