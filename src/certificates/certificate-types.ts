import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ValidateFunction } from 'ajv';
import type { CatalogFiles } from '../catalog/catalog-files.js';
import { MATTER_CODE } from '../catalog/matter-definition.js';
import { isDepartmentCode, type DepartmentCode } from '../common/departments.js';
import { organizationCodeChecks, parseCreditCode } from '../common/identifiers/credit-code.js';
import { projectRoot } from '../common/project-root.js';
import { claimTermProblems, type ClaimTerm, type LoadedContext } from './credential/onegate-context.js';
import { Ajv2020, addFormats } from '../common/json-schema.js';

/**
 * A certificate type (证照类型): what a department certifies about a person or an enterprise, declared
 * in schemas/certificates/<CODE>.json. Its claims are built from the records of `dataItems`, read
 * through the exchange, and signed by `issuer` only.
 */
export type CertificateSubject = 'PERSON' | 'ENTERPRISE';

/** One claim: a field of the item's single record, or the chosen fields of every record of the item. */
export type ClaimSource = { from: string; field: string } | { from: string; all: true; fields: string[] };

/** When unmet, the certificate cannot be issued. */
export type Condition =
  { claim: string; in: Array<string | number | boolean> } | { ageAtLeast: number; birthDateClaim: string } | { claim: string; nonEmpty: true };

/**
 * The authority that defines a certificate type (证照定义机构) — the national ministry or
 * administration, e.g. 民政部 for marriage certificates — whatever department issues it. Its credit
 * code and the type number make the type code of GB/T 36904 identifiers.
 */
export interface TypeAuthority {
  /** Unified social credit code (GB 32100). */
  creditCode: string;
  name: string;
  nameZh: string;
  /**
   * Whether the credit code (and the type number) were found in a public source, named in `source`.
   * A code that was not is a placeholder no organisation can hold (its organization code fails the
   * GB 11714 check), to be replaced by the authority's real code.
   */
  verified: boolean;
  source: string;
}

export interface CertificateType {
  code: string;
  name: string;
  nameZh: string | null;
  description: string;
  /** Three digits, unique per type authority. */
  typeNumber: string;
  typeAuthority: TypeAuthority;
  /**
   * The type authority's credit code followed by the type number: the type code (证照类型代码) of
   * GB/T 36904 identifiers, the same for every issuer of the type.
   */
  typeCode: string;
  issuer: DepartmentCode;
  issuerName: string;
  issuerCreditCode: string;
  subject: CertificateSubject;
  /** The items the claims are built from; the issuance reads exactly these. */
  dataItems: string[];
  /** Matters under which a clerk may have it issued (the issuer's own systems may always issue). */
  issuedUnder: string[];
  /** Days from issue to `validUntil`; null: no expiry. */
  validityDays: number | null;
  claims: Record<string, ClaimSource>;
  conditions: Condition[];
  /** JSON Schema 2020-12 of the claims object. */
  claimsSchema: Record<string, unknown>;
}

export class CertificateTypeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CertificateTypeError';
  }
}

/**
 * Names a claim may not take: they are the credential's own fields in VC or SD-JWT VC form, where
 * every claim is a top-level, selectively disclosable member.
 */
export const RESERVED_CLAIM_NAMES: ReadonlySet<string> = new Set([
  'id',
  'status',
  'iss',
  'iat',
  'nbf',
  'exp',
  'vct',
  'jti',
  'cnf',
  'sub',
  'credentialStatus',
  '_sd',
  '_sd_alg',
]);
/** Flat camelCase names, e.g. `maritalStatus`. */
const CLAIM_NAME = /^[a-z][A-Za-z0-9]{0,63}$/;
const FIELD_NAME = /^[A-Za-z][A-Za-z0-9_]{0,63}$/;
const TYPE_NUMBER = /^[0-9]{3}$/;
const MAX_CLAIMS = 64;
const MAX_VALIDITY_DAYS = 36_500;
const MAX_AGE = 150;

