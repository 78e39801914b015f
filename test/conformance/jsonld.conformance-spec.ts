import * as vcContexts from '@digitalbazaar/credentials-context';
import jsonld from 'jsonld';
import { readFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { CertificateCatalog } from '../../src/certificates/certificate-catalog.js';
import { certificateCredential } from '../../src/certificates/certificate-credential.js';
import { buildCertificateIdentifier } from '../../src/certificates/certificate-identifier.js';
import { compileClaimsSchema, type CertificateType } from '../../src/certificates/certificate-types.js';
import { signVcJwt } from '../../src/certificates/credential/vc-jwt.js';
import { IssuingKeysService } from '../../src/certificates/issuing-keys.service.js';
import { StatusListsService } from '../../src/certificates/status-lists.service.js';
import { projectRoot } from '../../src/common/project-root.js';
import { createTestApp, type TestApp } from '../harness/test-app.js';
import { jwsParts, LI_WEI } from './support/issued-certificate.js';

/*
 * W3C VC Data Model 2.0 credentials are JSON-LD 1.1 documents: jsonld.js (Digital Bazaar's JSON-LD
 * processor) expands, in safe mode, a credential of every certificate type and both status list
 * credentials. Safe mode refuses any term or type no context defines (instead of dropping it), so
 * a claim name or type onegate's context lacks fails here. The document loader knows exactly two
 * contexts, both local: the W3C VC 2.0 context as @digitalbazaar/credentials-context ships it (not
 * onegate's copy) and onegate's context read from the repository file — which must be, byte for
 * byte, what the gateway serves at its URL. Any other URL is refused: nothing is fetched.
 */

const VC_V2 = 'https://www.w3.org/ns/credentials/v2';
const ONEGATE_V1 = 'https://w3id.org/onegate/credentials/v1';
const ONEGATE_FILE = join(projectRoot(), 'schemas', 'contexts', 'onegate-credentials-v1.jsonld');
const VOCAB = 'https://w3id.org/onegate/credentials#';
const CRED = 'https://www.w3.org/2018/credentials#';
const STATUS = 'https://www.w3.org/ns/credentials/status#';
const SCHEMA_NAME = 'https://schema.org/name';
const XSD_DATE = 'http://www.w3.org/2001/XMLSchema#date';

type Node = Record<string, unknown>;
type Expanded = Node[];

const onegateBytes = readFileSync(ONEGATE_FILE);
const loaded: string[] = [];

/** The only contexts there are: local copies, by URL. Anything else throws. */
async function documentLoader(url: string) {
  loaded.push(url);
  if (url === VC_V2) return { contextUrl: undefined, documentUrl: url, document: vcContexts.contexts.get(VC_V2)! };
  if (url === ONEGATE_V1) return { contextUrl: undefined, documentUrl: url, document: JSON.parse(onegateBytes.toString('utf8')) };
  throw new Error(`the conformance document loader has no ${url}, and fetches nothing`);
}

/** jsonld.js expansion in safe mode (@types/jsonld knows no `safe` option; jsonld 9 does). */
function expand(document: Node): Promise<Expanded> {
  const expandWith = jsonld.expand as unknown as (input: unknown, options: { safe: boolean; documentLoader: typeof documentLoader }) => Promise<Expanded>;
  return expandWith(document, { safe: true, documentLoader });
}

/** The values of an expanded property, asserting it is there. */
function values(node: Node, iri: string): Node[] {
  expect(node).toHaveProperty([iri]);
  return node[iri] as Node[];
}

/** The IRI a claim expands to: onegate's vocabulary, except `name`, which is the VC 2.0 context's. */
function claimIri(name: string): string {
  return name === 'name' ? SCHEMA_NAME : `${VOCAB}${name}`;
}

/**
 * Every non-null claim of `subject` (and every non-null field of the objects a claim lists) is
 * in the expanded subject under its IRI, with its value: none dropped, none renamed. Dates are
 * typed xsd:date. (A null claim is JSON-LD's "no value": it expands to nothing.)
 */
function expectClaimsExpanded(type: CertificateType, subject: Node, expanded: Node): void {
  for (const [name, value] of Object.entries(subject)) {
    if (name === 'id') {
      expect(expanded['@id']).toBe(value);
      continue;
    }
    if (value === null) continue;
    const found = values(expanded, claimIri(name));
    if (Array.isArray(value) && value.every((item) => typeof item === 'object' && item !== null)) {
      expect(found).toHaveLength(value.length);
      for (const item of value as Node[]) {
        for (const [field, fieldValue] of Object.entries(item)) {
          if (fieldValue === null) continue;
          expect(found.some((node) => Object.hasOwn(node, claimIri(field)))).toBe(true);
        }
      }
    } else if (Array.isArray(value)) {
      expect(found.map((v) => v['@value'])).toEqual(expect.arrayContaining(value));
    } else {
      expect(found).toEqual([expect.objectContaining({ '@value': value })]);
      const schema = (type.claimsSchema['properties'] as Record<string, Record<string, unknown>>)[name]!;
      if (schema['format'] === 'date') expect(found[0]!['@type']).toBe(XSD_DATE);
    }
  }
}

/** What every onegate certificate expands to at the credential's level. */
function expectCertificateExpanded(credential: Node, [expanded]: Expanded, type: CertificateType): void {
  expect(expanded!['@id']).toBe(credential['id']);
  expect(expanded!['@type']).toEqual([`${CRED}VerifiableCredential`, `${VOCAB}OnegateCertificate`]);
  expect(values(expanded!, `${VOCAB}certificateType`)).toEqual([{ '@value': type.code }]);
  const [issuer] = values(expanded!, `${CRED}issuer`);
  expect(issuer).toMatchObject({ '@id': `urn:onegate:department:${type.issuer}`, [`${VOCAB}creditCode`]: [{ '@value': type.issuerCreditCode }] });
  const [related] = values(expanded!, `${CRED}relatedResource`);
  expect(related).toMatchObject({ '@id': ONEGATE_V1, [`${CRED}digestSRI`]: [expect.objectContaining({ '@value': sri(onegateBytes) })] });
  const [subject] = values(expanded!, `${CRED}credentialSubject`);
  expectClaimsExpanded(type, credential['credentialSubject'] as Node, subject!);
}

function sri(bytes: Uint8Array): string {
  return `sha384-${createHash('sha384').update(bytes).digest('base64')}`;
}

/** Every @type in an expanded document, at any depth. */
function typesIn(value: unknown): string[] {
  if (Array.isArray(value)) return value.flatMap(typesIn);
  if (typeof value !== 'object' || value === null) return [];
  return Object.entries(value).flatMap(([key, inner]) => {
    if (key === '@type') return [inner].flat().filter((t): t is string => typeof t === 'string');
    return key === '@value' ? [] : typesIn(inner);
  });
}

/**
 * Claims valid for each type's claims schema, none null, so every claim name of every type is
 * expanded. A new certificate type needs its sample here (the test says so).
 */
const SAMPLE_CLAIMS: Record<string, Record<string, unknown>> = {
  BUSINESS_LICENCE: {
    creditCode: '91330782MA2E00017B',
    enterpriseName: 'Yiwu Jiahe Supermarket Co., Ltd.',
    legalRepresentativeIdNumber: '330825198803142023',
    registeredOn: '2019-04-02',
    registrationStatus: 'OPERATING',
    address: '18 Chouzhou North Road, Yiwu',
  },
  DEATH_CERTIFICATE: {
    name: 'Chen Ming',
    idNumber: '440105194002290556',
    sex: 'M',
    birthDate: '1940-02-29',
    medicalCertificateNumber: 'D440105-2026-01177',
    dateOfDeath: '2026-10-03',
    placeOfDeath: 'Haizhu District, Guangzhou',
  },
  HOUSEHOLD_REGISTER_EXTRACT: {
    name: 'Li Wei',
    idNumber: LI_WEI,
    sex: 'F',
    birthDate: '1988-03-14',
    householdNumber: '330825-0012345',
    address: 'Longyou County, Quzhou',
    householdType: 'FAMILY',
    relationToHead: 'SPOUSE',
    registrationStatus: 'ACTIVE',
  },
  MARRIAGE_CERTIFICATE: {
    name: 'Li Wei',
    idNumber: LI_WEI,
    sex: 'F',
    birthDate: '1988-03-14',
    maritalStatus: 'MARRIED',
    spouseIdNumber: '330825198611021315',
    registeredOn: '2014-05-20',
    registrationOffice: 'Longyou County Marriage Registry',
    marriageCertificateNumber: 'J330825-2014-000512',
  },
  MEDICAL_BIRTH_CERTIFICATE: {
    name: 'Zhang Xiaoyu',
    idNumber: '330825202609180842',
    sex: 'F',
    birthDate: '2026-09-18',
    medicalCertificateNumber: 'Q330825-2026-07731',
    hospital: "Longyou County People's Hospital",
    motherIdNumber: LI_WEI,
    fatherIdNumber: '330825198611021315',
  },
  REAL_PROPERTY_CERTIFICATE: {
    name: 'Li Wei',
    idNumber: LI_WEI,
    properties: [
      {
        certificateNumber: 'ZJ-2018-LY-0042311',
        address: 'Longyou County, Quzhou',
        areaSqm: 89.5,
        use: 'RESIDENTIAL',
        share: 'JOINT',
        coOwnerIdNumbers: ['330825198611021315'],
      },
    ],
  },
  SENIOR_CITIZEN_CERTIFICATE: {
    name: 'Shi Yanbin',
    idNumber: '640106195001150197',
    sex: 'M',
    birthDate: '1950-01-15',
    address: 'Hefeng Village, Liangtian Town, Jinfeng District, Yinchuan',
  },
  SOCIAL_INSURANCE_RECORD: {
    name: 'Li Wei',
    idNumber: LI_WEI,
    accountNumber: 'SI-330825-88031420',
    insuranceStatus: 'CONTRIBUTING',
    contributionMonths: 150,
    employer: 'Longyou County Water Company',
  },
};

/**
 * Types the demo data lets the running gateway issue, as the department's system does (with the
 * holder's consent where the matter asks for it). The medical birth certificate is issued only by
 * a clerk under NEWBORN_REGISTRATION, for a minor: it is built below like the others.
 */
const ISSUED_BY_THE_GATEWAY: Array<{ type: string; holder: string; department: string; matter?: string; consent?: boolean }> = [
  { type: 'MARRIAGE_CERTIFICATE', holder: LI_WEI, department: 'CIVIL_AFFAIRS', matter: 'MARRIAGE_REGISTRATION', consent: true },
  { type: 'HOUSEHOLD_REGISTER_EXTRACT', holder: LI_WEI, department: 'PUBLIC_SECURITY' },
  { type: 'BUSINESS_LICENCE', holder: '91330782MA2E00017B', department: 'MARKET_REGULATION' },
  { type: 'SENIOR_CITIZEN_CERTIFICATE', holder: '640106195001150197', department: 'CIVIL_AFFAIRS', matter: 'SENIOR_CERTIFICATE' },
  { type: 'REAL_PROPERTY_CERTIFICATE', holder: LI_WEI, department: 'NATURAL_RESOURCES', matter: 'HOUSE_TRANSFER', consent: true },
  { type: 'SOCIAL_INSURANCE_RECORD', holder: LI_WEI, department: 'HUMAN_RESOURCES', matter: 'RETIREMENT', consent: true },
  { type: 'DEATH_CERTIFICATE', holder: '440105194002290556', department: 'HEALTH', matter: 'DECEASED_AFFAIRS' },
];

const ISSUE = `mutation($input: IssueCertificateInput!) { issueCertificate(input: $input) { id credential } }`;

describe('JSON-LD: credentials and status lists expanded by jsonld.js in safe mode', () => {
  let t: TestApp;
  let catalog: CertificateCatalog;
  /** Each type's credential as the gateway issued it (vc+jwt payload). */
  const issued = new Map<string, Node>();

  const issueThroughGateway = async (row: (typeof ISSUED_BY_THE_GATEWAY)[number]): Promise<Node> => {
    let purpose: Record<string, unknown> | undefined;
    if (row.matter) {
      purpose = { matter: row.matter, caseNumber: `JSONLD-${row.type}` };
      if (row.consent) {
        const citizen = await t.token({ role: 'citizen', sub: row.holder });
        const grant = await t.graphql<{ grantConsent: { id: string } }>(
          `mutation($m: String!, $d: [String!]!) { grantConsent(input: { matter: $m, departments: $d }) { id } }`,
          { m: row.matter, d: [row.department] },
          citizen,
        );
        expect(grant.body.errors).toBeUndefined();
        purpose['consent'] = grant.body.data!.grantConsent.id;
      }
    }
    const token = await t.token({ role: 'department', sub: `jsonld-${row.department.toLowerCase()}`, department: row.department });
    const res = await t.graphql<{ issueCertificate: { credential: string } }>(
      ISSUE,
      { input: { type: row.type, holder: row.holder, idempotencyKey: `jsonld-${row.type}`, ...(purpose ? { purpose } : {}) } },
      token,
    );
    expect(res.body.errors).toBeUndefined();
    return jwsParts(res.body.data!.issueCertificate.credential).payload;
  };

  /** A credential of `type` built and signed the way the service signs one, from sample claims. */
  const build = async (type: CertificateType, claims: Record<string, unknown>): Promise<Node> => {
    const now = new Date();
    const statusLists = t.app.get(StatusListsService);
    const credential = certificateCredential({
      type,
      issuer: catalog.department(type.issuer),
      identifier: buildCertificateIdentifier({ typeCode: type.typeCode, issuerCode: type.issuerCreditCode, serial: 'JSONLD0000000000001', version: 2 }),
      holder: String(claims['creditCode'] ?? claims['idNumber']),
      claims,
      issuedAt: now,
      validUntil: type.validityDays === null ? null : new Date(now.getTime() + type.validityDays * 86_400_000),
      credentialStatus: statusLists.credentialStatus(type.issuer, { list: 1, index: 4242 }),
      replaces: buildCertificateIdentifier({ typeCode: type.typeCode, issuerCode: type.issuerCreditCode, serial: 'JSONLD0000000000001', version: 1 }),
    });
    const jwt = await signVcJwt(credential, await t.app.get(IssuingKeysService).signingKey(type.issuer), now);
    return jwsParts(jwt).payload;
  };

  beforeAll(async () => {
    t = await createTestApp();
    catalog = t.app.get(CertificateCatalog);
    for (const row of ISSUED_BY_THE_GATEWAY) issued.set(row.type, await issueThroughGateway(row));
  });

  afterAll(async () => {
    await t?.close();
  });

  it("serves onegate's context at its URL, byte for byte the repository file: JSON-LD, cacheable for a year, readable from any origin", async () => {
    const res = await t
      .http()
      .get('/ns/credentials/v1')
      .buffer(true)
      .parse((response, done) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => done(null, Buffer.concat(chunks)));
      });
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^application\/ld\+json\b/);
    expect(res.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(res.headers['access-control-allow-origin']).toBe('*');
    expect(Buffer.compare(res.body as Buffer, onegateBytes)).toBe(0);
    // The digest a credential pins is the digest of what is served.
    expect(res.headers['etag']).toBe(`"${sri(onegateBytes)}"`);
    expect((issued.get('MARRIAGE_CERTIFICATE')!['relatedResource'] as Node[])[0]).toEqual({ id: ONEGATE_V1, digestSRI: sri(res.body as Buffer) });
    const again = await t.http().get('/ns/credentials/v1').set('if-none-match', res.headers['etag']!);
    expect(again.status).toBe(304);
    expect((await t.http().get('/ns/credentials/v2')).status).toBe(404);
  });

  it("has a sample for every certificate type, valid for the type's claims schema, with no claim left null", () => {
    expect(Object.keys(SAMPLE_CLAIMS).sort()).toEqual(catalog.types.map((type) => type.code).sort());
    for (const type of catalog.types) {
      const claims = SAMPLE_CLAIMS[type.code]!;
      const validate = compileClaimsSchema(type.claimsSchema);
      expect([type.code, validate(claims), validate.errors ?? null]).toEqual([type.code, true, null]);
      expect(Object.values(claims).filter((value) => value === null)).toEqual([]);
    }
  });

  it.each(ISSUED_BY_THE_GATEWAY.map((row) => [row.type]))('expands a %s as the gateway issues it', async (code) => {
    const credential = issued.get(code)!;
    expect(credential['@context']).toEqual([VC_V2, ONEGATE_V1]);
    const expanded = await expand(credential);
    expectCertificateExpanded(credential, expanded, catalog.type(code)!);
    expect(typesIn(expanded).every((type) => /^(https?:|urn:)/.test(type))).toBe(true);
  });

  it('expands a credential of every certificate type, built and signed the way the service signs one, every claim under its IRI', async () => {
    for (const type of catalog.types) {
      const credential = await build(type, SAMPLE_CLAIMS[type.code]!);
      const expanded = await expand(credential);
      expectCertificateExpanded(credential, expanded, type);
      expect(values(expanded[0]!, `${VOCAB}replaces`)).toEqual([{ '@id': credential['replaces'] }]);
      expect(typesIn(expanded).every((iri) => /^(https?:|urn:)/.test(iri))).toBe(true);
      const subject = values(expanded[0]!, `${CRED}credentialSubject`)[0]!;
      const names = Object.keys(SAMPLE_CLAIMS[type.code]!);
      expect(
        Object.keys(subject)
          .filter((key) => key !== '@id')
          .sort(),
      ).toEqual(names.map(claimIri).sort());
    }
  });

  it('expands both status list credentials (revocation and suspension) fetched from the gateway', async () => {
    const entries = issued.get('MARRIAGE_CERTIFICATE')!['credentialStatus'] as Array<{ statusPurpose: string; statusListCredential: string }>;
    expect(entries.map((entry) => entry.statusPurpose)).toEqual(['revocation', 'suspension']);
    for (const entry of entries) {
      const res = await t.http().get(new URL(entry.statusListCredential).pathname);
      expect(res.status).toBe(200);
      const list = jwsParts(res.text).payload;
      expect(list['@context']).toEqual([VC_V2, ONEGATE_V1]);
      const [expanded] = await expand(list);
      expect(expanded!['@id']).toBe(entry.statusListCredential);
      expect(expanded!['@type']).toEqual([`${CRED}VerifiableCredential`, `${STATUS}BitstringStatusListCredential`]);
      const [issuer] = values(expanded!, `${CRED}issuer`);
      expect(issuer).toMatchObject({ '@id': 'urn:onegate:department:CIVIL_AFFAIRS', [`${VOCAB}creditCode`]: [{ '@value': '113308000024775820' }] });
      const [subject] = values(expanded!, `${CRED}credentialSubject`);
      expect(subject!['@type']).toEqual([`${STATUS}BitstringStatusList`]);
      expect(values(subject!, `${STATUS}statusPurpose`)).toEqual([{ '@value': entry.statusPurpose }]);
      expect(values(subject!, `${STATUS}encodedList`)[0]!['@value']).toMatch(/^u[A-Za-z0-9_-]+$/);
      expect(values(expanded!, `${CRED}relatedResource`)[0]).toMatchObject({ '@id': ONEGATE_V1 });
    }
  });

  it('loads no context but the two local ones', () => {
    expect(new Set(loaded)).toEqual(new Set([VC_V2, ONEGATE_V1]));
  });

  describe('drift fails', () => {
    const marriage = () => structuredClone(issued.get('MARRIAGE_CERTIFICATE')!);
    const rejected = { name: 'jsonld.ValidationError', message: expect.stringContaining('Safe mode validation error') };

    it("a claim name onegate's context does not define", async () => {
      const credential = marriage();
      (credential['credentialSubject'] as Node)['spouseName'] = 'Zhang Hao';
      await expect(expand(credential)).rejects.toMatchObject(rejected);
    });

    it('a certificate type with a claim the context lacks, built the way the service signs', async () => {
      const type = catalog.type('MARRIAGE_CERTIFICATE')!;
      const drifted: CertificateType = { ...type, claims: { ...type.claims, spouseName: { from: 'marriage.registration', field: 'spouseIdNumber' } } };
      await expect(expand(await build(drifted, { ...SAMPLE_CLAIMS['MARRIAGE_CERTIFICATE'], spouseName: 'Zhang Hao' }))).rejects.toMatchObject(rejected);
    });

    it('a field of a listed object the context lacks', async () => {
      const credential = await build(catalog.type('REAL_PROPERTY_CERTIFICATE')!, SAMPLE_CLAIMS['REAL_PROPERTY_CERTIFICATE']!);
      ((credential['credentialSubject'] as Node)['properties'] as Node[])[0]!['floorArea'] = 89.5;
      await expect(expand(credential)).rejects.toMatchObject(rejected);
    });

    it('a credential-level term or a type the context lacks', async () => {
      await expect(expand({ ...marriage(), certificateKind: 'MARRIAGE' })).rejects.toMatchObject(rejected);
      await expect(expand({ ...marriage(), type: ['VerifiableCredential', 'MarriageCertificate'] })).rejects.toMatchObject(rejected);
      const misspelt = { ...marriage(), issuer: { id: 'urn:onegate:department:CIVIL_AFFAIRS', name: 'Civil Affairs Bureau', creditCod: '113308000024775820' } };
      await expect(expand(misspelt)).rejects.toMatchObject(rejected);
    });

    it("the shape credentials had before onegate's context: the VC 2.0 context alone does not define onegate's terms", async () => {
      const { relatedResource: _, ...old } = marriage();
      await expect(expand({ ...old, '@context': [VC_V2] })).rejects.toMatchObject(rejected);
    });

    it('a context the verifier does not hold is never fetched', async () => {
      await expect(expand({ ...marriage(), '@context': [VC_V2, ONEGATE_V1, 'https://contexts.example/extra'] })).rejects.toThrow();
      expect(loaded).toContain('https://contexts.example/extra');
    });
  });
});
