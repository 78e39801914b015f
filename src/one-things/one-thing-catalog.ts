import { Injectable } from '@nestjs/common';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ErrorObject } from 'ajv';
import { readCatalogFiles, type CatalogDataItem } from '../catalog/catalog-files.js';
import type { MatterDefinition } from '../catalog/matter-definition.js';
import { CertificateCatalog } from '../certificates/certificate-catalog.js';
import { isDecidingDepartment } from '../common/departments.js';
import { projectRoot } from '../common/project-root.js';
import { guidanceNames, type GuidanceNames } from './guidance.js';
import { recordsPathParts, type OneThingDefinition, type OneThingRule } from './one-thing-definition.js';
import { Ajv2020 } from '../common/json-schema.js';

/** The JSON Schema of a one thing file, beside the files it checks. */
export const ONE_THING_SCHEMA_FILE = 'one-thing.schema.json';

/** What a one thing's codes are checked against: the catalog as declared under schemas/. */
export interface OneThingCatalogContext {
  matters: readonly MatterDefinition[];
  dataItems: readonly CatalogDataItem[];
  certificateTypes: readonly string[];
}

/** A one thing file that does not hold: `path` is a JSON Pointer into the file. */
export class OneThingDefinitionError extends Error {
  constructor(
    readonly path: string,
    message: string,
  ) {
    super(`${path || '/'}: ${message}`);
    this.name = 'OneThingDefinitionError';
  }
}

/**
 * Reads every schemas/one-things/<CODE>.json file: each is checked against one-thing.schema.json
 * (ajv), then against the catalog — the case's matter and its party roles, the data items each role
 * may read, the certificate types, the deciding departments — and against itself: every matter,
 * requirement, question and option it names is declared, rules name existing things, `after` has no
 * cycle. A file that does not hold stops start-up with its name and the JSON Pointer at fault.
 */
export function readOneThings(context: OneThingCatalogContext, dir = join(projectRoot(), 'schemas', 'one-things')): OneThingDefinition[] {
  const validate = new Ajv2020({ strict: true, allErrors: false }).compile(readJson(join(dir, ONE_THING_SCHEMA_FILE)) as object);
  const names = readdirSync(dir)
    .filter((name) => name.endsWith('.json') && name !== ONE_THING_SCHEMA_FILE)
    .sort();
  const things: OneThingDefinition[] = [];
  const matterOwners = new Map<string, string>();
  for (const name of names) {
    const file = join(dir, name);
    const raw = readJson(file);
    try {
      if (!validate(raw)) throw schemaError(validate.errors ?? []);
      const thing = raw as OneThingDefinition;
      if (`${thing.code}.json` !== name) throw new OneThingDefinitionError('/code', `the file must be named "${thing.code}.json"`);
      checkOneThing(thing, context);
      thing.matters.forEach((matter, i) => {
        const owner = matterOwners.get(matter.code);
        if (owner) throw new OneThingDefinitionError(`/matters/${i}/code`, `matter "${matter.code}" is already a matter of ${owner}`);
        matterOwners.set(matter.code, thing.code);
      });
      things.push(deepFreeze(thing));
    } catch (error) {
      if (error instanceof OneThingDefinitionError) throw new Error(`${file}: ${error.message}`, { cause: error });
      throw error;
    }
  }
  return things;
}

function schemaError(errors: readonly ErrorObject[]): OneThingDefinitionError {
  // The deepest error says most: a oneOf's own complaint only repeats that no branch held.
  const error = [...errors].sort((a, b) => b.instancePath.length - a.instancePath.length)[0];
  if (!error) return new OneThingDefinitionError('', 'does not match one-thing.schema.json');
  const extra = error.keyword === 'additionalProperties' ? ` ("${String((error.params as { additionalProperty: string }).additionalProperty)}")` : '';
  const allowed = error.keyword === 'enum' ? `: ${(error.params as { allowedValues: unknown[] }).allowedValues.join(', ')}` : '';
  return new OneThingDefinitionError(error.instancePath, `${error.message ?? 'is not valid'}${extra}${allowed}`);
}

