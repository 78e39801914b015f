// The consoles talk to /graphql only.
export interface GqlError {
  message: string;
  path?: Array<string | number>;
  extensions?: {
    code?: string;
    reason?: string;
    department?: string;
    role?: string;
    retryAfterSeconds?: number;
    /** A form refused field by field (submitApplication: FORM_INVALID). */
    fields?: Array<{ key: string; message: string; messageZh: string }>;
  };
}

export interface GqlResult<T> {
  data: T | null;
  errors: GqlError[];
}

const TOKEN_KEY = 'onegate.token';
/** The case open at the clerk's window (kept over a reload or a language switch; gone with the session). */
export const OPEN_CASE_KEY = 'onegate.clerk.case';

/** Who the token says the caller is. */
export interface Me {
  kind: string;
  id: string;
  hall: string | null;
  /** A department system's department (or agency). */
  department?: string | null;
}

export const ME_QUERY = '{ me { kind id hall department } }';

export function session(): string | null {
  return sessionStorage.getItem(TOKEN_KEY);
}

export function startSession(token: string): void {
  sessionStorage.setItem(TOKEN_KEY, token);
}

export function endSession(): void {
  sessionStorage.removeItem(TOKEN_KEY);
  sessionStorage.removeItem(OPEN_CASE_KEY);
}

export async function graphql<T>(query: string, variables: Record<string, unknown> = {}): Promise<GqlResult<T>> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  const token = session();
  if (token) headers.authorization = `Bearer ${token}`;
  let response: Response;
  try {
    response = await fetch('/graphql', { method: 'POST', headers, body: JSON.stringify({ query, variables }) });
  } catch {
    // The gateway (or the network to it) is down: said as an error of its own, never thrown at the screen.
    return { data: null, errors: [{ message: 'the gateway cannot be reached', extensions: { code: 'GATEWAY_UNREACHABLE' } }] };
  }
  const body = (await response.json().catch(() => ({}))) as { data?: T | null; errors?: GqlError[] };
  if (!body.data && !body.errors) return { data: null, errors: [{ message: `HTTP ${response.status}`, extensions: { code: 'GATEWAY_UNREACHABLE' } }] };
  return { data: body.data ?? null, errors: body.errors ?? [] };
}
