import { createHmac, generateKeyPairSync, sign } from 'node:crypto';
import fc from 'fast-check';
import pg from 'pg';
import { readCatalogFiles } from '../src/catalog/catalog-files.js';
import { encodeCursor } from '../src/audit/audit.service.js';
import { presentSdJwt } from '../src/certificates/credential/sd-jwt.js';
import { CASE_NUMBER_PATTERN } from '../src/common/identifiers/case-number.js';
import { computeCreditCodeCheck, parseCreditCode } from '../src/common/identifiers/credit-code.js';
import { computeIdNumberCheck, parseIdNumber } from '../src/common/identifiers/id-number.js';
import { viewFieldItems } from '../src/exchange/release.js';
import { createTestApp, type TestApp } from './harness/test-app.js';
import { addIdentityCheckMatter, IDENTITY_CHECK } from './support/fixture-matters.js';

/*
 * Property-based fuzzing of the GraphQL inputs (issue 7 item 6), with real requests through the
 * real app and its PostgreSQL. Whatever is sent — ID numbers, credit codes, purposes, query
 * documents, credentials, audit filters — the gateway answers 200 or 400, every error carries a
 * client code (never INTERNAL_SERVER_ERROR) and no message shows a stack, SQL, a driver or a class
 * name; every record released has its DATA_ACCESS ledger entry, tied to the request by its
 * X-Request-Id; and no altered credential verifies.
 *
 * One seed drives every property. It is printed; FUZZ_SEED=<seed> replays a run, and a failure
 * report also names the seed and the path of the shrunk counterexample. FUZZ_RUNS scales the runs.
 */

const SEED = process.env.FUZZ_SEED !== undefined ? Number(process.env.FUZZ_SEED) : Date.now() % 2_147_483_647;
/** FUZZ_RUNS=10 runs each property ten times as often (for a longer search by hand; CI keeps 1). */
const RUNS = Number(process.env.FUZZ_RUNS ?? 1);
const TIMEOUT = 60_000 * Math.max(1, RUNS);

const LI_WEI = '330825198803142023';
const ZHANG_HAO = '330825198611021315';
const GUAN = '31010519660520037X';
const DEMO_PEOPLE = [LI_WEI, ZHANG_HAO, '330825202609180842', GUAN, '320113199007071462', '640106195001150197', '440105194002290556', '440105196808080661'];
const SUPERMARKET = '91330782MA2E00017B';
// The catalog's matters, and the fixture matter an administrator adds in beforeAll.
const MATTERS = [...readCatalogFiles().matters.map((m) => m.code), IDENTITY_CHECK];
/** Which data item each field of a view releases, as the catalog declares it. */
const CITIZEN_FIELD_ITEMS = viewFieldItems(readCatalogFiles().dataItems, 'PERSON');
const ENTERPRISE_FIELD_ITEMS = viewFieldItems(readCatalogFiles().dataItems, 'ENTERPRISE');

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
interface GraphQLError {
  message?: unknown;
  path?: unknown;
  extensions?: Record<string, unknown>;
}
interface Answer {
  status: number;
  text: string;
  body: { data?: Record<string, any> | null; errors?: GraphQLError[] } | undefined;
  requestId: string;
  /** What the request carried (the leak check does not hold the server to account for text the client sent). */
  sent: string;
}

// ---------------------------------------------------------------------------------------------
// What a client may see

const CLIENT_EXTENSION_KEYS = new Set(['code', 'reason', 'department', 'field', 'retryAfterSeconds']);