/** Reads every schemas/certificates/*.json file and checks it against the catalog (see parseCertificateType). */
export function readCertificateTypes(catalog: CatalogFiles, dir = join(projectRoot(), 'schemas', 'certificates')): CertificateType[] {
  let names: string[];
  try {
    names = readdirSync(dir)
      .filter((name) => name.endsWith('.json'))
      .sort();
  } catch (error) {
    throw new CertificateTypeError(`${dir}: ${(error as Error).message}`);
  }
  const types: CertificateType[] = [];
  for (const name of names) {
    const file = join(dir, name);
    let raw: unknown;
    try {
      raw = JSON.parse(readFileSync(file, 'utf8'));
    } catch (error) {
      throw new CertificateTypeError(`${file}: ${(error as Error).message}`);
    }
    try {
      const type = parseCertificateType(raw, catalog);
      if (`${type.code}.json` !== name) throw new CertificateTypeError(`file name must be "${type.code}.json"`);
      const clash = types.find((other) => other.typeCode === type.typeCode);
      if (clash)
        throw new CertificateTypeError(
          `typeNumber "${type.typeNumber}" is already used by ${clash.code} of the same type authority ${type.typeAuthority.creditCode}`,
        );
      const namesake = types.find((other) => other.typeAuthority.creditCode === type.typeAuthority.creditCode);
      if (namesake && (['name', 'nameZh', 'verified'] as const).some((key) => namesake.typeAuthority[key] !== type.typeAuthority[key])) {
        throw new CertificateTypeError(
          `typeAuthority ${type.typeAuthority.creditCode} is described differently by ${namesake.code}: give it the same name, nameZh and verified`,
        );
      }
      types.push(type);
    } catch (error) {
      if (error instanceof CertificateTypeError) throw new CertificateTypeError(`${file}: ${error.message}`);
      throw error;
    }
  }
  return types;
}

/** What the verifier needs: each type's issuing department. */
export function certificateTypeMap(types: readonly CertificateType[]): ReadonlyMap<string, { issuer: string }> {
  return new Map(types.map((type) => [type.code, { issuer: type.issuer }]));
}

/**
 * Checks one type as declared against the catalog. Throws CertificateTypeError naming the field at
 * fault. Uniqueness of the type code (authority and number) is checked across files by readCertificateTypes.
 */
