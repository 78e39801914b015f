import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import * as vcContexts from '@digitalbazaar/credentials-context';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readCatalogFiles } from '../../catalog/catalog-files.js';
import { CertificateCatalog } from '../certificate-catalog.js';
import { checkClaimTerms, claimTerms, CertificateTypeError, readCertificateTypes, type CertificateType } from '../certificate-types.js';
import { CREDENTIAL_CONTEXT, ONEGATE_CONTEXT_V1, ONEGATE_CONTEXT_V1_DIGEST_SRI, ONEGATE_VOCABULARY, VC_CONTEXT_V2 } from './credential-model.js';
import {
  claimTermProblems,
  ContextFileError,
  contextsDir,
  digestSRI,
  loadContext,
  ONEGATE_CONTEXTS,
  parseContext,
  VC_V2_CLAIM_TERMS,
  VC_V2_TERMS,
} from './onegate-context.js';

const types = readCertificateTypes(readCatalogFiles());
const context = loadContext();
/** The W3C VC 2.0 context as a third party ships it (not onegate's copy). */
const vcV2 = (vcContexts.contexts.get(VC_CONTEXT_V2) as { '@context': Record<string, unknown> })['@context'];

describe("onegate's JSON-LD context", () => {
  it('is the file published as v1, byte for byte: a published context never changes', () => {
    const bytes = readFileSync(join(contextsDir(), 'onegate-credentials-v1.jsonld'));
    // If this fails, schemas/contexts/onegate-credentials-v1.jsonld was edited. Credentials in the
    // world pin its digest: restore it, and put new terms in onegate-credentials-v2.jsonld.
    expect(digestSRI(bytes)).toBe(ONEGATE_CONTEXT_V1_DIGEST_SRI);
    expect(context).toMatchObject({ url: ONEGATE_CONTEXT_V1, path: 'ns/credentials/v1', digestSRI: ONEGATE_CONTEXT_V1_DIGEST_SRI });
    expect(context.bytes.equals(bytes)).toBe(true);
    expect(ONEGATE_CONTEXTS.at(-1)!.url).toBe(CREDENTIAL_CONTEXT[1]);
    expect(CREDENTIAL_CONTEXT).toEqual([VC_CONTEXT_V2, ONEGATE_CONTEXT_V1]);
  });

  it("is protected and defines each term under onegate's vocabulary, the types as absolute IRIs", () => {
    const document = JSON.parse(context.bytes.toString('utf8')) as { '@context': Record<string, unknown> };
    expect(document['@context']['@protected']).toBe(true);
    expect(context.terms.get('OnegateCertificate')).toEqual({ id: `${ONEGATE_VOCABULARY}OnegateCertificate`, type: null });
    expect(context.terms.get('certificateType')).toEqual({ id: `${ONEGATE_VOCABULARY}certificateType`, type: null });
    expect(context.terms.get('creditCode')).toEqual({ id: `${ONEGATE_VOCABULARY}creditCode`, type: null });
    expect(context.terms.get('replaces')).toEqual({ id: `${ONEGATE_VOCABULARY}replaces`, type: '@id' });
    for (const term of context.terms.values()) expect(term.id).toMatch(/^https:\/\/w3id\.org\/onegate\/credentials#[A-Za-z]+$/);
  });

  it("knows the VC 2.0 context's top-level terms as the W3C context defines them, and redefines none of them", () => {
    expect(new Set(Object.keys(vcV2).filter((key) => !key.startsWith('@')))).toEqual(VC_V2_TERMS);
    for (const term of VC_V2_CLAIM_TERMS) expect(typeof vcV2[term]).toBe('string');
    expect([...context.terms.keys()].filter((term) => term in vcV2)).toEqual([]);
  });

  it('defines every claim of every certificate type, and the fields of the objects a claim lists', () => {
    const problems = types.flatMap((type) => claimTermProblems(claimTerms(type), context).map((problem) => `${type.code} ${problem}`));
    expect(problems).toEqual([]);
    const property = claimTerms(types.find((t) => t.code === 'REAL_PROPERTY_CERTIFICATE')!);
    expect(property.map((c) => c.name)).toEqual([
      'name',
      'idNumber',
      'properties',
      'certificateNumber',
      'address',
      'areaSqm',
      'use',
      'share',
      'coOwnerIdNumbers',
    ]);
    // Dates are typed xsd:date; `name` is the VC 2.0 context's (schema.org) term.
    expect(context.terms.get('birthDate')!.type).toBe('http://www.w3.org/2001/XMLSchema#date');
    expect(context.terms.has('name')).toBe(false);
    expect(() => checkClaimTerms(types, context)).not.toThrow();
  });

  it('refuses a type with a claim name the context does not define, naming the type file and the claim', () => {
    const marriage = types.find((t) => t.code === 'MARRIAGE_CERTIFICATE')!;
    const renamed: CertificateType = { ...marriage, claims: { ...marriage.claims, spouseName: { from: 'marriage.registration', field: 'spouseIdNumber' } } };
    expect(() => checkClaimTerms([renamed], context)).toThrow(CertificateTypeError);
    expect(() => checkClaimTerms([renamed], context)).toThrow(
      /schemas\/certificates\/MARRIAGE_CERTIFICATE\.json: claims\.spouseName: "spouseName" is not defined in onegate's JSON-LD context/,
    );
    const property = types.find((t) => t.code === 'REAL_PROPERTY_CERTIFICATE')!;
    const nested: CertificateType = {
      ...property,
      claims: { ...property.claims, properties: { from: 'property.rights', all: true, fields: ['certificateNumber', 'floorArea'] } },
    };
    expect(() => checkClaimTerms([nested], context)).toThrow(/claims\.properties\.fields\[1\]: "floorArea" is not defined/);
  });

  it('refuses a date claim the context does not type as a date, and a date named after a VC 2.0 term', () => {
    expect(claimTermProblems([{ at: 'claims.address', name: 'address', date: true }], context)).toEqual([
      expect.stringMatching(/"address" is a date but .* types it as a plain literal/),
    ]);
    expect(claimTermProblems([{ at: 'claims.birthDate', name: 'birthDate', date: false }], context)).toEqual([
      expect.stringMatching(/"birthDate" is not a date/),
    ]);
    expect(claimTermProblems([{ at: 'claims.replaces', name: 'replaces', date: false }], context)).toEqual([expect.stringMatching(/types it @id/)]);
    expect(claimTermProblems([{ at: 'claims.name', name: 'name', date: true }], context)).toHaveLength(1);
  });

  it("the gateway's catalog loads the contexts with the types", () => {
    const catalog = new CertificateCatalog();
    expect(catalog.context.url).toBe(ONEGATE_CONTEXT_V1);
    expect(catalog.contexts.map((c) => c.url)).toEqual(ONEGATE_CONTEXTS.map((c) => c.url));
  });
});

describe('loadContext refuses', () => {
  let dir: string;
  const published = ONEGATE_CONTEXTS[0]!;
  const original = () => JSON.parse(readFileSync(join(contextsDir(), published.file), 'utf8')) as { '@context': Record<string, unknown> };
  const write = (document: unknown) => {
    const bytes = Buffer.from(JSON.stringify(document));
    writeFileSync(join(dir, published.file), bytes);
    return { ...published, digestSRI: digestSRI(bytes) };
  };

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'onegate-contexts-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('a file whose bytes are not the published ones, even with a term added', () => {
    const document = original();
    document['@context']['spouseName'] = `${ONEGATE_VOCABULARY}spouseName`;
    write(document);
    expect(() => loadContext(published, dir)).toThrow(ContextFileError);
    expect(() => loadContext(published, dir)).toThrow(
      /is not the context published as https:\/\/w3id\.org\/onegate\/credentials\/v1 .*a published context never changes/,
    );
  });

  it('a missing file', () => {
    expect(() => loadContext(published, dir)).toThrow(/onegate-credentials-v1\.jsonld: ENOENT/);
  });

  it.each<[string, (c: Record<string, unknown>) => void, RegExp]>([
    ['an unprotected context', (c) => delete c['@protected'], /"@protected": true/],
    ['a VC 2.0 term', (c) => (c['name'] = 'https://schema.org/name'), /"name" is a keyword or a VC 2.0 term/],
    ['a keyword', (c) => (c['@vocab'] = ONEGATE_VOCABULARY), /"@vocab" is a keyword/],
    ['a term outside the vocabulary', (c) => (c['sex'] = 'https://schema.org/gender'), /"sex" must mean https:\/\/w3id\.org\/onegate\/credentials#sex/],
    ['a term with a scoped context', (c) => (c['properties'] = { '@id': `${ONEGATE_VOCABULARY}properties`, '@context': {} }), /"properties" must be an IRI or/],
    ['an unexpected coercion', (c) => (c['areaSqm'] = { '@id': `${ONEGATE_VOCABULARY}areaSqm`, '@type': '@vocab' }), /"areaSqm" has an unexpected @type/],
  ])('%s', (_, change, message) => {
    const document = original();
    change(document['@context']);
    const pinned = write(document);
    expect(() => loadContext(pinned, dir)).toThrow(message);
  });

  it('anything but a context document', () => {
    expect(() => parseContext([])).toThrow(/one object with "@context"/);
    expect(() => parseContext({ '@context': {}, extra: 1 })).toThrow(/one object with "@context"/);
  });
});