/** Text that only an internal failure would put in an answer. */
const LEAKS: RegExp[] = [
  /\n\s+at\s/,
  /\bat [\w$.<>]+ \(/,
  /\.(?:ts|js|mjs|cjs):\d+/,
  /node_modules/,
  /Cannot read propert/i,
  /Cannot destructure/i,
  /is not a function/,
  /is not iterable/,
  /undefined is not/,
  /\b(?:of|from) (?:undefined|null)\b/,
  /\b(?:TypeError|ReferenceError|RangeError|QueryFailedError|EntityNotFound\w*|DatabaseError)\b/,
  /\bERR_[A-Z_]{3,}\b/,
  /\b(?:SELECT|INSERT INTO|DELETE FROM|UPDATE \w+ SET|WHERE)\b/,
  /\b(?:relation|column) "|violates|syntax error at or near|invalid input syntax|duplicate key/i,
  /\bonegate\.\w+|\bonegate_\w+/,
  /\bpostgres(?:ql)?\b|\bpg\b|typeorm/i,
  /\b[A-Z]\w*(?:Service|Resolver|Repository|Controller|Guard|Pipe|Filter|Exception|Interceptor|Loader|Batcher)\b/,
  /\[object Object\]/,
];

function failWith(problem: string, answer: Answer): never {
  throw new Error(
    `${problem}\nstatus ${answer.status}, request ${answer.requestId}\nsent: ${answer.sent.slice(0, 2000)}\nanswer: ${answer.text.slice(0, 2000)}`,
  );
}

function leakIn(message: string, sent: string): string | null {
  for (const pattern of LEAKS) {
    const match = pattern.exec(message);
    if (match && !sent.includes(match[0])) return match[0];
  }
  return null;
}

/** 200 or 400, a GraphQL answer, and errors only with client codes and clean messages. */
function expectClientAnswer(answer: Answer, statuses: readonly number[] = [200, 400]): void {
  if (!statuses.includes(answer.status)) failWith(`status ${answer.status}, expected one of ${statuses.join(', ')}`, answer);
  if (answer.status >= 500) failWith('a 5xx', answer);
  if (!answer.body || typeof answer.body !== 'object') failWith('not a JSON object', answer);
  const errors = answer.body.errors ?? [];
  // Data is the records' own text; what is judged is what the server says about the request.
  const said = answer.body.data === undefined ? answer.text : JSON.stringify(errors);
  const leak = leakIn(said, answer.sent);
  if (leak) failWith(`the answer shows internal text ${JSON.stringify(leak)}`, answer);
  if (answer.status === 400 && errors.length === 0 && !('message' in answer.body)) failWith('a 400 without an error', answer);
  for (const error of errors) {
    const code = error.extensions?.['code'];
    if (typeof code !== 'string') failWith('an error without extensions.code', answer);
    if (code === 'INTERNAL_SERVER_ERROR') failWith('an internal error', answer);
    if (typeof error.message !== 'string' || error.message.length === 0) failWith('an error without a message', answer);
    for (const key of Object.keys(error.extensions ?? {})) {
      if (!CLIENT_EXTENSION_KEYS.has(key)) failWith(`an error extension ${key} a client should not see`, answer);
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Generators

const BASE64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
const pad = (n: number, width: number) => String(n).padStart(width, '0');
const yyyymmdd = (d: Date) => `${pad(d.getUTCFullYear(), 4)}${pad(d.getUTCMonth() + 1, 2)}${pad(d.getUTCDate(), 2)}`;
const b64json = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

const regionArb = fc.oneof(fc.constantFrom('330825', '310105', '310106', '320113', '640106', '440105', '110101'), fc.stringMatching(/^[1-8]\d{5}$/));
const birthDateArb = fc.date({ min: new Date('1900-01-01T00:00:00Z'), max: new Date('2024-12-31T00:00:00Z'), noInvalidDate: true });

/** A well-formed ID number: a region, a real past birth date, a sequence and its check character. */
const validIdArb = fc.tuple(regionArb, birthDateArb, fc.integer({ min: 0, max: 999 })).map(([region, date, sequence]) => {
  const first17 = `${region}${yyyymmdd(date)}${pad(sequence, 3)}`;
  return first17 + computeIdNumberCheck(first17);
});
const knownIdArb = fc.constantFrom(...DEMO_PEOPLE);
const baseIdArb = fc.oneof(knownIdArb, validIdArb);

const WHITESPACE = [' ', '\t', '\n', '\r', '\u00a0', '\u3000', '\u200b', '\ufeff', '\u2028'];
const insertAt = (s: string, i: number, c: string) => s.slice(0, i) + c + s.slice(i);
const replaceAt = (s: string, i: number, c: string) => s.slice(0, i) + c + s.slice(i + 1);

/** ID numbers one step from valid: wrong check, impossible or future dates, case, whitespace, look-alike digits, length. */
const nearIdArb = fc.oneof(
  baseIdArb.chain((id) => fc.constantFrom(...'0123456789X'.split('').filter((c) => c !== id[17])).map((c) => replaceAt(id, 17, c))),
  fc
    .tuple(
      regionArb,
      fc.constantFrom('19990230', '20011301', '20010001', '20010100', '17991231', '18000101', '20991231', '00000000', '19000229', '20000229', '99999999'),
      fc.integer({ min: 0, max: 999 }),
    )
    .map(([region, date, sequence]) => {
      const first17 = `${region}${date}${pad(sequence, 3)}`;
      return first17 + computeIdNumberCheck(first17);
    }),
  fc.constantFrom(GUAN.toLowerCase(), GUAN.slice(0, 17) + 'x', LI_WEI.slice(0, 17) + 'x', 'x'.repeat(18), 'X'.repeat(18)),
  fc
    .tuple(baseIdArb, fc.constantFrom(...WHITESPACE), fc.constantFrom('before', 'after', 'both', 'inside'))
    .chain(([id, space, where]) =>
      fc
        .integer({ min: 1, max: 17 })
        .map((i) => (where === 'before' ? space + id : where === 'after' ? id + space : where === 'both' ? space + id + space : insertAt(id, i, space))),
    ),
  fc.tuple(baseIdArb, fc.integer({ min: 0, max: 17 }), fc.constantFrom('fullwidth', 'arabic', 'devanagari', 'superscript', 'letter')).map(([id, i, kind]) => {
    const d = id.charCodeAt(i) - 48;
    const digit = d >= 0 && d <= 9 ? d : 1;
    const look = {
      fullwidth: 0xff10 + digit,
      arabic: 0x0660 + digit,
      devanagari: 0x0966 + digit,
      superscript: 0x2070 + digit,
      letter: 'OlZEhSbTBg'.charCodeAt(digit),
    }[kind];
    return replaceAt(id, i, String.fromCharCode(look));
  }),
  baseIdArb.chain((id) => fc.integer({ min: 0, max: 17 }).map((i) => id.slice(0, i) + id.slice(i + 1))),
  baseIdArb.chain((id) => fc.tuple(fc.integer({ min: 0, max: 18 }), fc.constantFrom(...'0123456789X')).map(([i, c]) => insertAt(id, i, c))),
  baseIdArb.map((id) => id.slice(0, 6) + id.slice(8, 17)),
);

const anyStringArb = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'grapheme', maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.stringMatching(/^\d{1,25}$/),
  fc.constantFrom(
    '',
    ' ',
    'null',
    'undefined',
    '0',
    '-1',
    'NaN',
    '__proto__',
    'constructor',
    "' OR '1'='1",
    '"; DROP TABLE x; --',
    '\\',
    '\u0000',
    '%00',
    '${x}',
    '{{x}}',
  ),
  // PostgreSQL text cannot hold U+0000: wherever a string reaches it unchecked, this finds it.
  fc.string({ maxLength: 12 }).chain((text) => fc.nat({ max: text.length }).map((i) => insertAt(text, i, '\u0000'))),
);

/** Any value a JSON variable can hold, for variables of the wrong type. */
const wrongTypeArb: fc.Arbitrary<Json> = fc.oneof(
  fc.constant(null),
  fc.boolean(),
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.array(fc.string({ maxLength: 8 }), { maxLength: 3 }),
  fc.dictionary(fc.string({ maxLength: 8 }), fc.string({ maxLength: 8 }), { maxKeys: 3 }),
);

/** Left out, null, or a value. */
const maybe = <T>(arbitrary: fc.Arbitrary<T>) => fc.oneof(fc.constant(undefined), fc.constant(null), arbitrary as fc.Arbitrary<unknown>);

const dateTimeArb = fc.oneof(
  fc.date({ min: new Date('1970-01-01T00:00:00Z'), max: new Date('2100-01-01T00:00:00Z'), noInvalidDate: true }).map((d) => d.toISOString()),
  fc.date({ min: new Date(Date.now() - 86_400_000), max: new Date(Date.now() + 100 * 86_400_000), noInvalidDate: true }).map((d) => d.toISOString()),
  fc.constantFrom('2026-02-30T00:00:00Z', '0000-01-01T00:00:00Z', '9999-12-31T23:59:59Z', '2026-01-01', 'yesterday', '1e20'),
);

const idInputArb = fc.oneof({ weight: 3, arbitrary: baseIdArb }, { weight: 5, arbitrary: nearIdArb }, { weight: 2, arbitrary: anyStringArb });

const CREDIT_ALPHABET = '0123456789ABCDEFGHJKLMNPQRTUWXY';
const validCreditArb = fc
  .tuple(
    fc.constantFrom('1', '5', '9', 'Y'),
    fc.constantFrom('1', '2', '3', '9'),
    regionArb,
    fc.array(fc.constantFrom(...CREDIT_ALPHABET), { minLength: 9, maxLength: 9 }),
  )
  .map(([authority, category, region, organisation]) => {
    const first17 = `${authority}${category}${region}${organisation.join('')}`;
    return first17 + computeCreditCodeCheck(first17);
  });
const baseCreditArb = fc.oneof(fc.constant(SUPERMARKET), validCreditArb);
const creditInputArb = fc.oneof(
  { weight: 3, arbitrary: baseCreditArb },
  baseCreditArb.map((code) => code.toLowerCase()),
  baseCreditArb.chain((code) => fc.constantFrom(...CREDIT_ALPHABET.split('').filter((c) => c !== code[17])).map((c) => replaceAt(code, 17, c))),
  baseCreditArb.chain((code) =>
    fc.tuple(fc.integer({ min: 0, max: 17 }), fc.constantFrom('I', 'O', 'S', 'V', 'Z', 'i', 'o', '-', '０', 'Ａ', 'Ⅰ')).map(([i, c]) => replaceAt(code, i, c)),
  ),
  fc.tuple(baseCreditArb, fc.constantFrom(...WHITESPACE)).map(([code, space]) => space + code + space),
  baseCreditArb.chain((code) => fc.integer({ min: 0, max: 17 }).map((i) => code.slice(0, i) + code.slice(i + 1))),
  fc.constantFrom(LI_WEI, '0'.repeat(18), 'Y'.repeat(18), SUPERMARKET + '0'),
  { weight: 2, arbitrary: anyStringArb },
);

/** Three base64url segments with chosen or random JSON: looks like a JWT to a quick check. */
const jwtLikeArb = fc
  .tuple(
    fc.record(
      {
        alg: fc.constantFrom('none', 'None', 'HS256', 'ES256', 'RS256', 'EdDSA', 'PS256', ''),
        typ: fc.constantFrom('JWT', 'vc+jwt', 'dc+sd-jwt', 'onegate-consent+jwt', 'at+jwt'),
        kid: fc.string({ maxLength: 20 }),
        x5c: fc.array(fc.base64String({ maxLength: 40 }), { maxLength: 2 }),
        crit: fc.constant(['exp']),
      },
      { requiredKeys: [] },
    ),
    fc.oneof(fc.dictionary(fc.string({ maxLength: 10 }), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 5 }), fc.jsonValue({ maxDepth: 2 })),
    fc.oneof(
      fc.constant(''),
      fc.array(fc.constantFrom(...BASE64URL), { minLength: 1, maxLength: 100 }).map((c) => c.join('')),
    ),
  )
  .map(([header, payload, signature]) => `${b64json(header)}.${b64json(payload)}.${signature}`);

// ---------------------------------------------------------------------------------------------
// Queries

const RECORD_SELECTIONS: Record<string, string> = {
  person: 'idNumber name sex birthDate idCardStatus source { department dataItem fetchedAt }',
  household: 'householdNumber address status members { idNumber name status } source { dataItem }',
  marriage: 'status spouseIdNumber registeredOn source { dataItem }',
  properties: 'certificateNumber address share coOwnerIdNumbers source { dataItem }',
  socialInsurance: 'accountNumber status contributionMonths source { dataItem }',
  birth: 'hospital motherIdNumber source { dataItem }',
  death: 'date place source { dataItem }',
};
const CITIZEN_FIELDS = [...Object.keys(RECORD_SELECTIONS), 'certificates', 'materials'];
const ENTERPRISE_SELECTIONS: Record<string, string> = {
  registration: 'creditCode name status source { dataItem }',
  licences: 'number validUntil source { dataItem }',
};
const EXTRA_SELECTIONS: Record<string, string> = {
  certificates: 'identifier type status claims',
  materials: 'code satisfied dataItems certificates',
};

function citizenSelection(fields: readonly string[], spouse: readonly string[] | null): string {
  const parts = fields.map((field) => {
    const inner = RECORD_SELECTIONS[field] ?? EXTRA_SELECTIONS[field]!;
    if (field === 'marriage' && spouse) return `marriage { ${inner} spouse { ${citizenSelection(spouse, null)} } }`;
    return `${field} { ${inner} }`;
  });
  return `idNumber ${parts.join(' ')}`;
}

/** GraphQL string literal (JSON's escapes are GraphQL's). */
const literal = (value: string) => JSON.stringify(value);

// ---------------------------------------------------------------------------------------------

describe('fuzz: the GraphQL inputs never cause a 5xx, an internal message or data without a ledger entry', () => {
  let t: TestApp;
  let url: string;
  let owner: pg.Client;
  const tokens: Record<string, string | undefined> = {};
  let grant: { id: string; token: string };
  let credentials: { marriage: string; marriageSd: string; household: string; householdSd: string; revoked: string };
  let certificateIds: string[];

  beforeAll(async () => {
    console.log(`fuzz seed ${SEED} (replay with FUZZ_SEED=${SEED})`);
    // Lookups are rate-limited per principal (300 a minute); the fuzz makes more, and checks limits elsewhere.
    // Fuzzing verifies without a token far more often than the public rate limit allows (§I 46, tested in abuse-limits).
    t = await createTestApp({ LEDGER_CHECKPOINT_INTERVAL_SECONDS: '0', EXCHANGE_LOOKUPS_PER_MINUTE: '1000000', PUBLIC_RATE_LIMIT_MAX: '1000000' });
    await addIdentityCheckMatter(t);
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    url = `${await t.app.getUrl()}/graphql`;
    owner = new pg.Client({ connectionString: t.databaseUrl });
    await owner.connect();
    tokens['clerkLongyou'] = await t.token({ role: 'clerk', sub: 'C-LY-FUZZ', hall: 'LONGYOU-01' });
    tokens['clerkChangning'] = await t.token({ role: 'clerk', sub: 'C-CN-FUZZ', hall: 'CHANGNING-01' });
    tokens['humanResources'] = await t.token({ role: 'department', sub: 'hr-fuzz', department: 'HUMAN_RESOURCES' });
    tokens['marketRegulation'] = await t.token({ role: 'department', sub: 'samr-fuzz', department: 'MARKET_REGULATION' });
    tokens['civilAffairs'] = await t.token({ role: 'department', sub: 'ca-fuzz', department: 'CIVIL_AFFAIRS' });
    tokens['publicSecurity'] = await t.token({ role: 'department', sub: 'ps-fuzz', department: 'PUBLIC_SECURITY' });
    tokens['liWei'] = await t.token({ role: 'citizen', sub: LI_WEI });
    tokens['guan'] = await t.token({ role: 'citizen', sub: GUAN });
    tokens['auditor'] = await t.token({ role: 'auditor', sub: 'A-FUZZ' });
    tokens['anonymous'] = undefined;

    const granted = await call(
      `mutation { grantConsent(input: { matter: "HOUSE_TRANSFER", caseNumber: "LY-FUZZ-1", hall: "LONGYOU-01" }) { id token } }`,
      undefined,
      tokens['liWei'],
    );
    expect(granted.body?.errors).toBeUndefined();
    grant = granted.body!.data!['grantConsent'];

    const ISSUE = `mutation($input: IssueCertificateInput!) { issueCertificate(input: $input) { id credential sdJwt } }`;
    // Civil Affairs builds a marriage certificate partly from Public Security's records: it issues under MARRIAGE_REGISTRATION with her consent.
    const marriageConsent = await call(
      `mutation { grantConsent(input: { matter: "MARRIAGE_REGISTRATION", departments: ["CIVIL_AFFAIRS"] }) { id } }`,
      undefined,
      tokens['liWei'],
    );
    const purposes: Record<string, { matter: string; caseNumber: string; consent: string }> = {
      MARRIAGE_CERTIFICATE: { matter: 'MARRIAGE_REGISTRATION', caseNumber: 'MR-FUZZ-1', consent: marriageConsent.body!.data!['grantConsent'].id },
    };
    const issue = async (token: string | undefined, type: string, key: string) => {
      const res = await call(ISSUE, { input: { type, holder: LI_WEI, idempotencyKey: key, purpose: purposes[type] } }, token);
      expect(res.body?.errors).toBeUndefined();
      return res.body!.data!['issueCertificate'] as { id: string; credential: string; sdJwt: string };
    };
    const marriage = await issue(tokens['civilAffairs'], 'MARRIAGE_CERTIFICATE', 'fuzz-marriage');
    const household = await issue(tokens['publicSecurity'], 'HOUSEHOLD_REGISTER_EXTRACT', 'fuzz-household');
    const revoked = await issue(tokens['civilAffairs'], 'MARRIAGE_CERTIFICATE', 'fuzz-marriage-revoked');
    const revoke = await call(`mutation($id: ID!) { revokeCertificate(id: $id, reason: "fuzz") { status } }`, { id: revoked.id }, tokens['civilAffairs']);
    expect(revoke.body?.errors).toBeUndefined();
    certificateIds = [marriage.id, household.id, revoked.id];
    credentials = {
      marriage: marriage.credential,
      marriageSd: marriage.sdJwt,
      household: household.credential,
      householdSd: household.sdJwt,
      revoked: revoked.credential,
    };
  });

  afterAll(async () => {
    await owner?.end();
    await t?.close();
  });

  /** One POST /graphql with keep-alive, as a client sends it. */
  async function post(body: string, token?: string, contentType = 'application/json'): Promise<Answer> {
    const headers: Record<string, string> = { 'content-type': contentType };
    if (token) headers['authorization'] = `Bearer ${token}`;
    const res = await fetch(url, { method: 'POST', headers, body });
    const text = await res.text();
    let parsed: Answer['body'];
    try {
      parsed = JSON.parse(text) as Answer['body'];
    } catch {
      parsed = undefined;
    }
    return { status: res.status, text, body: parsed, requestId: res.headers.get('x-request-id') ?? '', sent: body };
  }

  function call(query: string, variables?: Record<string, unknown>, token?: string): Promise<Answer> {
    return post(JSON.stringify(variables === undefined ? { query } : { query, variables }), token);
  }

  interface LedgerRow {
    kind: string;
    subject_id: string | null;
    items_granted: string[];
    outcome: string;
  }
  const ledgerOf = async (requestId: string): Promise<LedgerRow[]> =>
    (await owner.query<LedgerRow>(`SELECT kind, subject_id, items_granted, outcome FROM onegate.ledger_entry WHERE request_id = $1`, [requestId])).rows;

  /**
   * Every record field of a view that came back non-null (an empty list too: it says the department
   * holds nothing) has a DATA_ACCESS entry of this request for this subject granting its item;
   * certificates and materials covered by data likewise; a nested spouse is its own subject.
   */
  async function expectLedgered(answer: Answer, subject: string, view: Record<string, any>, fields: Readonly<Record<string, string>>): Promise<void> {
    const entries = await ledgerOf(answer.requestId);
    const granted = (item: string, who: string) =>
      entries.some(
        (e) => e.kind === 'DATA_ACCESS' && e.subject_id === who && e.items_granted.includes(item) && e.outcome !== 'DENIED' && e.outcome !== 'FAILED',
      );
    const walk = (who: string, v: Record<string, any>) => {
      for (const [key, value] of Object.entries(v)) {
        if (value === null || value === undefined) continue;
        const item = fields[key];
        if (item && !granted(item, who)) failWith(`${key} of ${who} released without a ledger entry granting ${item}`, answer);
        if (key === 'certificates') {
          for (const certificate of value as Array<{ type: string }>) {
            if (!granted(`certificate.${certificate.type}`, who)) failWith(`certificate ${certificate.type} of ${who} released without a ledger entry`, answer);
          }
        }
        if (key === 'materials') {
          for (const material of value as Array<{ dataItems?: string[] }>) {
            for (const item of material.dataItems ?? [])
              if (!granted(item, who)) failWith(`material covered by ${item} of ${who} without a ledger entry`, answer);
          }
        }
        if (key === 'marriage' && value.spouse) {
          const spouse = value.spouse as Record<string, any>;
          walk(spouse['idNumber'], spouse);
        }
      }
    };
    if (view['idNumber'] !== undefined && view['idNumber'] !== subject && view['creditCode'] === undefined)
      failWith(`the view is of ${view['idNumber']}, not ${subject}`, answer);
    walk(subject, view);
  }

  const run = <T>(arbitrary: fc.Arbitrary<T>, numRuns: number, predicate: (value: T) => Promise<void>) =>
    fc.assert(fc.asyncProperty(arbitrary, predicate), { numRuns: Math.ceil(numRuns * RUNS), seed: SEED });

  it(
    'citizen(idNumber): arbitrary and near-valid ID numbers, as variables and as literals',
    async () => {
      const SELECTION = 'idNumber person { name birthDate source { dataItem } } household { householdNumber }';
      let released = 0;
      await run(fc.tuple(idInputArb, fc.boolean(), fc.integer({ min: 1, max: 1_000_000 })), 300, async ([id, asLiteral, n]) => {
        const purpose = { matter: IDENTITY_CHECK, caseNumber: `FZ-ID-${n}` };
        const answer = asLiteral
          ? await call(`query($p: PurposeInput!) { citizen(idNumber: ${literal(id)}, purpose: $p) { ${SELECTION} } }`, { p: purpose }, tokens['clerkLongyou'])
          : await call(
              `query($id: IdNumber!, $p: PurposeInput!) { citizen(idNumber: $id, purpose: $p) { ${SELECTION} } }`,
              { id, p: purpose },
              tokens['clerkLongyou'],
            );
        expectClientAnswer(answer);
        const parsed = parseIdNumber(id);
        const view = answer.body?.data?.['citizen'] as Record<string, any> | null | undefined;
        if (!parsed.ok) {
          // Refused at the scalar: nothing looked up, nothing in the ledger.
          if (view) failWith('an invalid ID number was looked up', answer);
          const error = answer.body?.errors?.[0];
          if (error?.extensions?.['code'] !== 'BAD_USER_INPUT' && error?.extensions?.['code'] !== 'GRAPHQL_VALIDATION_FAILED')
            failWith('an invalid ID number without BAD_USER_INPUT', answer);
          if ((await ledgerOf(answer.requestId)).length > 0) failWith('a refused ID number has a ledger entry', answer);
          // The ID number is personal data: a refusal never quotes it back.
          if (id.trim().length >= 6 && answer.text.includes(id.trim())) failWith('the refusal echoes the ID number', answer);
        } else {
          if (answer.status !== 200 || !view) failWith('a valid ID number was not looked up', answer);
          if (view['idNumber'] !== parsed.value) failWith(`looked up ${view['idNumber']}, not ${parsed.value}`, answer);
          await expectLedgered(answer, parsed.value, view, CITIZEN_FIELD_ITEMS);
          if ((await ledgerOf(answer.requestId)).filter((e) => e.kind === 'DATA_ACCESS').length !== 1) failWith('one lookup, not one ledger entry', answer);
          if (view['person']) released++;
        }
      });
      // Not vacuous: some lookups did release records (the demo people of Longyou).
      expect(released).toBeGreaterThan(0);
    },
    TIMEOUT,
  );

  it(
    'enterprise(creditCode): arbitrary and near-valid credit codes',
    async () => {
      const SELECTION = 'creditCode registration { name status source { dataItem } } licences { number validUntil }';
      let released = 0;
      await run(
        fc.tuple(creditInputArb, fc.boolean(), fc.constantFrom('clerkLongyou', 'marketRegulation'), fc.integer({ min: 1, max: 1_000_000 })),
        200,
        async ([code, asLiteral, who, n]) => {
          const purpose = { matter: 'BUSINESS_LICENSE', caseNumber: `FZ-CC-${n}` };
          const answer = asLiteral
            ? await call(`query($p: PurposeInput!) { enterprise(creditCode: ${literal(code)}, purpose: $p) { ${SELECTION} } }`, { p: purpose }, tokens[who])
            : await call(
                `query($c: CreditCode!, $p: PurposeInput!) { enterprise(creditCode: $c, purpose: $p) { ${SELECTION} } }`,
                { c: code, p: purpose },
                tokens[who],
              );
          expectClientAnswer(answer);
          const parsed = parseCreditCode(code);
          const view = answer.body?.data?.['enterprise'] as Record<string, any> | null | undefined;
          if (!parsed.ok) {
            if (view) failWith('an invalid credit code was looked up', answer);
            if ((await ledgerOf(answer.requestId)).length > 0) failWith('a refused credit code has a ledger entry', answer);
          } else {
            if (answer.status !== 200 || !view) failWith('a valid credit code was not looked up', answer);
            if (view['creditCode'] !== parsed.value) failWith(`looked up ${view['creditCode']}, not ${parsed.value}`, answer);
            await expectLedgered(answer, parsed.value, view, ENTERPRISE_FIELD_ITEMS);
            if (view['registration']) released++;
          }
        },
      );
      expect(released).toBeGreaterThan(0);
    },
    TIMEOUT,
  );

  it(
    'citizen(purpose): arbitrary matters, case numbers and consents, by every kind of caller; data only with its ledger entry',
    async () => {
      const consentArb = fc.oneof(
        { weight: 2, arbitrary: fc.constant(undefined) },
        fc.constant(null),
        { weight: 2, arbitrary: fc.constantFrom(grant.id, grant.id.toUpperCase(), grant.token, ` ${grant.id}`, `${grant.token}x`) },
        fc.integer({ min: 0, max: grant.token.length - 1 }).chain((i) =>
          fc
            .constantFrom(...BASE64URL.split(''))
            .filter((c) => c !== grant.token[i])
            .map((c) => replaceAt(grant.token, i, c)),
        ),
        fc.uuid(),
        fc.uuid().map((u) => u.toUpperCase()),
        jwtLikeArb,
        anyStringArb,
        fc.integer({ min: 2040, max: 4200 }).map((n) => `${b64json({ alg: 'EdDSA', typ: 'onegate-consent+jwt' })}.${'A'.repeat(n)}.AAAA`),
        fc.integer({ min: 4090, max: 4200 }).map((n) => 'c'.repeat(n)),
      );
      const caseArb = fc.oneof(
        { weight: 2, arbitrary: fc.constantFrom('LY-FUZZ-1', 'LY-FUZZ-2', 'CN/2026.7_a') },
        { weight: 2, arbitrary: fc.stringMatching(CASE_NUMBER_PATTERN) },
        fc.constant(undefined),
        fc.constant(null),
        fc.string({ unit: 'grapheme', maxLength: 70 }),
        fc.integer({ min: 60, max: 5000 }).map((n) => `A${'1'.repeat(n)}`),
        fc.constantFrom('', '-LY', 'LY 1', 'LY-２０２６', 'LY\n1', '受理-1', '../../etc/passwd', 'LY-1; DROP TABLE x'),
      );
      const matterArb = fc.oneof(
        { weight: 5, arbitrary: fc.constantFrom(...MATTERS) },
        fc.stringMatching(/^[A-Z][A-Z0-9_]{0,63}$/),
        fc.constantFrom('house_transfer', '', ' HOUSE_TRANSFER', 'HOUSE_TRANSFER\n', 'HOUSE TRANSFER', 'Ｈ', 'A'.repeat(65), '__proto__'),
        anyStringArb,
      );
      const callerArb = fc.constantFrom('clerkLongyou', 'clerkLongyou', 'clerkChangning', 'humanResources', 'liWei', 'guan', 'auditor', 'anonymous');
      const selection = {
        fields: fc.subarray(CITIZEN_FIELDS, { minLength: 1 }),
        spouse: fc.option(fc.subarray(Object.keys(RECORD_SELECTIONS), { minLength: 1 }), { nil: null }),
      };
      const arb = fc.oneof(
        // Anything at all.
        fc.record({
          who: callerArb,
          subject: fc.oneof({ weight: 4, arbitrary: fc.constantFrom(LI_WEI, ZHANG_HAO, GUAN) }, knownIdArb, validIdArb),
          matter: matterArb,
          caseNumber: caseArb,
          consent: consentArb,
          ...selection,
        }),
        // Purposes a Longyou window might state, some of which release records: the ledger check bites there.
        fc.record({
          who: fc.constantFrom('clerkLongyou', 'liWei'),
          subject: fc.constantFrom(LI_WEI, ZHANG_HAO, '330825202609180842'),
          matter: fc.constantFrom('HOUSE_TRANSFER', 'SENIOR_CERTIFICATE', 'DECEASED_AFFAIRS', 'SELF_SERVICE', 'MARRIAGE_REGISTRATION', IDENTITY_CHECK),
          caseNumber: fc.constantFrom('LY-FUZZ-1', 'LY-FUZZ-2', undefined),
          consent: fc.constantFrom(grant.id, grant.token, undefined),
          ...selection,
        }),
      );
      let released = 0;
      await run(arb, 500, async ({ who, subject, matter, caseNumber, consent, fields, spouse }) => {
        const purpose: Record<string, unknown> = { matter };
        if (caseNumber !== undefined) purpose['caseNumber'] = caseNumber;
        if (consent !== undefined) purpose['consent'] = consent;
        const query = `query($id: IdNumber!, $p: PurposeInput!) { citizen(idNumber: $id, purpose: $p) { ${citizenSelection(fields, spouse)} } }`;
        const answer = await call(query, { id: subject, p: purpose }, tokens[who]);
        expectClientAnswer(answer);
        const view = answer.body?.data?.['citizen'] as Record<string, any> | null | undefined;
        if (view) await expectLedgered(answer, subject, view, CITIZEN_FIELD_ITEMS);
        if (who === 'anonymous' && view) failWith('a lookup without a token', answer);
        const records = view ? Object.keys(RECORD_SELECTIONS).filter((f) => view[f] !== null && view[f] !== undefined) : [];
        if (records.length > 0) released++;
        if (who === 'auditor' && records.length > 0) failWith('an auditor read records', answer);
        if (!MATTERS.includes(matter) && records.length > 0) failWith('records under a matter the catalog does not have', answer);
      });
      expect(released).toBeGreaterThan(0);
    },
    TIMEOUT,
  );

  it(
    'random query documents within the limits: selections, aliases, fragments, directives and variables of the wrong type',
    async () => {
      type Selection = Array<{ field: string; alias?: string; directive?: string }>;
      // Mostly valid documents (so that records come back and are checked), some not.
      const sometimes = <T>(arbitrary: fc.Arbitrary<T>) => fc.oneof({ weight: 3, arbitrary: fc.constant(undefined) }, arbitrary);
      const selectionArb = (fields: readonly string[]): fc.Arbitrary<Selection> =>
        fc.array(
          fc.record({
            field: fc.oneof({ weight: 12, arbitrary: fc.constantFrom(...fields) }, fc.constantFrom('__typename', 'nope')),
            alias: sometimes(fc.constantFrom('a', 'b', 'p', 'idNumber', 'person', 'registration')),
            directive: sometimes(fc.constantFrom('@include(if: $flag)', '@skip(if: $flag)', '@include(if: true)', '@skip(if: false)', '@deprecated')),
          }),
          { minLength: 1, maxLength: 6 },
        );
      const lookupArb = fc
        .oneof(
          {
            weight: 2,
            arbitrary: fc.record({
              root: fc.constant('citizen' as const),
              selection: selectionArb(CITIZEN_FIELDS),
              spouse: fc.option(selectionArb(Object.keys(RECORD_SELECTIONS)), { nil: undefined }),
            }),
          },
          fc.record({ root: fc.constant('enterprise' as const), selection: selectionArb(Object.keys(ENTERPRISE_SELECTIONS)), spouse: fc.constant(undefined) }),
        )
        .chain((lookup) =>
          fc.record({
            root: fc.constant(lookup.root),
            selection: fc.constant(lookup.selection),
            spouse: fc.constant(lookup.spouse),
            // Several lookups need aliases of their own; the same alias twice is a conflict.
            alias: fc.oneof({ weight: 6, arbitrary: fc.constant('own') }, fc.constantFrom(undefined, 'x', 'citizen')),
            inline: fc.boolean(),
            wrap: fc.constantFrom('none', 'inline', 'named'),
          }),
        );
      const variableArb = <T>(right: fc.Arbitrary<T>) =>
        fc.oneof({ weight: 8, arbitrary: right as fc.Arbitrary<unknown> }, wrongTypeArb, fc.constant(undefined));
      const purposeArb = fc.oneof(
        {
          weight: 4,
          arbitrary: fc.record({
            matter: fc.constantFrom(IDENTITY_CHECK, 'SENIOR_CERTIFICATE', 'HOUSE_TRANSFER', 'BUSINESS_LICENSE', 'SELF_SERVICE'),
            caseNumber: fc.constantFrom('FZ-DOC-1', 'FZ-DOC-2'),
            consent: fc.constantFrom(grant.id, undefined),
          }),
        },
        fc.record({ matter: wrongTypeArb }),
        fc.record({ matter: fc.constant(IDENTITY_CHECK), caseNumber: fc.constant('FZ-DOC-3'), extra: wrongTypeArb }),
        wrongTypeArb,
      );
      const docArb = fc.record({
        lookups: fc.oneof({ weight: 8, arbitrary: fc.array(lookupArb, { minLength: 1, maxLength: 3 }) }, fc.array(lookupArb, { minLength: 4, maxLength: 4 })),
        unusedDeclaration: fc.boolean(),
        idType: fc.oneof({ weight: 6, arbitrary: fc.constant('IdNumber!') }, fc.constantFrom('IdNumber', 'String!', 'Int')),
        named: fc.boolean(),
        variables: fc.record({
          id: variableArb(fc.oneof({ weight: 3, arbitrary: knownIdArb }, nearIdArb)),
          cc: variableArb(fc.constant(SUPERMARKET)),
          p: variableArb(purposeArb),
          flag: variableArb(fc.boolean()),
          unused: fc.option(wrongTypeArb, { nil: undefined }),
        }),
        who: fc.constantFrom('clerkLongyou', 'clerkLongyou', 'liWei', 'marketRegulation', 'anonymous'),
      });
      const innerOf = (field: string) => RECORD_SELECTIONS[field] ?? EXTRA_SELECTIONS[field] ?? ENTERPRISE_SELECTIONS[field];
      const render = (selection: Selection, spouse?: Selection): string =>
        selection
          .map(({ field, alias, directive }) => {
            const inner = field === 'marriage' && spouse ? `${RECORD_SELECTIONS['marriage']} spouse { idNumber ${render(spouse)} }` : innerOf(field);
            return `${alias ? `${alias}: ` : ''}${field}${directive ? ` ${directive}` : ''}${inner ? ` { ${inner} }` : ''}`;
          })
          .join(' ');
      /** The response keys of selections (aliases included) and the fields they stand for. */
      const keysOf = (selections: Selection[]) => new Map(selections.flat().map(({ field, alias }) => [alias ?? field, field]));
      /** A view with its aliases replaced by the fields they stand for, the spouse's too. */
      const unaliased = (view: Record<string, any>, keys: Map<string, string>, spouseKeys: Map<string, string>): Record<string, any> => {
        const out: Record<string, any> = {};
        for (const [key, value] of Object.entries(view)) {
          const field = keys.get(key) ?? key;
          const canonical = field === 'marriage' && value?.spouse ? { ...value, spouse: unaliased(value.spouse, spouseKeys, new Map()) } : value;
          // One field under two keys resolves the same way; the non-null answer is the one to account for.
          if (out[field] === undefined || out[field] === null) out[field] = canonical;
        }
        return out;
      };
      let released = 0;
      await run(docArb, 400, async ({ lookups: drawn, unusedDeclaration, idType, named, variables, who }) => {
        const fragments: string[] = [];
        const lookups = drawn.map((lookup, i) => ({ ...lookup, alias: lookup.alias === 'own' ? `l${i}` : lookup.alias }));
        const roots = lookups.map((lookup, i) => {
          const args =
            lookup.root === 'citizen'
              ? lookup.inline
                ? `idNumber: ${literal(typeof variables.id === 'string' ? variables.id : LI_WEI)}, purpose: { matter: "${IDENTITY_CHECK}", caseNumber: "FZ-DOC-4" }`
                : 'idNumber: $id, purpose: $p'
              : lookup.inline
                ? `creditCode: ${literal(SUPERMARKET)}, purpose: { matter: "BUSINESS_LICENSE", caseNumber: "FZ-DOC-5" }`
                : 'creditCode: $cc, purpose: $p';
          const type = lookup.root === 'citizen' ? 'CitizenView' : 'EnterpriseView';
          const body = `${lookup.root === 'citizen' ? 'idNumber' : 'creditCode'} ${render(lookup.selection, lookup.spouse)}`;
          const set = lookup.wrap === 'none' ? body : lookup.wrap === 'inline' ? `... on ${type} { ${body} }` : `...F${i}`;
          if (lookup.wrap === 'named') fragments.push(`fragment F${i} on ${type} { ${body} }`);
          return `${lookup.alias ? `${lookup.alias}: ` : ''}${lookup.root}(${args}) { ${set} }`;
        });
        const body = `{ ${roots.join(' ')} } ${fragments.join(' ')}`;
        // Declared: the variables used, and now and then one that is not (a validation error).
        const declared = Object.entries({ id: idType, cc: 'CreditCode', p: 'PurposeInput', flag: 'Boolean' }).filter(
          ([name]) => unusedDeclaration || body.includes(`$${name}`),
        );
        const declarations = declared.length ? `(${declared.map(([name, type]) => `$${name}: ${type}`).join(', ')})` : '';
        const query = `query${named ? ' Fuzz' : ''}${declarations} ${body}`;
        const sent: Record<string, unknown> = {};
        for (const [key, value] of Object.entries(variables)) if (value !== undefined) sent[key] = value;
        const answer = await call(query, sent, tokens[who]);
        expectClientAnswer(answer);
        // Whatever came back, under whichever alias: every record with its ledger entry.
        for (const [key, value] of Object.entries(answer.body?.data ?? {})) {
          if (!value || typeof value !== 'object') continue;
          const merged = lookups.filter((l) => (l.alias ?? l.root) === key);
          if (merged.length === 0) failWith(`an answer under ${key}, which was not asked for`, answer);
          const keys = keysOf(merged.map((l) => l.selection));
          const spouseKeys = keysOf(merged.flatMap((l) => (l.spouse ? [l.spouse] : [])));
          const view = unaliased(value as Record<string, any>, keys, spouseKeys);
          const enterprise = merged[0]!.root === 'enterprise';
          const subject = view[enterprise ? 'creditCode' : 'idNumber'] as string | undefined;
          if (!subject) failWith('a view without its subject', answer);
          await expectLedgered(answer, subject, view, enterprise ? ENTERPRISE_FIELD_ITEMS : CITIZEN_FIELD_ITEMS);
          if (Object.keys(enterprise ? ENTERPRISE_FIELD_ITEMS : CITIZEN_FIELD_ITEMS).some((f) => view[f])) released++;
        }
      });
      expect(released).toBeGreaterThan(0);
    },
    TIMEOUT,
  );

  it(
    'verifyCertificate: random strings and JWT-looking strings are answered valid: false',
    async () => {
      const sdJwtLikeArb = fc
        .tuple(
          jwtLikeArb,
          fc.array(fc.oneof(fc.base64String({ maxLength: 30 }), fc.tuple(fc.string(), fc.string(), fc.jsonValue({ maxDepth: 1 })).map(b64json)), {
            maxLength: 4,
          }),
          fc.boolean(),
        )
        .map(([jws, disclosures, trailing]) => `${[jws, ...disclosures].join('~')}${trailing ? '~' : ''}`);
      const arb = fc.oneof(
        anyStringArb,
        jwtLikeArb,
        sdJwtLikeArb,
        fc.string({ unit: 'binary', maxLength: 300 }),
        fc.constantFrom('.', '..', '...', '~', '~~', 'a.b.c', 'a.b.c~', '.~.', '=.=.=', `${'A'.repeat(10)}.${'B'.repeat(10)}.${'C'.repeat(86)}`),
        fc.integer({ min: 64 * 1024 - 2, max: 64 * 1024 + 2 }).map((n) => 'e'.repeat(n)),
        // A forged header over a real chain: alg none, HS256 keyed with the public certificate, a fresh ES256 key.
        fc
          .tuple(fc.constantFrom('none', 'HS256', 'ES256-fresh', 'ES256-no-x5c'), fc.constantFrom('marriage', 'household'))
          .map(([how, which]) => forge(how, credentials[which as 'marriage' | 'household'])),
      );
      await run(arb, 300, async (credential) => {
        const answer = await call(
          `query($c: String!) { verifyCertificate(credential: $c) { valid format identifier claims integrity { ok reason message } status { ok state reason } issuer { ok department } } }`,
          { c: credential },
        );
        expectClientAnswer(answer, [200]);
        if (answer.body?.errors) failWith('verifyCertificate answered with an error', answer);
        const result = answer.body!.data!['verifyCertificate'];
        if (result.valid !== false || result.integrity.ok !== false) failWith('a made-up credential verified', answer);
        if (Object.keys(result.claims).length > 0) failWith('claims of a credential that failed integrity', answer);
        if (!(await ledgerOf(answer.requestId)).some((e) => e.kind === 'CERTIFICATE_VERIFY')) failWith('a verification without a ledger entry', answer);
      });
    },
    TIMEOUT,
  );

  it(
    'verifyCertificate: a real credential altered in any way never verifies; its honest presentations do',
    async () => {
      type Tamper = { credential: string; control: boolean; disclosed?: string[] };
      const sources = () => fc.constantFrom<keyof typeof credentials>('marriage', 'marriageSd', 'household', 'householdSd', 'revoked');
      const arb: fc.Arbitrary<Tamper> = fc.oneof(
        // One character changed, inserted or removed, anywhere.
        sources().chain((key) => {
          const original = credentials[key];
          return fc
            .tuple(
              fc.integer({ min: 0, max: original.length - 1 }),
              fc.oneof(fc.constantFrom(...BASE64URL.split(''), '.', '~', '=', ' ', '+', '/'), fc.string({ unit: 'grapheme', minLength: 1, maxLength: 1 })),
              fc.constantFrom('flip', 'insert', 'delete'),
            )
            .map(([i, c, op]) => ({
              credential:
                op === 'flip'
                  ? replaceAt(original, i, c === original[i] ? (c === 'A' ? 'B' : 'A') : c)
                  : op === 'insert'
                    ? insertAt(original, i, c)
                    : original.slice(0, i) + original.slice(i + 1),
              control: false,
            }));
        }),
        // Cut short anywhere but right after a "~" (that is a presentation: a control below).
        sources().chain((key) => {
          const original = credentials[key];
          return fc
            .integer({ min: 0, max: original.length - 1 })
            .filter((i) => original[i - 1] !== '~')
            .map((i) => ({ credential: original.slice(0, i), control: false }));
        }),
        // The JWS parts permuted, or spliced from two credentials.
        fc
          .tuple(sources(), sources(), fc.constantFrom('swap01', 'swap12', 'rotate', 'header', 'payload', 'signature'))
          .map(([a, b, how]) => {
            const [jwsA, ...restA] = credentials[a].split('~');
            const [jwsB] = credentials[b].split('~');
            const [h, p, s] = jwsA!.split('.') as [string, string, string];
            const [hb, pb, sb] = jwsB!.split('.') as [string, string, string];
            const jws = { swap01: [p, h, s], swap12: [h, s, p], rotate: [s, h, p], header: [hb, p, s], payload: [h, pb, s], signature: [h, p, sb] }[how].join(
              '.',
            );
            // Two credentials of one department share their header: that splice changes nothing.
            return { credential: [jws, ...restA].join('~'), control: false, same: jws === jwsA };
          })
          .filter(({ same }) => !same)
          .map(({ credential }) => ({ credential, control: false })),
        // SD-JWT: a disclosure repeated, one from the other credential, or an edited one.
        fc
          .tuple(fc.constantFrom<'marriageSd' | 'householdSd'>('marriageSd', 'householdSd'), fc.constantFrom('repeat', 'foreign', 'edit'), fc.nat())
          .map(([key, how, n]) => {
            const parts = credentials[key].split('~').slice(0, -1);
            const disclosures = parts.slice(1);
            const pick = disclosures[n % disclosures.length]!;
            const other = credentials[key === 'marriageSd' ? 'householdSd' : 'marriageSd'].split('~').slice(1, -1);
            let extra: string;
            if (how === 'repeat') extra = pick;
            else if (how === 'foreign') extra = other[n % other.length]!;
            else {
              const [salt, name] = JSON.parse(Buffer.from(pick, 'base64url').toString('utf8')) as [string, string, unknown];
              extra = b64json([salt, name, 'altered']);
            }
            return { credential: `${[...parts, extra].join('~')}~`, control: false };
          }),
        // The payload edited under the original signature.
        fc.tuple(sources(), fc.constantFrom('certificateType', 'validUntil', 'issuer', 'credentialSubject', 'vct', 'exp', '_sd')).map(([key, claim]) => {
          const [jws, ...rest] = credentials[key].split('~');
          const [h, p, s] = jws!.split('.') as [string, string, string];
          const payload = JSON.parse(Buffer.from(p, 'base64url').toString('utf8')) as Record<string, unknown>;
          payload[claim] =
            claim === 'exp'
              ? 4102444800
              : claim === '_sd'
                ? []
                : claim === 'credentialSubject'
                  ? { id: 'x', maritalStatus: 'UNMARRIED' }
                  : 'urn:onegate:department:HEALTH';
          return { credential: [`${h}.${b64json(payload)}.${s}`, ...rest].join('~'), control: false };
        }),
        // Controls: honest presentations (any subset, any order) must still verify.
        fc.tuple(fc.constantFrom<'marriageSd' | 'householdSd'>('marriageSd', 'householdSd'), fc.nat(), fc.boolean()).map(([key, mask, shuffle]) => {
          const names = credentials[key]
            .split('~')
            .slice(1, -1)
            .map((d) => (JSON.parse(Buffer.from(d, 'base64url').toString('utf8')) as [string, string])[1]);
          const chosen = names.filter((_, i) => (mask >> i) & 1);
          let presentation = presentSdJwt(credentials[key], chosen);
          if (shuffle) {
            const [jws, ...disclosures] = presentation.split('~').slice(0, -1);
            presentation = `${[jws, ...disclosures.reverse()].join('~')}~`;
          }
          return { credential: presentation, control: true, disclosed: chosen };
        }),
      );
      let controls = 0;
      await run(arb, 300, async ({ credential, control, disclosed }) => {
        const answer = await call(`query($c: String!) { verifyCertificate(credential: $c) { valid claims integrity { ok reason } status { state } } }`, {
          c: credential,
        });
        expectClientAnswer(answer, [200]);
        if (answer.body?.errors) failWith('verifyCertificate answered with an error', answer);
        const result = answer.body!.data!['verifyCertificate'];
        if (control) {
          if (result.valid !== true) failWith('an honest presentation did not verify', answer);
          if (JSON.stringify(Object.keys(result.claims).sort()) !== JSON.stringify([...disclosed!].sort()))
            failWith('a presentation showed other claims than it disclosed', answer);
          controls++;
        } else if (result.valid !== false || result.integrity.ok !== false) {
          failWith('an altered credential verified', answer);
        }
      });
      // Not vacuous: honest presentations were among the cases, and verified.
      expect(controls).toBeGreaterThan(0);
    },
    TIMEOUT,
  );

  it(
    'auditEntries, myDataAccesses, auditFlags and ledger proofs: arbitrary filters, cursors, page sizes and ranges',
    async () => {
      const cursorArb = fc.oneof(
        fc.nat({ max: 5000 }).map(encodeCursor),
        fc.constantFrom(
          '',
          'ledger:1',
          encodeCursor(Number.MAX_SAFE_INTEGER),
          Buffer.from('ledger:-1').toString('base64url'),
          Buffer.from('ledger:1e3').toString('base64url'),
          'x'.repeat(65),
        ),
        anyStringArb,
        wrongTypeArb,
      );
      const filterArb = fc.record(
        {
          subject: maybe(fc.oneof(knownIdArb, anyStringArb, fc.constant('s'.repeat(300)))),
          actor: maybe(anyStringArb),
          hall: maybe(fc.oneof(fc.constant('LONGYOU-01'), anyStringArb)),
          department: maybe(fc.oneof(fc.constant('CIVIL_AFFAIRS'), anyStringArb)),
          matter: maybe(fc.oneof(fc.constantFrom(...MATTERS), anyStringArb)),
          caseNumber: maybe(anyStringArb),
          outcome: maybe(fc.oneof(fc.constantFrom('GRANTED', 'DENIED', 'PARTIAL', 'FAILED'), anyStringArb)),
          kind: maybe(fc.oneof(fc.constantFrom('DATA_ACCESS', 'CERTIFICATE_VERIFY'), anyStringArb)),
          from: maybe(fc.oneof(dateTimeArb, anyStringArb, wrongTypeArb)),
          to: maybe(fc.oneof(dateTimeArb, anyStringArb, wrongTypeArb)),
        },
        { requiredKeys: [] },
      );
      const firstArb = maybe(fc.oneof(fc.integer({ min: -5, max: 300 }), fc.constantFrom(0, 2_147_483_647, -2_147_483_648), fc.double(), wrongTypeArb));
      const sizeArb = fc.oneof(fc.integer({ min: -3, max: 20_000 }), fc.constantFrom(0, 1, 2_147_483_647), wrongTypeArb);
      const arb = fc.oneof(
        fc.record({
          kind: fc.constant('auditEntries' as const),
          first: firstArb,
          after: maybe(cursorArb),
          last: firstArb,
          before: maybe(cursorArb),
          filter: fc.oneof(fc.constant(undefined), fc.constant(null), filterArb, wrongTypeArb),
        }),
        fc.record({ kind: fc.constant('myDataAccesses' as const), first: firstArb, after: maybe(cursorArb), last: firstArb, before: maybe(cursorArb) }),
        fc.record({
          kind: fc.constant('auditFlags' as const),
          from: maybe(fc.oneof(dateTimeArb, anyStringArb)),
          to: maybe(fc.oneof(dateTimeArb, anyStringArb)),
        }),
        fc.record({ kind: fc.constant('inclusion' as const), a: sizeArb, b: sizeArb }),
        fc.record({ kind: fc.constant('consistency' as const), a: sizeArb, b: sizeArb }),
      );
      const QUERIES = {
        auditEntries: [
          `query($first: Int, $after: String, $last: Int, $before: String, $filter: AuditEntryFilter) { auditEntries(first: $first, after: $after, last: $last, before: $before, filter: $filter) { edges { cursor node { index kind subject { id } } } pageInfo { startCursor endCursor hasNextPage hasPreviousPage } } }`,
          'auditor',
        ],
        myDataAccesses: [
          `query($first: Int, $after: String, $last: Int, $before: String) { myDataAccesses(first: $first, after: $after, last: $last, before: $before) { edges { cursor node { index matter items } } pageInfo { startCursor endCursor hasNextPage hasPreviousPage } } }`,
          'liWei',
        ],
        auditFlags: [`query($from: DateTime, $to: DateTime) { auditFlags(from: $from, to: $to) { kind count } }`, 'auditor'],
        inclusion: [`query($a: Int!, $b: Int!) { ledgerInclusionProof(index: $a, treeSize: $b) { leafHash hashes } }`, 'auditor'],
        consistency: [`query($a: Int!, $b: Int!) { ledgerConsistencyProof(fromSize: $a, toSize: $b) { hashes } }`, 'clerkLongyou'],
      } as const;
      await run(arb, 250, async (args) => {
        const { kind, ...rest } = args;
        const variables: Record<string, unknown> = {};
        for (const [key, value] of Object.entries(rest)) if (value !== undefined) variables[key] = value;
        const [query, who] = QUERIES[kind];
        const answer = await call(query, variables, tokens[who]);
        expectClientAnswer(answer);
      });
    },
    TIMEOUT,
  );

  it(
    'the other arguments: matter codes, holders, certificate ids, disclosures, consent grants and lookups, status changes and issuance',
    async () => {
      const textArb = fc.oneof(
        anyStringArb,
        fc.stringMatching(/^[A-Z][A-Z0-9_]{0,70}$/),
        fc.uuid(),
        fc.constantFrom('\u0000', 'HOUSE_TRANSFER\u0000', `${'a'.repeat(300)}`, 'LONGYOU-01', 'HOUSE_TRANSFER', 'MARRIAGE_CERTIFICATE'),
      );
      const purposeArb = maybe(
        fc.record(
          {
            matter: fc.oneof(fc.constantFrom(...MATTERS), textArb),
            caseNumber: maybe(fc.oneof(fc.constant('FZ-OTHER-1'), textArb)),
            consent: maybe(fc.oneof(fc.constant(grant.id), textArb)),
          },
          { requiredKeys: ['matter'] },
        ),
      );
      // Real certificates are read and presented, never changed: the verification properties rely on them.
      const readableIdArb = fc.oneof(
        textArb,
        fc.constantFrom(...certificateIds),
        fc.constantFrom(...certificateIds).map((id) => id.toUpperCase()),
      );
      const arb = fc.oneof(
        fc.record({ op: fc.constant('matter' as const), who: fc.constantFrom('clerkLongyou', 'anonymous'), variables: fc.record({ code: textArb }) }),
        fc.record({
          op: fc.constant('certificates' as const),
          who: fc.constantFrom('liWei', 'civilAffairs', 'clerkLongyou'),
          variables: fc.record({ holder: fc.oneof(textArb, idInputArb, creditInputArb), purpose: purposeArb }),
        }),
        fc.record({
          op: fc.constant('certificate' as const),
          who: fc.constantFrom('liWei', 'civilAffairs', 'clerkLongyou', 'guan'),
          variables: fc.record({ id: readableIdArb, purpose: purposeArb }),
        }),
        fc.record({
          op: fc.constant('presentation' as const),
          who: fc.constantFrom('liWei', 'civilAffairs', 'guan'),
          variables: fc.record({
            id: readableIdArb,
            disclose: fc.array(fc.oneof(textArb, fc.constantFrom('registeredOn', 'maritalStatus', '__proto__', 'idNumber')), { maxLength: 5 }),
          }),
        }),
        fc.record({
          op: fc.constant('grantConsent' as const),
          who: fc.constant('guan'),
          variables: fc.record({
            input: fc.record(
              { matter: fc.oneof(fc.constantFrom(...MATTERS), textArb), caseNumber: maybe(textArb), hall: maybe(textArb), expiresAt: maybe(dateTimeArb) },
              { requiredKeys: ['matter'] },
            ),
          }),
        }),
        fc.record({
          op: fc.constant('covering' as const),
          who: fc.constantFrom('clerkLongyou', 'humanResources', 'liWei'),
          variables: fc.record({
            idNumber: fc.oneof(knownIdArb, idInputArb),
            matter: fc.oneof(fc.constantFrom(...MATTERS), textArb),
            caseNumber: fc.oneof(fc.constantFrom('LY-FUZZ-1', 'LY-FUZZ-2'), textArb),
          }),
        }),
        fc.record({ op: fc.constant('revokeConsent' as const), who: fc.constantFrom('guan', 'liWei'), variables: fc.record({ id: textArb }) }),
        fc.record({
          op: fc.constantFrom('revoke' as const, 'suspend' as const, 'reinstate' as const),
          who: fc.constantFrom('civilAffairs', 'liWei'),
          variables: fc.record({ id: textArb, reason: textArb }),
        }),
        fc.record({
          op: fc.constant('issue' as const),
          who: fc.constantFrom('civilAffairs', 'clerkLongyou'),
          variables: fc.record({
            input: fc.record(
              {
                type: fc.oneof(fc.constantFrom('MARRIAGE_CERTIFICATE', 'HOUSEHOLD_REGISTER_EXTRACT', 'BUSINESS_LICENCE'), textArb),
                holder: fc.oneof(idInputArb, creditInputArb),
                idempotencyKey: fc.oneof(fc.stringMatching(/^[A-Za-z0-9._:-]{1,128}$/), textArb),
                replaces: maybe(textArb),
                purpose: purposeArb,
              },
              { requiredKeys: ['type', 'holder', 'idempotencyKey'] },
            ),
          }),
        }),
      );
      const DOCUMENTS = {
        matter: `query($code: String!) { matter(code: $code) { code roles } }`,
        certificates: `query($holder: String!, $purpose: PurposeInput) { certificates(holder: $holder, purpose: $purpose) { id type claims } }`,
        certificate: `query($id: ID!, $purpose: PurposeInput) { certificate(id: $id, purpose: $purpose) { id type claims } }`,
        presentation: `query($id: ID!, $disclose: [String!]!) { certificatePresentation(id: $id, disclose: $disclose) }`,
        grantConsent: `mutation($input: GrantConsentInput!) { grantConsent(input: $input) { id matter caseNumber hall expiresAt } }`,
        covering: `query($idNumber: IdNumber!, $matter: String!, $caseNumber: String!) { consentsCovering(idNumber: $idNumber, matter: $matter, caseNumber: $caseNumber) { id matter caseNumber hall } }`,
        revokeConsent: `mutation($id: ID!) { revokeConsent(id: $id) { id status } }`,
        revoke: `mutation($id: ID!, $reason: String!) { revokeCertificate(id: $id, reason: $reason) { id status } }`,
        suspend: `mutation($id: ID!, $reason: String!) { suspendCertificate(id: $id, reason: $reason) { id status } }`,
        reinstate: `mutation($id: ID!, $reason: String) { reinstateCertificate(id: $id, reason: $reason) { id status } }`,
        issue: `mutation($input: IssueCertificateInput!) { issueCertificate(input: $input) { id type holder claims } }`,
      } as const;
      await run(arb, 400, async ({ op, who, variables }) => {
        const sent: Record<string, unknown> = {};
        for (const [key, value] of Object.entries(variables)) if (value !== undefined) sent[key] = value;
        const answer = await call(DOCUMENTS[op], sent, tokens[who]);
        expectClientAnswer(answer);
        const data = answer.body?.data;
        // Certificates carry a holder's claims: read only with a ledger entry of this request.
        const read = data?.['certificates']?.length > 0 || data?.['certificate'] || data?.['certificatePresentation'];
        if (read && (await ledgerOf(answer.requestId)).length === 0) failWith('a certificate read without a ledger entry', answer);
      });
    },
    TIMEOUT,
  );

  it(
    'the HTTP layer: arbitrary bodies and content types are refused with a 4xx, never a 5xx',
    async () => {
      const arb = fc.record({
        body: fc.oneof(
          fc.string({ maxLength: 200 }),
          fc.string({ unit: 'binary', maxLength: 200 }),
          fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.stringify(v)),
          fc
            .record(
              {
                query: fc.oneof(fc.string({ maxLength: 100 }), wrongTypeArb),
                variables: fc.oneof(wrongTypeArb, fc.jsonValue({ maxDepth: 2 })),
                operationName: fc.oneof(fc.string({ maxLength: 10 }), wrongTypeArb),
              },
              { requiredKeys: [] },
            )
            .map((v) => JSON.stringify(v)),
          fc.constantFrom(
            '',
            '{',
            '[]',
            '[{}]',
            'null',
            '{"query": "{ me { id } }", "extensions": {"persistedQuery": {"version": 1, "sha256Hash": "abc"}}}',
            '{"query":"{ __typename }"}',
          ),
        ),
        contentType: fc.constantFrom(
          'application/json',
          'application/json',
          'application/json; charset=utf-8',
          'application/graphql',
          'text/plain',
          'application/x-www-form-urlencoded',
          'multipart/form-data; boundary=x',
          'application/json; charset=latin1',
        ),
        who: fc.constantFrom('clerkLongyou', 'anonymous'),
      });
      await run(arb, 150, async ({ body, contentType, who }) => {
        const answer = await post(body, tokens[who], contentType);
        // 415: a content type the gateway does not take.
        expectClientAnswer(answer, [200, 400, 415]);
      });
    },
    TIMEOUT,
  );
});

/** A credential re-signed by someone without the department's key, in one of the usual ways of trying. */
function forge(how: string, credential: string): string {
  const [h, p] = credential.split('.') as [string, string, string];
  const header = JSON.parse(Buffer.from(h, 'base64url').toString('utf8')) as Record<string, unknown>;
  const payload = JSON.parse(Buffer.from(p, 'base64url').toString('utf8')) as Record<string, unknown>;
  payload['validUntil'] = '2099-01-01T00:00:00Z';
  if (how === 'none') return `${b64json({ ...header, alg: 'none' })}.${b64json(payload)}.`;
  if (how === 'HS256') {
    const forged = `${b64json({ ...header, alg: 'HS256' })}.${b64json(payload)}`;
    const secret = Buffer.from((header['x5c'] as string[])[0]!, 'base64');
    return `${forged}.${createHmac('sha256', secret).update(forged).digest('base64url')}`;
  }
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const forgedHeader = how === 'ES256-no-x5c' ? { alg: 'ES256', typ: header['typ'], kid: header['kid'] } : header;
  const signingInput = `${b64json(forgedHeader)}.${b64json(payload)}`;
  return `${signingInput}.${sign('sha256', Buffer.from(signingInput), { key: privateKey, dsaEncoding: 'ieee-p1363' }).toString('base64url')}`;
}
