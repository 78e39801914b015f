// What bench:cases drives the gateway with: the newborn-registration families drawn from the
// department records (a minor child whose medical birth certificate names a mother and a father
// who are residents too), the parents' consent grants for the clerk's hall (granted through the
// API, as the citizens would, so that each is a ledger entry; kept and reused by later runs while
// valid), one clerk token per province, and the two requests of one complete case.
import pLimit from 'p-limit';
import type { AppConfig } from '../../src/config/app-config.js';
import { DevIssuer } from '../../src/identity/dev-issuer.js';
import { withClient } from '../harness.js';

export const MATTER = 'NEWBORN_REGISTRATION';
const SAMPLE_SEED = 0.2323;
/** Grants are asked valid this long, and reused by a later run while valid at least one day more. */
const GRANT_DAYS = 30;
/** Citizens granting their consents at once before the runs. */
const GRANTING_CONCURRENCY = 16;

/** The clerk opens the case with its three parties; the answer says whether each relation was proven. */
export const OPEN_MUTATION = 'mutation OpenCase($in: OpenCaseInput!) { openCase(input: $in) { id caseNumber parties { role relation { status } } } }';

/**
 * Every party's records under the case in one request, as the clerk's console shows the case: each
 * party's consent, and each party's records through `citizen(purpose: { case })` — the same audited
 * lookup as `Case.parties.record`, one per party, each asking the items its role may read (the
 * child's birth record, the parents' marriage record). `Case.parties.record` takes one selection for
 * every party, so asking there for the birth and the marriage records would answer each party's
 * record with an ITEM_NOT_ALLOWED error for the item its role may not read.
 */
export const READ_QUERY =
  'query ReadCase($id: ID!, $child: IdNumber!, $mother: IdNumber!, $father: IdNumber!) { ' +
  'case(id: $id) { status parties { role consent { status } } } ' +
  'child: citizen(idNumber: $child, purpose: { case: $id }) { person { name } household { householdNumber } birth { hospital } } ' +
  'mother: citizen(idNumber: $mother, purpose: { case: $id }) { person { name } household { householdNumber } marriage { status } } ' +
  'father: citizen(idNumber: $father, purpose: { case: $id }) { person { name } household { householdNumber } marriage { status } } }';

/** The records read for each party, by alias of READ_QUERY, and the fields that must not be null. */
export const PARTY_READS = {
  child: ['person', 'birth'],
  mother: ['person'],
  father: ['person'],
} as const;

export interface Family {
  child: string;
  mother: string;
  father: string;
  /** The two first digits of the child's ID number: the clerk's province (NEWBORN_REGISTRATION is PROVINCE jurisdiction on the child). */
  province: string;
  hall: string;
}

/** The benchmark hall of a province (bench/exchange/exchange-setup.ts benchHallsFile). */
export function hallOf(province: string): string {
  return `BENCH-${province}`;
}

/**
 * Draws `size` families at random (repeatable): a child under 18 (a week's margin) with an active
 * identity card whose medical birth certificate names a mother and a father, both residents with
 * active identity cards.
 */
export async function drawFamilies(ownerUrl: string, size: number): Promise<{ families: Family[]; eligible: number }> {
  return withClient(ownerUrl, async (client) => {
    const from = `
      FROM dept_health.birth_certificate b
      JOIN dept_public_security.resident c ON c.id_number = b.child_id_number
      JOIN dept_public_security.resident m ON m.id_number = b.mother_id_number
      JOIN dept_public_security.resident f ON f.id_number = b.father_id_number
     WHERE c.birth_date > current_date - interval '18 years' + interval '7 days'
       AND c.birth_date <= current_date
       AND c.id_card_status = 'ACTIVE' AND m.id_card_status = 'ACTIVE' AND f.id_card_status = 'ACTIVE'`;
    const eligible = (await client.query<{ n: number }>(`SELECT count(*)::int AS n ${from}`)).rows[0]!.n;
    await client.query('SELECT setseed($1)', [SAMPLE_SEED]);
    const { rows } = await client.query<{ child: string; mother: string; father: string }>(
      `SELECT b.child_id_number AS child, b.mother_id_number AS mother, b.father_id_number AS father ${from} ORDER BY random() LIMIT $1`,
      [size],
    );
    const families = rows.map((r) => ({ ...r, province: r.child.slice(0, 2), hall: hallOf(r.child.slice(0, 2)) }));
    return { families, eligible };
  });
}

/** One consent a family's case needs: the citizen's own grant for the hall, or one on the child's behalf. */
interface WantedGrant {
  citizen: string;
  onBehalfOf: string | null;
  hall: string;
}

const grantKey = (g: WantedGrant) => `${g.citizen}/${g.onBehalfOf ?? ''}/${g.hall}`;

