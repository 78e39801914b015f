import { isDepartmentCode, type DepartmentCode } from '../common/departments.js';
import { DATA_ITEM_CODE, MATTER_SUBJECTS, type MatterSubject } from './matter-definition.js';

/**
 * A data item (数据项): one kind of record a department shares, declared in one file,
 * schemas/data-items/<code>.json. The file is the record's JSON Schema (2020-12); its `x-onegate`
 * keyword says everything else the gateway needs, so that adding an item is adding that file (and
 * the department's data):
 *
 *   code, department   the item and the department that owns it
 *   nameZh             its name in Chinese (the file's `title` is its English name)
 *   subject            PERSON (keyed by ID number) or ENTERPRISE (keyed by credit code)
 *   view               the GraphQL field of CitizenView / EnterpriseView that releases it, and the
 *                      object type of one record (fields and nullability follow the JSON Schema;
 *                      a nested object names its own type with `x-onegate.type`)
 *   source             how the database connector reads it: the table or view in the department's
 *                      own schema, the subject column, one column per record field, the order
 *
 * A property may carry `x-onegate.link` (a field holding another subject's ID number or credit
 * code): the record's type then has a field that looks that subject up under the same purpose, a
 * lookup of its own (e.g. the spouse of a marriage).
 */
export interface DataItemDefinition {
  code: string;
  department: DepartmentCode;
  subject: MatterSubject;
  title: string;
  /** Its name in Chinese (`x-onegate.nameZh`), as the hall's clerks and citizens read it, e.g. 出生医学证明. */
  nameZh: string;
  /** The JSON Schema every record must satisfy, as published (`x-onegate.source` left out: how the department's store is read is not the item's contract). */
  schema: Record<string, unknown>;
  view: DataItemView;
  /** Absent: no database source (a department reached only through its HTTP API). */
  source: DataItemSource | null;
}

export interface DataItemView {
  /** The field of the subject's view (CitizenView or EnterpriseView) that releases the item. */
  field: string;
  description: string | null;
  /** The GraphQL object type of one record. */
  type: string;
  typeDescription: string | null;
  /** A list of records (a subject may have many) rather than at most one. */
  list: boolean;
}

export interface DataItemSource {
  /** Table or view in the department's own schema. */
  from: string;
  /** Its column holding the subject (ID number or credit code). */
  subject: string;
  /** Record field → column. A column's value is converted to the field's JSON type (string, number). */
  columns: Record<string, string>;
  /** The order of one subject's records. */
  orderBy: Array<{ column: string; descending: boolean }>;
}

/** What one value of a record is, as GraphQL and the source query need to know it. */
export type ValueShape =
  | { kind: 'string' | 'integer' | 'number' | 'boolean'; nullable: boolean }
  | { kind: 'list'; nullable: boolean; of: ValueShape }
  | { kind: 'object'; nullable: boolean; type: string; description: string | null; fields: FieldShape[] };

export interface FieldShape {
  name: string;
  description: string | null;
  shape: ValueShape;
  link: FieldLink | null;
}

/** A field holding another subject's identifier, exposed as that subject's view looked up under the same purpose. */
export interface FieldLink {
  field: string;
  subject: MatterSubject;
  description: string | null;
}

const GRAPHQL_NAME = /^[_A-Za-z][_0-9A-Za-z]*$/;
const SQL_NAME = /^[a-z_][a-z0-9_]{0,62}$/;
/** json_build_object takes at most 100 arguments: 50 fields. */
const MAX_SOURCE_COLUMNS = 50;

export class DataItemDefinitionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DataItemDefinitionError';
  }
}