export function parseCertificateType(raw: unknown, catalog: CatalogFiles): CertificateType {
  const t = object(raw, 'a certificate type');
  known(
    t,
    [
      'code',
      'name',
      'nameZh',
      'description',
      'typeNumber',
      'typeAuthority',
      'issuer',
      'subject',
      'dataItems',
      'issuedUnder',
      'validityDays',
      'claims',
      'conditions',
      'claimsSchema',
    ],
    '',
  );
  const code = text(t.code, 'code', 64)!;
  if (!MATTER_CODE.test(code)) throw new CertificateTypeError('code must be upper-case letters, digits and underscores, e.g. MARRIAGE_CERTIFICATE');

  if (typeof t.typeNumber !== 'string' || !TYPE_NUMBER.test(t.typeNumber) || t.typeNumber === '000') {
    throw new CertificateTypeError('typeNumber must be three digits from "001" to "999"');
  }
  const typeNumber = t.typeNumber;
  const typeAuthority = parseTypeAuthority(t.typeAuthority);

  const issuer = isDepartmentCode(t.issuer) ? catalog.departments.find((d) => d.code === t.issuer) : undefined;
  if (!issuer) throw new CertificateTypeError(`issuer "${String(t.issuer)}" is not a department in departments.json`);

  if (t.subject !== 'PERSON' && t.subject !== 'ENTERPRISE') throw new CertificateTypeError('subject must be one of PERSON, ENTERPRISE');
  const subject: CertificateSubject = t.subject;

  const itemSchemas = new Map(catalog.dataItems.map((item) => [item.code, item.schema]));
  const dataItems = codeList(t.dataItems, 'dataItems', itemSchemas, 'data item');
  if (dataItems.length === 0) throw new CertificateTypeError('dataItems must name at least one data item');

  const matters = new Map(catalog.matters.map((m) => [m.code, m]));
  const issuedUnder = codeList(t.issuedUnder, 'issuedUnder', matters, 'matter');
  for (const [i, matterCode] of issuedUnder.entries()) {
    const matter = matters.get(matterCode)!;
    if (matter.subject !== subject) throw new CertificateTypeError(`issuedUnder[${i}] "${matterCode}" concerns ${matter.subject}, not ${subject}`);
    const unread = dataItems.find((item) => !matter.dataItems.includes(item));
    if (unread) throw new CertificateTypeError(`issuedUnder[${i}] "${matterCode}" may not read "${unread}", which the type is built from`);
    if (!matter.roles.includes('clerk')) throw new CertificateTypeError(`issuedUnder[${i}] "${matterCode}" is not handled by clerks`);
  }

  let validityDays: number | null = null;
  if (t.validityDays !== null && t.validityDays !== undefined) {
    if (typeof t.validityDays !== 'number' || !Number.isInteger(t.validityDays) || t.validityDays < 1 || t.validityDays > MAX_VALIDITY_DAYS) {
      throw new CertificateTypeError(`validityDays must be null (no expiry) or a whole number of days from 1 to ${MAX_VALIDITY_DAYS}`);
    }
    validityDays = t.validityDays;
  }

  const claims = parseClaims(t.claims, dataItems, itemSchemas);
  const conditions = parseConditions(t.conditions, claims);
  const claimsSchema = parseClaimsSchema(t.claimsSchema, claims, itemSchemas);
  for (const [i, condition] of conditions.entries()) {
    if ('ageAtLeast' in condition && !mentionsDateFormat(property(claimsSchema.properties, condition.birthDateClaim))) {
      throw new CertificateTypeError(`conditions[${i}].birthDateClaim "${condition.birthDateClaim}" must be a claim with "format": "date"`);
    }
  }

  return {
    code,
    name: text(t.name, 'name', 200)!,
    nameZh: text(t.nameZh, 'nameZh', 200, true),
    description: text(t.description, 'description', 2000)!,
    typeNumber,
    typeAuthority,
    typeCode: `${typeAuthority.creditCode}${typeNumber}`,
    issuer: issuer.code,
    issuerName: issuer.name,
    issuerCreditCode: issuer.creditCode,
    subject,
    dataItems,
    issuedUnder,
    validityDays,
    claims,
    conditions,
    claimsSchema,
  };
}

function parseTypeAuthority(value: unknown): TypeAuthority {
  const a = object(value, 'typeAuthority');
  known(a, ['creditCode', 'name', 'nameZh', 'verified', 'source'], 'typeAuthority');
  const code = parseCreditCode(a.creditCode);
  if (!code.ok || code.value !== a.creditCode) {
    throw new CertificateTypeError(`typeAuthority.creditCode must be a unified social credit code in capitals (GB 32100)${code.ok ? '' : `: ${code.message}`}`);
  }
  if (typeof a.verified !== 'boolean')
    throw new CertificateTypeError('typeAuthority.verified must be true (the code was found in a public source) or false (a placeholder)');
  const organizationCode = code.value.slice(8, 17);
  if (a.verified && !organizationCodeChecks(organizationCode)) {
    throw new CertificateTypeError('typeAuthority.creditCode is marked verified, but its organization code fails the GB 11714 check no assigned code fails');
  }
  if (!a.verified && organizationCodeChecks(organizationCode)) {
    throw new CertificateTypeError(
      'typeAuthority.creditCode is a placeholder (verified: false), so it must be one no organisation holds: its organization code must fail the GB 11714 check',
    );
  }
  return {
    creditCode: code.value,
    name: text(a.name, 'typeAuthority.name', 200)!,
    nameZh: text(a.nameZh, 'typeAuthority.nameZh', 200)!,
    verified: a.verified,
    source: text(a.source, 'typeAuthority.source', 1000)!,
  };
}

