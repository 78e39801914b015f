import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isDepartmentCode, type DepartmentCode } from '../common/departments.js';
import { parseCreditCode } from '../common/identifiers/credit-code.js';
import { projectRoot } from '../common/project-root.js';
import { DATA_ITEM_CODE, MatterDefinitionError, parseMatterDefinition, type MatterDefinition } from './matter-definition.js';

export interface CatalogDepartment {
  code: DepartmentCode;
  name: string;
  /** The department's unified social credit code (GB 32100-2015), used in certificate identifiers and certificates. */
  creditCode: string;
  holds: string[];
  /** How the gateway reaches the department, as declared (validated by the exchange's connector config). */
  connector: unknown;
}

export interface CatalogDataItem {
  code: string;
  department: DepartmentCode;
  title: string;
  schema: Record<string, unknown>;
}

export interface CatalogFiles {
  departments: CatalogDepartment[];
  dataItems: CatalogDataItem[];
  matters: MatterDefinition[];
}

/**
 * Reads the catalog as declared under schemas/: departments.json, one JSON Schema per data item
 * in schemas/data-items/ (whose `x-onegate` keyword names the item and its department) and one
 * file per matter in schemas/matters/. A malformed file stops start-up with a message naming it.
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
  const dataItems = readdirSync(itemsDir)
    .filter((name) => name.endsWith('.json'))
    .sort()
    .map((name): CatalogDataItem => {
      const file = join(itemsDir, name);
      const schema = readJson(file) as Record<string, unknown>;
      const meta = schema['x-onegate'] as { code?: unknown; department?: unknown } | undefined;
      if (typeof meta?.code !== 'string' || !DATA_ITEM_CODE.test(meta.code)) {
        throw new Error(`${file}: "x-onegate.code" must be a data item code like "household.registration"`);
      }
      if (`${meta.code}.json` !== name) throw new Error(`${file}: file name must be "${meta.code}.json"`);
      if (!isDepartmentCode(meta.department) || !departments.some((d) => d.code === meta.department)) {
        throw new Error(`${file}: "x-onegate.department" must be one of the departments in departments.json`);
      }
      if (typeof schema.title !== 'string') throw new Error(`${file}: "title" is required`);
      return { code: meta.code, department: meta.department, title: schema.title, schema };
    });

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
        if (error instanceof MatterDefinitionError) throw new Error(`${file}: ${error.message}`);
        throw error;
      }
    });
  return { departments, dataItems, matters };
}

function readJson(file: string): unknown {
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new Error(`${file}: ${(error as Error).message}`);
  }
}