/** Validates one data item file (parsed JSON) against the departments it may name; throws DataItemDefinitionError saying what is wrong. */
export function parseDataItemDefinition(raw: unknown, departments: ReadonlySet<DepartmentCode>): DataItemDefinition {
  if (!isObject(raw)) throw new DataItemDefinitionError('must be a JSON Schema object');
  const meta = raw['x-onegate'];
  if (!isObject(meta)) throw new DataItemDefinitionError('"x-onegate" is required');
  if (typeof meta.code !== 'string' || !DATA_ITEM_CODE.test(meta.code) || meta.code.length > 64) {
    throw new DataItemDefinitionError('"x-onegate.code" must be a data item code like "household.registration"');
  }
  if (!isDepartmentCode(meta.department) || !departments.has(meta.department)) {
    throw new DataItemDefinitionError('"x-onegate.department" must be one of the departments in departments.json');
  }
  if (!(MATTER_SUBJECTS as readonly unknown[]).includes(meta.subject)) throw new DataItemDefinitionError('"x-onegate.subject" must be PERSON or ENTERPRISE');
  if (typeof raw.title !== 'string' || !raw.title || raw.title.length > 200) throw new DataItemDefinitionError('"title" is required (at most 200 characters)');
  if (typeof meta.nameZh !== 'string' || !meta.nameZh.trim() || meta.nameZh.length > 100) {
    throw new DataItemDefinitionError('"x-onegate.nameZh" is required: the item\'s name in Chinese, e.g. "出生医学证明" (at most 100 characters)');
  }
  if (raw.type !== 'object' || !isObject(raw.properties)) throw new DataItemDefinitionError('a record must be "type": "object" with "properties"');

  const fields = fieldShapes(raw, 'properties');
  const view = parseView(meta.view);
  // A released record carries its provenance (`source`) and the lookup it belongs to (`view`).
  const taken = fields.flatMap((f) => [f.name, f.link?.field]).find((name) => name === 'source' || name === 'view' || name === 'constructor');
  if (taken) throw new DataItemDefinitionError(`properties: "${taken}" is reserved for the released record; no property or link may take the name`);
  const source = meta.source === undefined ? null : parseSource(meta.source, raw);
  const { source: _omitted, ...published } = meta;
  return {
    code: meta.code,
    department: meta.department,
    subject: meta.subject as MatterSubject,
    title: raw.title,
    nameZh: meta.nameZh,
    schema: { ...raw, 'x-onegate': published },
    view,
    source,
  };
}

/** The shape of each property of a record (or nested object) schema, in declaration order. */
export function fieldShapes(schema: Record<string, unknown>, at: string): FieldShape[] {
  const properties = schema.properties as Record<string, unknown>;
  const required = new Set(Array.isArray(schema.required) ? schema.required : []);
  const names = new Set<string>();
  return Object.entries(properties).map(([name, property]) => {
    if (!GRAPHQL_NAME.test(name)) throw new DataItemDefinitionError(`${at}.${name}: a field name must be letters, digits and _ (a GraphQL name)`);
    if (!isObject(property)) throw new DataItemDefinitionError(`${at}.${name} must be a schema object`);
    const shape = valueShape(property, `${at}.${name}`, !required.has(name));
    const meta = isObject(property['x-onegate']) ? property['x-onegate'] : {};
    const link = meta.link === undefined ? null : parseLink(meta.link, shape, `${at}.${name}`);
    for (const taken of [name, link?.field]) {
      if (taken === undefined) continue;
      if (names.has(taken)) throw new DataItemDefinitionError(`${at}: "${taken}" is named twice`);
      names.add(taken);
    }
    return { name, description: optionalText(property.description, `${at}.${name}.description`), shape, link };
  });
}

/**
 * What a property's schema allows, as one GraphQL type: string (also an enum of strings), integer,
 * number, boolean, a list of one of these, or an object with a named type. Null is allowed when the
 * property is optional or its schema admits null (`"type": [..., "null"]`, or a null branch of oneOf/anyOf).
 */