function parseClaims(value: unknown, dataItems: string[], itemSchemas: ReadonlyMap<string, Record<string, unknown>>): Record<string, ClaimSource> {
  const raw = object(value, 'claims');
  const entries = Object.entries(raw);
  if (entries.length === 0 || entries.length > MAX_CLAIMS) throw new CertificateTypeError(`claims must name from 1 to ${MAX_CLAIMS} claims`);
  const claims: Record<string, ClaimSource> = {};
  for (const [name, rawSource] of entries) {
    const at = `claims.${name}`;
    if (!CLAIM_NAME.test(name)) throw new CertificateTypeError(`${at}: a claim name is a flat camelCase name of at most 64 letters and digits`);
    if (RESERVED_CLAIM_NAMES.has(name))
      throw new CertificateTypeError(`${at}: "${name}" is reserved for the credential itself (use e.g. maritalStatus, insuranceStatus)`);
    const source = object(rawSource, at);
    if (typeof source.from !== 'string' || !dataItems.includes(source.from)) {
      throw new CertificateTypeError(`${at}.from must be one of the type's dataItems (${dataItems.join(', ')})`);
    }
    const fieldsOf = itemProperties(itemSchemas.get(source.from)!);
    const checkField = (field: unknown, where: string): string => {
      if (typeof field !== 'string' || !FIELD_NAME.test(field) || !Object.hasOwn(fieldsOf, field)) {
        throw new CertificateTypeError(`${where} must be a field of ${source.from} (${Object.keys(fieldsOf).join(', ')})`);
      }
      return field;
    };
    if (source.all === undefined) {
      known(source, ['from', 'field'], at);
      claims[name] = { from: source.from, field: checkField(source.field, `${at}.field`) };
    } else {
      known(source, ['from', 'all', 'fields'], at);
      if (source.all !== true) throw new CertificateTypeError(`${at}.all must be true (every record of the item) or absent`);
      if (!Array.isArray(source.fields) || source.fields.length === 0 || source.fields.length > MAX_CLAIMS) {
        throw new CertificateTypeError(`${at}.fields must list from 1 to ${MAX_CLAIMS} fields`);
      }
      const fields = source.fields.map((field: unknown, i: number) => checkField(field, `${at}.fields[${i}]`));
      const twice = fields.find((field, i) => fields.indexOf(field) !== i);
      if (twice) throw new CertificateTypeError(`${at}.fields lists "${twice}" twice`);
      claims[name] = { from: source.from, all: true, fields };
    }
  }
  const used = new Set(Object.values(claims).map((source) => source.from));
  const unused = dataItems.find((item) => !used.has(item));
  if (unused) throw new CertificateTypeError(`dataItems lists "${unused}" but no claim comes from it (the issuance reads exactly the dataItems)`);
  return claims;
}

function parseConditions(value: unknown, claims: Record<string, ClaimSource>): Condition[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value) || value.length > 16) throw new CertificateTypeError('conditions must be a list of at most 16 conditions');
  return value.map((raw: unknown, i: number): Condition => {
    const at = `conditions[${i}]`;
    const c = object(raw, at);
    const claim = (field: string, single: boolean | null): string => {
      const name = c[field];
      if (typeof name !== 'string' || !Object.hasOwn(claims, name)) throw new CertificateTypeError(`${at}.${field} must name one of the type's claims`);
      if (single !== null && single !== 'field' in claims[name]!) {
        throw new CertificateTypeError(`${at}.${field} "${name}" must be a claim ${single ? 'from a single field' : 'over all records ("all": true)'}`);
      }
      return name;
    };
    if (c.ageAtLeast !== undefined) {
      known(c, ['ageAtLeast', 'birthDateClaim'], at);
      if (typeof c.ageAtLeast !== 'number' || !Number.isInteger(c.ageAtLeast) || c.ageAtLeast < 1 || c.ageAtLeast > MAX_AGE) {
        throw new CertificateTypeError(`${at}.ageAtLeast must be a whole number of years from 1 to ${MAX_AGE}`);
      }
      return { ageAtLeast: c.ageAtLeast, birthDateClaim: claim('birthDateClaim', true) };
    }
    if (c.in !== undefined) {
      known(c, ['claim', 'in'], at);
      const name = claim('claim', true);
      if (!Array.isArray(c.in) || c.in.length === 0 || c.in.length > 64 || !c.in.every((v) => ['string', 'number', 'boolean'].includes(typeof v))) {
        throw new CertificateTypeError(`${at}.in must list from 1 to 64 strings, numbers or booleans`);
      }
      return { claim: name, in: [...(c.in as Array<string | number | boolean>)] };
    }
    if (c.nonEmpty !== undefined) {
      known(c, ['claim', 'nonEmpty'], at);
      if (c.nonEmpty !== true) throw new CertificateTypeError(`${at}.nonEmpty must be true`);
      return { claim: claim('claim', false), nonEmpty: true };
    }
    throw new CertificateTypeError(`${at} must be {"claim", "in"}, {"ageAtLeast", "birthDateClaim"} or {"claim", "nonEmpty": true}`);
  });
}