/**
 * Makes sure every family has its consents for NEWBORN_REGISTRATION naming its hall: the mother's
 * and the father's own, and the mother's on the child's behalf. Grants still valid for a day from an
 * earlier run are reused; the others are granted through `grantConsent` with each citizen's token
 * (each grant a CONSENT_GRANT ledger entry, as a citizen's own would be).
 */
export async function ensureConsents(
  url: string,
  ownerUrl: string,
  config: AppConfig,
  families: readonly Family[],
): Promise<{ granted: number; reused: number; seconds: number }> {
  const started = performance.now();
  const wanted = new Map<string, WantedGrant>();
  for (const f of families) {
    for (const g of [
      { citizen: f.mother, onBehalfOf: null, hall: f.hall },
      { citizen: f.father, onBehalfOf: null, hall: f.hall },
      { citizen: f.mother, onBehalfOf: f.child, hall: f.hall },
    ])
      wanted.set(grantKey(g), g);
  }
  const existing = await withClient(ownerUrl, async (client) => {
    const { rows } = await client.query<{ citizen: string; on_behalf_of: string | null; hall: string }>(
      `SELECT g.citizen_id_number AS citizen, g.on_behalf_of, h.hall
         FROM onegate.consent_grant g CROSS JOIN LATERAL unnest(g.halls) AS h(hall)
        WHERE g.matter_code = $1 AND g.case_number IS NULL AND g.revoked_at IS NULL
          AND g.expires_at > now() + interval '1 day' AND g.citizen_id_number = ANY($2::text[])`,
      [MATTER, [...new Set([...wanted.values()].map((g) => g.citizen))]],
    );
    return new Set(rows.map((r) => grantKey({ citizen: r.citizen, onBehalfOf: r.on_behalf_of, hall: r.hall })));
  });
  const missing = [...wanted.entries()].filter(([key]) => !existing.has(key)).map(([, g]) => g);
  const issuer = new DevIssuer(config);
  const expiresAt = new Date(Date.now() + GRANT_DAYS * 24 * 3600 * 1000).toISOString();
  await pLimit(GRANTING_CONCURRENCY).map(missing, async (g) => {
    const token = await issuer.issueToken({ role: 'citizen', sub: g.citizen, ttlSeconds: Math.min(3600, config.TOKEN_MAX_AGE_SECONDS) });
    const response = await fetch(`${url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({
        query: 'mutation Grant($in: GrantConsentInput!) { grantConsent(input: $in) { id } }',
        variables: { in: { matter: MATTER, hall: g.hall, expiresAt, ...(g.onBehalfOf ? { onBehalfOf: g.onBehalfOf } : {}) } },
      }),
    });
    const body = (await response.json()) as { data?: { grantConsent: { id: string } }; errors?: unknown };
    if (!body.data) throw new Error(`a parent's consent was refused: ${JSON.stringify(body.errors).slice(0, 500)}`);
  });
  return { granted: missing.length, reused: wanted.size - missing.length, seconds: Math.round((performance.now() - started) / 100) / 10 };
}

export interface Clerk {
  province: string;
  hall: string;
  authorization: string;
}

/**
 * One clerk token per province of the families, at the province's benchmark hall, with `sub`
 * `<prefix><province>`: the cases a run opens are told apart by who opened them.
 */
export async function clerkTokens(config: AppConfig, families: readonly Family[], prefix: string): Promise<Map<string, Clerk>> {
  const issuer = new DevIssuer(config);
  const clerks = new Map<string, Clerk>();
  for (const { province, hall } of families) {
    if (clerks.has(province)) continue;
    const token = await issuer.issueToken({
      role: 'clerk',
      sub: `${prefix}${province}`,
      hall,
      region: `${province}0000`,
      ttlSeconds: Math.min(4 * 3600, config.TOKEN_MAX_AGE_SECONDS),
    });
    clerks.set(province, { province, hall, authorization: `Bearer ${token}` });
  }
  return clerks;
}

/** The request body of openCase for a family. */
export function openBody(f: Family): string {
  return JSON.stringify({
    query: OPEN_MUTATION,
    variables: {
      in: {
        matter: MATTER,
        parties: [
          { role: 'CHILD', idNumber: f.child },
          { role: 'MOTHER', idNumber: f.mother },
          { role: 'FATHER', idNumber: f.father },
        ],
      },
    },
  });
}

/** The read request's body for a family; the load generator puts the case id in place of CASE_ID_PLACEHOLDER. */
export const CASE_ID_PLACEHOLDER = '@@CASE@@';

export function readBody(f: Family): string {
  return JSON.stringify({ query: READ_QUERY, variables: { id: CASE_ID_PLACEHOLDER, child: f.child, mother: f.mother, father: f.father } });
}