function valueShape(schema: Record<string, unknown>, at: string, optional: boolean): ValueShape {
  const kinds = new Set<string>();
  collectKinds(schema, kinds, at);
  const admitsNull = kinds.delete('null');
  const nullable = optional || admitsNull;
  if (kinds.size !== 1)
    throw new DataItemDefinitionError(`${at}: must be of one JSON type (string, integer, number, boolean, array or object), optionally null`);
  const [kind] = kinds as unknown as [string];
  const branch = schemaOfKind(schema, kind);
  if (kind === 'array') {
    if (!isObject(branch.items)) throw new DataItemDefinitionError(`${at}: an array needs "items"`);
    const of = valueShape(branch.items, `${at}[]`, false);
    if (of.nullable || of.kind === 'list') throw new DataItemDefinitionError(`${at}: list items must not be null or lists`);
    return { kind: 'list', nullable, of };
  }
  if (kind === 'object') {
    const meta = isObject(branch['x-onegate']) ? branch['x-onegate'] : {};
    if (typeof meta.type !== 'string' || !GRAPHQL_NAME.test(meta.type)) {
      throw new DataItemDefinitionError(`${at}: a nested object names its GraphQL type in "x-onegate.type"`);
    }
    if (!isObject(branch.properties)) throw new DataItemDefinitionError(`${at}: a nested object needs "properties"`);
    const fields = fieldShapes(branch, at);
    if (fields.some((f) => f.link)) throw new DataItemDefinitionError(`${at}: links are allowed on a record's own fields only`);
    return { kind: 'object', nullable, type: meta.type, description: optionalText(branch.description, `${at}.description`), fields };
  }
  return { kind: kind as 'string' | 'integer' | 'number' | 'boolean', nullable };
}

function collectKinds(schema: Record<string, unknown>, kinds: Set<string>, at: string): void {
  const before = kinds.size;
  if (typeof schema.type === 'string') kinds.add(schema.type);
  else if (Array.isArray(schema.type)) for (const type of schema.type) kinds.add(String(type));
  else if (Array.isArray(schema.enum)) {
    for (const value of schema.enum)
      kinds.add(value === null ? 'null' : typeof value === 'string' ? 'string' : Number.isInteger(value) ? 'integer' : typeof value);
  }
  for (const key of ['oneOf', 'anyOf'] as const) {
    const branches = schema[key];
    if (Array.isArray(branches)) for (const branch of branches) if (isObject(branch)) collectKinds(branch, kinds, at);
  }
  if (kinds.size === before && !schema.type && !schema.enum && !schema.oneOf && !schema.anyOf) {
    throw new DataItemDefinitionError(`${at}: say its "type" (or "enum", "oneOf")`);
  }
  for (const kind of kinds) {
    if (!['string', 'integer', 'number', 'boolean', 'array', 'object', 'null'].includes(kind))
      throw new DataItemDefinitionError(`${at}: unknown type "${kind}"`);
  }
}

/** The (branch of the) schema that describes values of `kind`: the schema itself, or its oneOf/anyOf branch of that type. */
function schemaOfKind(schema: Record<string, unknown>, kind: string): Record<string, unknown> {
  for (const key of ['oneOf', 'anyOf'] as const) {
    const branches = schema[key];
    if (!Array.isArray(branches)) continue;
    for (const branch of branches) {
      if (!isObject(branch)) continue;
      const kinds = new Set<string>();
      collectKinds(branch, kinds, '');
      if (kinds.has(kind)) return schemaOfKind(branch, kind);
    }
  }
  return schema;
}

function parseView(raw: unknown): DataItemView {
  if (!isObject(raw)) throw new DataItemDefinitionError('"x-onegate.view" is required: { field, type, list, description, typeDescription }');
  if (typeof raw.field !== 'string' || !GRAPHQL_NAME.test(raw.field)) throw new DataItemDefinitionError('"x-onegate.view.field" must be a GraphQL field name');
  if (typeof raw.type !== 'string' || !GRAPHQL_NAME.test(raw.type)) throw new DataItemDefinitionError('"x-onegate.view.type" must be a GraphQL type name');
  if (raw.list !== undefined && typeof raw.list !== 'boolean') throw new DataItemDefinitionError('"x-onegate.view.list" must be true or false');
  return {
    field: raw.field,
    description: optionalText(raw.description, 'x-onegate.view.description'),
    type: raw.type,
    typeDescription: optionalText(raw.typeDescription, 'x-onegate.view.typeDescription'),
    list: raw.list === true,
  };
}