function parseClaimsSchema(
  value: unknown,
  claims: Record<string, ClaimSource>,
  itemSchemas: ReadonlyMap<string, Record<string, unknown>>,
): Record<string, unknown> {
  const schema = object(value, 'claimsSchema');
  if (schema.$schema !== undefined && schema.$schema !== 'https://json-schema.org/draft/2020-12/schema') {
    throw new CertificateTypeError('claimsSchema.$schema must be "https://json-schema.org/draft/2020-12/schema" or absent');
  }
  if (schema.type !== 'object') throw new CertificateTypeError('claimsSchema.type must be "object"');
  if (schema.additionalProperties !== false) throw new CertificateTypeError('claimsSchema.additionalProperties must be false');
  const properties = object(schema.properties, 'claimsSchema.properties');
  const names = Object.keys(claims);
  const missing = names.find((name) => !Object.hasOwn(properties, name));
  if (missing) throw new CertificateTypeError(`claimsSchema.properties lacks the claim "${missing}"`);
  const extra = Object.keys(properties).find((name) => !Object.hasOwn(claims, name));
  if (extra) throw new CertificateTypeError(`claimsSchema.properties.${extra} is not a claim of the type`);
  const required = Array.isArray(schema.required) ? (schema.required as unknown[]) : [];
  const notRequired = names.find((name) => !required.includes(name));
  if (notRequired) throw new CertificateTypeError(`claimsSchema.required must list every claim; "${notRequired}" is missing`);

  // Dates stay recognisable as dates: a claim taken from a date field says "format": "date".
  for (const [name, source] of Object.entries(claims)) {
    const fields = itemProperties(itemSchemas.get(source.from)!);
    if ('field' in source) {
      if (mentionsDateFormat(fields[source.field]) && !mentionsDateFormat(properties[name])) {
        throw new CertificateTypeError(`claimsSchema.properties.${name} must say "format": "date" (${source.from}.${source.field} is a date)`);
      }
    } else {
      const itemProps = property(property(properties[name], 'items'), 'properties');
      for (const field of source.fields) {
        if (mentionsDateFormat(fields[field]) && !mentionsDateFormat(property(itemProps, field))) {
          throw new CertificateTypeError(
            `claimsSchema.properties.${name}.items.properties.${field} must say "format": "date" (${source.from}.${field} is a date)`,
          );
        }
      }
    }
  }
  try {
    compileClaimsSchema(schema);
  } catch (error) {
    throw new CertificateTypeError(`claimsSchema does not compile as JSON Schema 2020-12: ${(error as Error).message}`);
  }
  return schema;
}

const compiled = new WeakMap<object, ValidateFunction>();

/**
 * The validator of a claims schema, compiled once per schema object (strict: unknown keywords or
 * formats are errors). Throws when the schema is not valid JSON Schema 2020-12.
 */
