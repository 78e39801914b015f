import type { ErrorObject, ValidateFunction } from 'ajv';
import { parseIdNumber } from '../common/identifiers/id-number.js';
import {
  fieldOptions,
  formFieldsFor,
  type FormField,
  type FormFieldType,
  type OneThingDefinition,
  type QuestionOption,
} from '../one-things/one-thing-definition.js';
import type { FormCorrection, FormValue, PrefilledValue } from './entities/application.entity.js';
import { Ajv2020, addFormats } from '../common/json-schema.js';

/** A refused field of a submitted form: its key and why, in English and Chinese (never the value given). */
export interface FieldProblem {
  key: string;
  message: string;
  messageZh: string;
}

/** Longest text a form field takes. */
export const FORM_TEXT_MAX_LENGTH = 200;
/** A mainland mobile number, or a landline with its area code. */
const PHONE_PATTERN = '^(1[3-9][0-9]{9}|0[0-9]{2,3}-?[0-9]{7,8})$';

/** The template's fields on the form of an application with these matters. */
export function fieldsFor(definition: OneThingDefinition, matters: readonly string[]): FormField[] {
  return formFieldsFor(definition, new Set(matters));
}

function valueSchema(type: FormFieldType, options: readonly QuestionOption[]): Record<string, unknown> {
  switch (type) {
    case 'text':
      return { type: 'string', minLength: 1, maxLength: FORM_TEXT_MAX_LENGTH };
    case 'date':
      return { type: 'string', format: 'date' };
    case 'idNumber':
      return { type: 'string', format: 'id-number' };
    case 'phone':
      return { type: 'string', pattern: PHONE_PATTERN };
    case 'select':
      return { type: 'string', enum: options.map((o) => o.value) };
    case 'boolean':
      return { type: 'boolean' };
  }
}

/**
 * The JSON Schema (2020-12) of the form of an application with these matters: each field of the
 * template on the form by its type; required fields present and not null, optional ones absent or
 * null; nothing else.
 */
export function formJsonSchema(definition: OneThingDefinition, matters: readonly string[]): Record<string, unknown> {
  const fields = fieldsFor(definition, matters);
  return {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    type: 'object',
    additionalProperties: false,
    required: fields.filter((f) => f.required).map((f) => f.key),
    properties: Object.fromEntries(
      fields.map((field) => {
        const schema = valueSchema(field.type, fieldOptions(definition, field) ?? []);
        return [field.key, field.required ? schema : { anyOf: [schema, { type: 'null' }] }];
      }),
    ),
  };
}

const TYPE_WORDS: Record<FormFieldType, { en: string; zh: string }> = {
  text: { en: `must be text of 1 to ${FORM_TEXT_MAX_LENGTH} characters`, zh: `须为 1 至 ${FORM_TEXT_MAX_LENGTH} 个字符的文字` },
  date: { en: 'must be a date (YYYY-MM-DD)', zh: '须为日期（YYYY-MM-DD）' },
  idNumber: { en: 'must be a valid ID number (GB 11643)', zh: '须为有效的公民身份号码' },
  phone: { en: 'must be a mobile number or a landline with its area code', zh: '须为手机号码或带区号的固定电话' },
  select: { en: 'must be one of the options', zh: '须为所列选项之一' },
  boolean: { en: 'must be true or false', zh: '须为“是”或“否”' },
};

/**
 * Validates submitted forms against their one thing's template, one compiled schema per one thing
 * and set of matters. Problems are per field, in English and Chinese.
 */
export class FormValidator {
  private readonly ajv = new Ajv2020({ allErrors: true, strict: true });
  private readonly compiled = new Map<string, ValidateFunction>();

  constructor() {
    addFormats(this.ajv, ['date']);
    this.ajv.addFormat('id-number', { type: 'string', validate: (value: string) => parseIdNumber(value).ok });
  }

  validate(definition: OneThingDefinition, matters: readonly string[], form: unknown): FieldProblem[] {
    const cacheKey = `${definition.code}|${[...matters].sort().join(',')}`;
    let validate = this.compiled.get(cacheKey);
    if (!validate) {
      validate = this.ajv.compile(formJsonSchema(definition, matters));
      this.compiled.set(cacheKey, validate);
    }
    if (validate(form)) return [];
    const fields = new Map(fieldsFor(definition, matters).map((f) => [f.key, f]));
    const problems = new Map<string, FieldProblem>();
    for (const error of validate.errors ?? []) {
      const problem = problemOf(error, fields, definition);
      if (problem && !problems.has(problem.key)) problems.set(problem.key, problem);
    }
    if (problems.size === 0) return [{ key: '', message: 'the form must be an object of field values', messageZh: '表单须为字段及其取值' }];
    return [...problems.values()];
  }
}

function problemOf(error: ErrorObject, fields: ReadonlyMap<string, FormField>, definition: OneThingDefinition): FieldProblem | null {
  if (error.keyword === 'required') {
    const key = String((error.params as { missingProperty: string }).missingProperty);
    return { key, message: `${labelOf(fields, key)} is required`, messageZh: `${labelZhOf(fields, key)}为必填项` };
  }
  if (error.keyword === 'additionalProperties') {
    // The key is the applicant's; bounded, and never a value.
    const key = String((error.params as { additionalProperty: string }).additionalProperty).slice(0, 64);
    return { key, message: 'is not a field of this form', messageZh: '不是本表单的字段' };
  }
  const key = decodePointer(error.instancePath.split('/')[1] ?? '');
  const field = fields.get(key);
  if (!field) return null;
  const words = TYPE_WORDS[field.type];
  if (field.type === 'select') {
    const values = (fieldOptions(definition, field) ?? []).map((o) => o.value);
    return { key, message: `${field.label} must be one of ${values.join(', ')}`, messageZh: `${field.labelZh}须为以下之一：${values.join('、')}` };
  }
  return { key, message: `${field.label} ${words.en}`, messageZh: `${field.labelZh}${words.zh}` };
}

function labelOf(fields: ReadonlyMap<string, FormField>, key: string): string {
  return fields.get(key)?.label ?? key;
}

function labelZhOf(fields: ReadonlyMap<string, FormField>, key: string): string {
  return fields.get(key)?.labelZh ?? key;
}

function decodePointer(segment: string): string {
  return segment.replace(/~1/g, '/').replace(/~0/g, '~');
}

/**
 * The fields the applicant submitted with a value other than the one the records gave (a record-
 * sourced field that was prefilled): both values are kept, the record's beside the applicant's.
 */
export function correctionsOf(prefill: readonly PrefilledValue[], form: Readonly<Record<string, FormValue>>): FormCorrection[] {
  return prefill.flatMap((field): FormCorrection[] => {
    if (field.source !== 'RECORD' || field.value === null) return [];
    const submitted = form[field.key] ?? null;
    return sameValue(submitted, field.value) ? [] : [{ key: field.key, recordValue: field.value, value: submitted }];
  });
}

function sameValue(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}
