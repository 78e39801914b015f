import pg from 'pg';
import { DEPARTMENT_CODES, departmentReaderRole } from '../common/departments.js';

/** The role the gateway runs as: only the grants it needs, owner of nothing. */
export const RUNTIME_ROLE = 'onegate_app';

/** Login roles the migrations create (NOLOGIN) and start-up enables with the configured password. */
export function loginRoles(): string[] {
  return [RUNTIME_ROLE, ...DEPARTMENT_CODES.map(departmentReaderRole)];
}

/** The owner's URL with another user and password: same server, same database. */
export function urlForRole(ownerUrl: string, role: string, password: string): string {
  const url = new URL(ownerUrl);
  url.username = encodeURIComponent(role);
  url.password = encodeURIComponent(password);
  return url.toString();
}

/**
 * Makes the runtime and reader roles able to log in with `password`. Runs as the owner after the
 * migrations created the roles; changes a role only when it cannot log in yet, so concurrent
 * starts against one cluster don't fight over ALTER ROLE.
 */
export async function enableLoginRoles(ownerUrl: string, password: string): Promise<void> {
  const owner = new pg.Client({ connectionString: ownerUrl });
  await owner.connect();
  try {
    for (const role of loginRoles()) {
      const { rows } = await owner.query<{ rolcanlogin: boolean }>('SELECT rolcanlogin FROM pg_roles WHERE rolname = $1', [role]);
      if (rows.length === 0) throw new Error(`database role ${role} does not exist: the migrations have not run`);
      if (rows[0].rolcanlogin && (await canLogIn(urlForRole(ownerUrl, role, password)))) continue;
      await owner.query(`ALTER ROLE ${owner.escapeIdentifier(role)} WITH LOGIN PASSWORD ${owner.escapeLiteral(password)}`);
    }
  } finally {
    await owner.end();
  }
}

async function canLogIn(url: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5000 });
  try {
    await client.connect();
    return true;
  } catch (error) {
    const code = (error as { code?: string }).code;
    // 28P01 wrong password, 28000 no login / not allowed: fixable by ALTER ROLE. Anything else is real.
    if (code === '28P01' || code === '28000') return false;
    throw error;
  } finally {
    await client.end().catch(() => undefined);
  }
}