/** The checks a JSON Schema cannot make: every code named exists, here or in the catalog. */
export function checkOneThing(thing: OneThingDefinition, context: OneThingCatalogContext): void {
  const fail = (path: string, message: string): never => {
    throw new OneThingDefinitionError(path, message);
  };
  const caseMatter = context.matters.find((m) => m.code === thing.caseMatter);
  if (!caseMatter) fail('/caseMatter', `"${thing.caseMatter}" is not a matter in schemas/matters`);
  if (!caseMatter!.parties.length) fail('/caseMatter', `matter "${thing.caseMatter}" declares no party roles: it is not handled as a case`);
  const roles = new Map(caseMatter!.parties.map((p) => [p.role, p]));
  const itemCodes = new Set(context.dataItems.map((item) => item.code));
  const certificateTypes = new Set(context.certificateTypes);
  const role = (path: string, code: string) => roles.get(code) ?? fail(path, `role "${code}" is not a party role of ${thing.caseMatter}`);
  const readable = (path: string, roleCode: string, item: string) => {
    if (!itemCodes.has(item)) fail(path, `data item "${item}" is not in schemas/data-items`);
    if (!role(path, roleCode).dataItems.includes(item)) fail(path, `${thing.caseMatter} may not read "${item}" for its ${roleCode}`);
  };

  const unique = <T>(list: readonly T[], key: (value: T) => string, path: string, what: string) => {
    const seen = new Set<string>();
    list.forEach((value, i) => {
      const code = key(value);
      if (seen.has(code)) fail(`${path}/${i}`, `${what} "${code}" is declared twice`);
      seen.add(code);
    });
  };
  unique(thing.matters, (m) => m.code, '/matters', 'matter');
  unique(thing.requirements, (r) => r.code, '/requirements', 'requirement');
  unique(thing.questions, (q) => q.key, '/questions', 'question');
  unique(thing.rules, (r) => r.name, '/rules', 'rule name');
  unique(thing.form.fields, (f) => f.key, '/form/fields', 'field');
  thing.questions.forEach((q, i) => unique(q.options, (o) => o.value, `/questions/${i}/options`, 'option'));

  const matters = new Map(thing.matters.map((m) => [m.code, m]));
  const requirements = new Map(thing.requirements.map((r) => [r.code, r]));
  const questions = new Map(thing.questions.map((q) => [q.key, q]));

  thing.matters.forEach((matter, i) => {
    if (!isDecidingDepartment(matter.department))
      fail(`/matters/${i}/department`, `"${matter.department}" is not a deciding department (src/common/departments.ts)`);
    matter.after.forEach((code, j) => {
      if (!matters.has(code)) fail(`/matters/${i}/after/${j}`, `"${code}" is not a matter of ${thing.code}`);
      if (code === matter.code) fail(`/matters/${i}/after/${j}`, 'a matter cannot wait for itself');
    });
    matter.requirements.forEach((code, j) => {
      if (!requirements.has(code)) fail(`/matters/${i}/requirements/${j}`, `requirement "${code}" is not declared in requirements`);
    });
  });
  checkNoCycle(thing);

  thing.requirements.forEach((requirement, i) => {
    requirement.roles.forEach((code, j) => role(`/requirements/${i}/roles/${j}`, code));
    requirement.satisfiedBy.dataItems.forEach((item, j) => {
      const path = `/requirements/${i}/satisfiedBy/dataItems/${j}`;
      if (!itemCodes.has(item)) fail(path, `data item "${item}" is not in schemas/data-items`);
      if (!requirement.roles.some((r) => roles.get(r)!.dataItems.includes(item)))
        fail(path, `none of ${requirement.roles.join(', ')} may be read for "${item}" under ${thing.caseMatter}`);
    });
    requirement.satisfiedBy.certificateTypes.forEach((type, j) => {
      if (!certificateTypes.has(type))
        fail(`/requirements/${i}/satisfiedBy/certificateTypes/${j}`, `"${type}" is not a certificate type in schemas/certificates`);
    });
    if (requirement.satisfiedBy.relation) {
      const without = requirement.roles.find((r) => !roles.get(r)!.relation);
      if (without) fail(`/requirements/${i}/satisfiedBy/relation`, `role ${without} has no relation to prove in ${thing.caseMatter}`);
    }
    const used =
      thing.matters.some((m) => m.requirements.includes(requirement.code)) ||
      thing.rules.some((r) => r.event.type === 'requirement' && r.event.params.code === requirement.code);
    if (!used) fail(`/requirements/${i}`, `requirement "${requirement.code}" is required by no matter and added by no rule`);
  });

  const option = (path: string, key: string, value: unknown) => {
    const question = questions.get(key) ?? fail(path, `question "${key}" is not declared in questions`);
    if (typeof value !== 'string' || !question.options.some((o) => o.value === value)) fail(path, `"${String(value)}" is not an option of question "${key}"`);
  };
  thing.rules.forEach((rule, i) => {
    checkConditions(rule.conditions, `/rules/${i}/conditions`, { role, readable, option, fail });
    const path = `/rules/${i}/event/params`;
    const event = rule.event;
    switch (event.type) {
      case 'matter': {
        const matter = matters.get(event.params.code) ?? fail(path, `"${event.params.code}" is not a matter of ${thing.code}`);
        if (matter.when !== 'RULE') fail(path, `matter "${matter.code}" is ALWAYS selected: only a RULE matter is selected by a rule`);
        break;
      }
      case 'dropMatter':
        if (!matters.has(event.params.code)) fail(path, `"${event.params.code}" is not a matter of ${thing.code}`);
        break;
      case 'requirement':
        if (!matters.has(event.params.matter)) fail(path, `"${event.params.matter}" is not a matter of ${thing.code}`);
        if (!requirements.has(event.params.code)) fail(path, `requirement "${event.params.code}" is not declared in requirements`);
        break;
      case 'answer':
        option(path, event.params.question, event.params.value);
        break;
    }
  });
  thing.matters.forEach((matter, i) => {
    if (matter.when === 'RULE' && !thing.rules.some((r) => r.event.type === 'matter' && r.event.params.code === matter.code))
      fail(`/matters/${i}/when`, `matter "${matter.code}" is selected by a rule, but no rule selects it`);
  });

  thing.form.fields.forEach((field, i) => {
    const path = `/form/fields/${i}`;
    field.matters?.forEach((code, j) => {
      if (!matters.has(code)) fail(`${path}/matters/${j}`, `"${code}" is not a matter of ${thing.code}`);
    });
    const source = field.source;
    if (source.kind === 'record') {
      readable(`${path}/source`, source.role, source.item);
      const schema = context.dataItems.find((item) => item.code === source.item)!.schema as { properties?: Record<string, unknown> };
      const first = source.path.split('.')[0]!;
      if (!schema.properties || !(first in schema.properties)) fail(`${path}/source/path`, `"${first}" is not a field of ${source.item}`);
    }
    if (source.kind === 'answer' && !questions.has(source.question))
      fail(`${path}/source/question`, `question "${source.question}" is not declared in questions`);
    const hasOptions = field.options !== undefined || source.kind === 'answer';
    if (field.type === 'select' && !hasOptions) fail(`${path}/type`, 'a select field needs options, or an answer as its source');
    if (field.type !== 'select' && field.options) fail(`${path}/options`, 'only a select field has options');
  });
}

