import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isDepartmentCode, type DepartmentCode } from '../common/departments.js';
import { parseCreditCode } from '../common/identifiers/credit-code.js';
import { projectRoot } from '../common/project-root.js';
import { DataItemDefinitionError, fieldShapes, parseDataItemDefinition, type DataItemDefinition } from './data-item-definition.js';
import { MatterDefinitionError, parseMatterDefinition, type MatterDefinition } from './matter-definition.js';

export interface CatalogDepartment {
  code: DepartmentCode;
  name: string;
  /** The department's unified social credit code (GB 32100-2015), used in certificate identifiers and certificates. */
  creditCode: string;
  holds: string[];
  /** How the gateway reaches the department, as declared (validated by the exchange's connector config). */
  connector: unknown;
}

/** A data item as its file declares it (see data-item-definition.ts). */
export type CatalogDataItem = DataItemDefinition;

export interface CatalogFiles {
  departments: CatalogDepartment[];
  dataItems: CatalogDataItem[];
  matters: MatterDefinition[];
}

/**
 * Reads the catalog as declared under schemas/ (or a deployment's CATALOG_DIR): departments.json,
 * one JSON Schema per data item in data-items/ (whose `x-onegate` keyword says everything else about
 * the item: its department, view and source) and one file per matter in matters/. A malformed file
 * stops start-up with a message naming it.
 */
export function readCatalogFiles(schemasDir = join(projectRoot(), 'schemas')): CatalogFiles {
  const departmentsFile = join(schemasDir, 'departments.json');
  const declared = readJson(departmentsFile) as { departments?: unknown };
  if (!Array.isArray(declared.departments)) throw new Error(`${departmentsFile}: "departments" must be an array`);
  const departments = declared.departments.map((d: Record<string, unknown>, i: number): CatalogDepartment => {
    if (!isDepartmentCode(d.code)) throw new Error(`${departmentsFile}: departments[${i}].code "${String(d.code)}" is not a known department code`);
    if (typeof d.name !== 'string' || !d.name) throw new Error(`${departmentsFile}: departments[${i}].name is required`);
    if (d.creditCode === undefined || d.creditCode === null) throw new Error(`${departmentsFile}: departments[${i}].creditCode is required`);
    const creditCode = parseCreditCode(d.creditCode);
    if (!creditCode.ok) throw new Error(`${departmentsFile}: departments[${i}].creditCode is not a valid unified social credit code: ${creditCode.message}`);
    const holds = Array.isArray(d.holds) ? d.holds.map(String) : [];
    return { code: d.code, name: d.name, creditCode: creditCode.value, holds, connector: d.connector ?? { kind: 'database' } };
  });
  for (const [i, department] of departments.entries()) {
    const first = departments.findIndex((other) => other.creditCode === department.creditCode);
    if (first !== i) throw new Error(`${departmentsFile}: departments[${i}].creditCode is the same as departments[${first}].creditCode`);
  }

  const itemsDir = join(schemasDir, 'data-items');
  const declaredDepartments = new Set(departments.map((d) => d.code));
  const dataItems = readdirSync(itemsDir)
    .filter((name) => name.endsWith('.json'))
    .sort()
    .map((name): CatalogDataItem => {
      const file = join(itemsDir, name);
      try {
        const item = parseDataItemDefinition(readJson(file), declaredDepartments);
        if (`${item.code}.json` !== name) throw new DataItemDefinitionError(`file name must be "${item.code}.json"`);
        return item;
      } catch (error) {
        if (error instanceof DataItemDefinitionError) throw new Error(`${file}: ${error.message}`, { cause: error });
        throw error;
      }
    });
  checkViews(itemsDir, dataItems);

  const itemCodes = new Set(dataItems.map((item) => item.code));
  const mattersDir = join(schemasDir, 'matters');
  const matters = readdirSync(mattersDir)
    .filter((name) => name.endsWith('.json'))
    .sort()
    .map((name) => {
      const file = join(mattersDir, name);
      try {
        const matter = parseMatterDefinition(readJson(file), itemCodes);
        if (`${matter.code}.json` !== name) throw new MatterDefinitionError(`file name must be "${matter.code}.json"`);
        return matter;
      } catch (error) {
        if (error instanceof MatterDefinitionError) throw new Error(`${file}: ${error.message}`, { cause: error });
        throw error;
      }
    });
  return { departments, dataItems, matters };
}

/** Two items may not be the same field of a view, nor two types of one name. */
function checkViews(itemsDir: string, items: readonly CatalogDataItem[]): void {
  const fields = new Map<string, string>();
  const types = new Map<string, string>();
  for (const item of items) {
    const field = `${item.subject}:${item.view.field}`;
    if (fields.has(field)) throw new Error(`${itemsDir}: ${item.code} and ${fields.get(field)} are both released as "${item.view.field}"`);
    fields.set(field, item.code);
    for (const type of typeNames(item)) {
      if (types.has(type) && types.get(type) !== item.code)
        throw new Error(`${itemsDir}: ${item.code} and ${types.get(type)} both declare the GraphQL type "${type}"`);
      types.set(type, item.code);
    }
  }
}

function typeNames(item: CatalogDataItem): string[] {
  const names = [item.view.type];
  const visit = (shapes: ReturnType<typeof fieldShapes>) => {
    for (const { shape } of shapes) {
      const inner = shape.kind === 'list' ? shape.of : shape;
      if (inner.kind === 'object') {
        names.push(inner.type);
        visit(inner.fields);
      }
    }
  };
  visit(fieldShapes(item.schema, 'properties'));
  return names;
}

function readJson(file: string): unknown {
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new Error(`${file}: ${(error as Error).message}`, { cause: error });
  }
}
