import pg from 'pg';

/**
 * A pg.Pool whose connections cannot crash the process when the server ends them (a restart, a
 * failover, pg_terminate_backend). pg-pool listens for an idle connection's 'error' itself (and
 * re-emits it on the pool, to `onIdleError`), but takes that listener off while the connection is
 * checked out: the server's "terminating connection" reaching a checked-out connection with no
 * query running (between two statements of a transaction, or in the same read as the last reply)
 * is then an unhandled 'error' event, which ends the process. So every connection has a listener
 * of its own from the start. Such a connection is no longer queryable: its next query fails, and
 * pg-pool discards it when it is released; the pool connects afresh.
 */
export function resilientPool(config: pg.PoolConfig, onIdleError: (error: Error) => void): pg.Pool {
  const pool = new pg.Pool(config);
  pool.on('error', onIdleError);
  pool.on('connect', (client) => client.on('error', () => undefined));
  return pool;
}