interface ConditionChecks {
  role: (path: string, code: string) => unknown;
  readable: (path: string, role: string, item: string) => void;
  option: (path: string, key: string, value: unknown) => void;
  fail: (path: string, message: string) => never;
}

/** Walks a json-rules-engine condition tree: every question, option, role and data item it names exists. */
function checkConditions(condition: OneThingRule['conditions'], path: string, checks: ConditionChecks): void {
  const c = condition as Record<string, unknown>;
  for (const key of ['all', 'any'] as const) {
    if (Array.isArray(c[key])) (c[key] as Record<string, unknown>[]).forEach((child, i) => checkConditions(child, `${path}/${key}/${i}`, checks));
  }
  if (c.not) checkConditions(c.not as Record<string, unknown>, `${path}/not`, checks);
  if (typeof c.fact !== 'string') return;
  const records = (at: string, p: string) => {
    const parts = recordsPathParts(p) ?? checks.fail(at, `"${p}" is not a path of the form $.ROLE['data.item'].field`);
    checks.readable(at, parts.role, parts.item);
  };
  if (c.fact === 'answers') {
    const key = String(c.path).slice(2);
    const values = Array.isArray(c.value) ? c.value : [c.value];
    values.forEach((value) => checks.option(`${path}/value`, key, value));
  } else if (c.fact === 'records') {
    records(`${path}/path`, String(c.path));
  } else if (c.fact === 'parties') {
    checks.role(`${path}/value`, String(c.value));
  }
  const value = c.value as { fact?: unknown; path?: unknown } | null;
  if (value && typeof value === 'object' && !Array.isArray(value) && value.fact === 'records') records(`${path}/value/path`, String(value.path));
}