export function compileClaimsSchema(schema: Record<string, unknown>): ValidateFunction {
  let validate = compiled.get(schema);
  if (!validate) {
    const ajv = new Ajv2020({ allErrors: false, strict: true, allowUnionTypes: true });
    addFormats(ajv, ['date', 'date-time']);
    validate = ajv.compile(schema);
    compiled.set(schema, validate);
  }
  return validate;
}

/**
 * Every name a type's credentials carry in `credentialSubject`: each claim, and the fields of the
 * objects an `all` claim lists, with whether the claims schema makes it a date. What onegate's
 * JSON-LD context must define (see `claimTermProblems`).
 */
export function claimTerms(type: CertificateType): ClaimTerm[] {
  const properties = property(type.claimsSchema, 'properties');
  return Object.entries(type.claims).flatMap(([name, source]): ClaimTerm[] => {
    const schema = property(properties, name);
    if ('field' in source) return [{ at: `claims.${name}`, name, date: mentionsDateFormat(schema) }];
    const fields = property(property(schema, 'items'), 'properties');
    return [
      { at: `claims.${name}`, name, date: false },
      ...source.fields.map((field, i) => ({ at: `claims.${name}.fields[${i}]`, name: field, date: mentionsDateFormat(property(fields, field)) })),
    ];
  });
}

/**
 * Checks that onegate's JSON-LD context defines every claim name of every type (see
 * `claimTermProblems`): a type whose credentials a JSON-LD processor would reject is not loaded.
 * Throws CertificateTypeError naming the type's file and the claim.
 */
export function checkClaimTerms(types: readonly CertificateType[], context: LoadedContext): void {
  for (const type of types) {
    const [problem] = claimTermProblems(claimTerms(type), context);
    if (problem) throw new CertificateTypeError(`schemas/certificates/${type.code}.json: ${problem}`);
  }
}

function itemProperties(schema: Record<string, unknown>): Record<string, unknown> {
  const properties = schema.properties;
  return typeof properties === 'object' && properties !== null ? (properties as Record<string, unknown>) : {};
}

function property(schema: unknown, name: string): unknown {
  return typeof schema === 'object' && schema !== null && !Array.isArray(schema) ? (schema as Record<string, unknown>)[name] : undefined;
}

/** Whether a (sub)schema says "format": "date" itself or in one of its oneOf / anyOf branches. */
function mentionsDateFormat(schema: unknown): boolean {
  if (property(schema, 'format') === 'date') return true;
  return ['oneOf', 'anyOf'].some((keyword) => {
    const branches = property(schema, keyword);
    return Array.isArray(branches) && branches.some((branch) => property(branch, 'format') === 'date');
  });
}

function object(value: unknown, field: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new CertificateTypeError(`${field} must be an object`);
  return value as Record<string, unknown>;
}

function known(value: Record<string, unknown>, keys: readonly string[], at: string): void {
  const unknown = Object.keys(value).find((key) => !keys.includes(key));
  if (unknown) throw new CertificateTypeError(`${at ? `${at}.` : ''}${unknown} is not a known field (expected ${keys.join(', ')})`);
}

function text(value: unknown, field: string, max: number, optional = false): string | null {
  if ((value === undefined || value === null) && optional) return null;
  if (typeof value !== 'string' || value.trim() === '' || value.length > max) {
    throw new CertificateTypeError(`${field} must be a non-empty string of at most ${max} characters`);
  }
  return value;
}

function codeList(value: unknown, field: string, known: ReadonlyMap<string, unknown>, what: string): string[] {
  if (!Array.isArray(value) || value.length > 64) throw new CertificateTypeError(`${field} must be a list of at most 64 codes`);
  const seen = new Set<string>();
  for (const [i, code] of value.entries()) {
    if (typeof code !== 'string' || !known.has(code)) throw new CertificateTypeError(`${field}[${i}] "${String(code)}" is not a ${what} in the catalog`);
    if (seen.has(code)) throw new CertificateTypeError(`${field} lists "${code}" twice`);
    seen.add(code);
  }
  return [...seen];
}