function parseLink(raw: unknown, shape: ValueShape, at: string): FieldLink {
  if (!isObject(raw) || typeof raw.field !== 'string' || !GRAPHQL_NAME.test(raw.field)) {
    throw new DataItemDefinitionError(`${at}: "x-onegate.link" must be { "field": <GraphQL field name>, "subject": "PERSON" | "ENTERPRISE", "description" }`);
  }
  if (shape.kind !== 'string') throw new DataItemDefinitionError(`${at}: only a string field (an ID number or credit code) can link to a subject`);
  const subject = raw.subject ?? 'PERSON';
  if (!(MATTER_SUBJECTS as readonly unknown[]).includes(subject))
    throw new DataItemDefinitionError(`${at}: "x-onegate.link.subject" must be PERSON or ENTERPRISE`);
  return { field: raw.field, subject: subject as MatterSubject, description: optionalText(raw.description, `${at}.x-onegate.link.description`) };
}

function parseSource(raw: unknown, schema: Record<string, unknown>): DataItemSource {
  if (!isObject(raw)) throw new DataItemDefinitionError('"x-onegate.source" must be { from, subject, columns, orderBy }');
  const name = (value: unknown, at: string): string => {
    if (typeof value !== 'string' || !SQL_NAME.test(value))
      throw new DataItemDefinitionError(`"x-onegate.source.${at}" must be a lower-case SQL name (a-z, 0-9, _)`);
    return value;
  };
  const from = name(raw.from, 'from');
  const subject = name(raw.subject, 'subject');
  if (!isObject(raw.columns)) throw new DataItemDefinitionError('"x-onegate.source.columns" must map record fields to columns');
  const properties = schema.properties as Record<string, unknown>;
  const columns: Record<string, string> = {};
  for (const [field, column] of Object.entries(raw.columns)) {
    if (!(field in properties)) throw new DataItemDefinitionError(`"x-onegate.source.columns.${field}": the record has no such property`);
    columns[field] = name(column, `columns.${field}`);
  }
  const count = Object.keys(columns).length;
  if (count === 0 || count > MAX_SOURCE_COLUMNS) throw new DataItemDefinitionError(`"x-onegate.source.columns" must name 1 to ${MAX_SOURCE_COLUMNS} fields`);
  const missing = (Array.isArray(schema.required) ? schema.required : []).find((field) => !(String(field) in columns));
  if (missing !== undefined) throw new DataItemDefinitionError(`"x-onegate.source.columns" must give the required field "${String(missing)}"`);
  if (raw.orderBy !== undefined && !Array.isArray(raw.orderBy))
    throw new DataItemDefinitionError('"x-onegate.source.orderBy" must be a list like ["valid_until DESC", "licence_number"]');
  const orderBy = ((raw.orderBy as unknown[] | undefined) ?? []).map((entry, i) => {
    const match = typeof entry === 'string' ? /^([a-z_][a-z0-9_]{0,62})(?: (ASC|DESC))?$/.exec(entry) : null;
    if (!match) throw new DataItemDefinitionError(`"x-onegate.source.orderBy[${i}]" must be a column, optionally followed by " ASC" or " DESC"`);
    return { column: match[1]!, descending: match[2] === 'DESC' };
  });
  return { from, subject, columns, orderBy };
}

function optionalText(value: unknown, at: string): string | null {
  if (value === undefined) return null;
  if (typeof value !== 'string' || !value || value.length > 500) throw new DataItemDefinitionError(`${at} must be text of at most 500 characters`);
  return value;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
