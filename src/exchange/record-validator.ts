import type { ValidateFunction } from 'ajv';
import type { ItemRecord } from './connector.js';
import { Ajv2020, addFormats } from '../common/json-schema.js';

export interface RecordProblem {
  /** Which record of the answer (0-based). */
  index: number;
  /** JSON pointer of the offending value inside the record and what is wrong; never the value itself. */
  problem: string;
}

/**
 * Checks department answers against each data item's JSON Schema (schemas/data-items/), compiled
 * once. Nothing that fails passes through: the exchange turns a failure into a field error.
 */
export class RecordValidator {
  private readonly validators = new Map<string, ValidateFunction>();

  constructor(schemas: ReadonlyArray<{ code: string; schema: Record<string, unknown> }>) {
    const ajv = new Ajv2020({ allErrors: false, strict: false });
    addFormats(ajv, ['date', 'date-time']);
    ajv.addKeyword('x-onegate');
    for (const { code, schema } of schemas) this.validators.set(code, ajv.compile(schema));
  }

  /** The first problem of the records of `item`, or null when every record is valid. */
  check(item: string, records: readonly ItemRecord[]): RecordProblem | null {
    const validate = this.validators.get(item);
    if (!validate) return { index: 0, problem: `no JSON Schema for data item ${item}` };
    for (let index = 0; index < records.length; index++) {
      if (!validate(records[index])) {
        const error = validate.errors?.[0];
        return { index, problem: `${error?.instancePath || '/'} ${error?.message ?? 'is invalid'}` };
      }
    }
    return null;
  }
}