/** `after` must be a partial order: a cycle would leave its tasks waiting for each other forever. */
function checkNoCycle(thing: OneThingDefinition): void {
  const after = new Map(thing.matters.map((m) => [m.code, m.after]));
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (code: string, trail: string[]) => {
    if (state.get(code) === 'done') return;
    if (state.get(code) === 'visiting') {
      const i = thing.matters.findIndex((m) => m.code === trail[0]);
      throw new OneThingDefinitionError(`/matters/${i}/after`, `"after" has a cycle: ${[...trail.slice(trail.indexOf(code)), code].join(' → ')}`);
    }
    state.set(code, 'visiting');
    for (const next of after.get(code) ?? []) visit(next, [...trail, code]);
    state.set(code, 'done');
  };
  for (const matter of thing.matters) visit(matter.code, []);
}

function readJson(file: string): unknown {
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new Error(`${file}: ${(error as Error).message}`, { cause: error });
  }
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}

/**
 * The one things (schemas/one-things/), read and checked once at start-up against the catalog as
 * declared (schemas/matters, data-items, certificates): a file that does not hold stops the gateway
 * with a message naming it and the path at fault.
 */
@Injectable()
export class OneThingCatalog {
  private readonly things: readonly OneThingDefinition[];
  private readonly byCode: ReadonlyMap<string, OneThingDefinition>;
  private readonly names: ReadonlyMap<string, GuidanceNames>;

  constructor(certificates: CertificateCatalog) {
    const files = readCatalogFiles();
    this.things = readOneThings({ matters: files.matters, dataItems: files.dataItems, certificateTypes: certificates.types.map((t) => t.code) });
    this.byCode = new Map(this.things.map((t) => [t.code, t]));
    this.names = new Map(
      this.things.map((t) => [t.code, guidanceNames(t, { matters: files.matters, dataItems: files.dataItems, certificateTypes: certificates.types })]),
    );
  }

  /** The words a one thing's reasons use for its party roles, data items and certificate types. */
  namesOf(thing: OneThingDefinition): GuidanceNames {
    return this.names.get(thing.code)!;
  }

  list(): readonly OneThingDefinition[] {
    return this.things;
  }

  /** The parsed definition; undefined for an unknown code. */
  get(code: string): OneThingDefinition | undefined {
    return this.byCode.get(code);
  }
}
