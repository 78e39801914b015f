import type { DepartmentCode } from '../common/departments.js';
import { CONNECTOR_KINDS } from './connector.js';

/**
 * How onegate reaches one department (the `connector` of a department in the catalog):
 *
 *   { "kind": "database" }                      the department's demo source in PostgreSQL
 *   { "kind": "http", "baseUrl": ..., "auth": ..., "items": { ... } }   a department API
 *
 * Secrets are never part of the configuration: `auth` names the environment variable that holds
 * the token or HMAC secret, which the connector reads when it is built.
 */
export type ConnectorConfig = DatabaseConnectorConfig | HttpConnectorConfig;

export interface DatabaseConnectorConfig {
  kind: 'database';
}

export interface HttpConnectorConfig {
  kind: 'http';
  /** http(s) origin, optionally with a path prefix; no credentials, query or fragment. */
  baseUrl: string;
  /** The department's own time budget for a call, for the exchange to apply (the connector does not time out by itself). */
  timeoutMs?: number;
  auth: HttpAuthConfig;
  /** Per data item code (e.g. `social_insurance.account`): how to ask and how to read the answer. */
  items: Record<string, HttpItemConfig>;
}

export type HttpAuthConfig = { kind: 'bearer'; tokenEnv: string } | { kind: 'hmac'; keyId: string; secretEnv: string } | { kind: 'none' };

export interface HttpItemConfig {
  /**
   * Request path (and query) under baseUrl. Batch: contains `{subjects}`, replaced by the
   * comma-joined URL-encoded subjects. Not batch: contains `{subject}`, one request per subject.
   */
  path: string;
  batch: boolean;
  /** Batch only: at most this many subjects per request (default 100); more are split into several requests. */
  maxBatch?: number;
  /** Dotted path to the array of source records in the response body (e.g. `accounts`, `data.items`). */
  records: string;
  /** Dotted path, in a source record, to the subject the record belongs to (e.g. `id_number`). */
  subjectField: string;
  /** Target field of the data item's record → dotted path of its value in a source record. */
  fields: Record<string, string>;
}

export const DEFAULT_MAX_BATCH = 100;
const MAX_BATCH_LIMIT = 1000;
const MAX_TIMEOUT_MS = 600_000;

const ENV_NAME = /^[A-Z_][A-Z0-9_]*$/;
const KEY_ID = /^[A-Za-z0-9._:-]{1,128}$/;
const ITEM_CODE = /^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+$/;
const FIELD_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const PATH_SEGMENT = /^[A-Za-z0-9_$-]+$/;
/** Names that would reach an object's prototype rather than its own properties. */
const FORBIDDEN_NAMES = new Set(['__proto__', 'prototype', 'constructor']);

/**
 * Validates a connector configuration (parsed JSON) for `department`. Throws an Error naming every
 * bad field, e.g. `connector of HUMAN_RESOURCES is invalid: auth.secretEnv: must be the name of an
 * environment variable (A-Z, 0-9, _)`. Returns a fresh, normalised copy.
 */
export function parseConnectorConfig(value: unknown, department: DepartmentCode): ConnectorConfig {
  const problems: string[] = [];
  const result = parseConfig(value, problems);
  if (problems.length > 0 || !result) {
    throw new Error(`connector of ${department} is invalid: ${problems.join('; ')}`);
  }
  return result;
}

function parseConfig(value: unknown, problems: string[]): ConnectorConfig | undefined {
  if (!isPlainObject(value)) {
    problems.push('(root): must be an object');
    return undefined;
  }
  const kind = value.kind;
  if (kind === 'database') {
    unknownKeys(value, ['kind'], '', problems);
    return { kind: 'database' };
  }
  if (kind !== 'http') {
    problems.push(`kind: must be one of ${CONNECTOR_KINDS.map((k) => `"${k}"`).join(', ')}`);
    return undefined;
  }
  unknownKeys(value, ['kind', 'baseUrl', 'timeoutMs', 'auth', 'items'], '', problems);
  const baseUrl = parseBaseUrl(value.baseUrl, problems);
  let timeoutMs: number | undefined;
  if (value.timeoutMs !== undefined) {
    if (!isIntegerIn(value.timeoutMs, 1, MAX_TIMEOUT_MS)) problems.push(`timeoutMs: must be an integer from 1 to ${MAX_TIMEOUT_MS}`);
    else timeoutMs = value.timeoutMs;
  }
  const auth = parseAuth(value.auth, problems);
  const items = parseItems(value.items, problems);
  if (baseUrl === undefined || auth === undefined || items === undefined) return undefined;
  return { kind: 'http', baseUrl, ...(timeoutMs !== undefined ? { timeoutMs } : {}), auth, items };
}

function parseBaseUrl(value: unknown, problems: string[]): string | undefined {
  if (typeof value !== 'string' || value === '') {
    problems.push('baseUrl: must be an http(s) URL such as "https://api.example.gov:8443"');
    return undefined;
  }
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    problems.push('baseUrl: is not a valid URL');
    return undefined;
  }
  const before = problems.length;
  if (url.protocol !== 'http:' && url.protocol !== 'https:') problems.push(`baseUrl: must use http or https, not ${url.protocol.replace(/:$/, '')}`);
  // A password in the URL would be a secret in the configuration (and in every error message).
  if (url.username || url.password) problems.push('baseUrl: must not contain credentials (name an environment variable in auth instead)');
  if (url.search || url.hash || value.includes('?') || value.includes('#'))
    problems.push('baseUrl: must not have a query or fragment (put them in the item path)');
  if (problems.length > before) return undefined;
  // Normalised without a trailing slash: item paths start with one.
  return `${url.origin}${url.pathname.replace(/\/+$/, '')}`;
}

function parseAuth(value: unknown, problems: string[]): HttpAuthConfig | undefined {
  if (!isPlainObject(value)) {
    problems.push('auth: must be an object with kind "bearer", "hmac" or "none"');
    return undefined;
  }
  switch (value.kind) {
    case 'none':
      unknownKeys(value, ['kind'], 'auth', problems);
      return { kind: 'none' };
    case 'bearer': {
      unknownKeys(value, ['kind', 'tokenEnv'], 'auth', problems);
      const tokenEnv = parseEnvName(value.tokenEnv, 'auth.tokenEnv', problems);
      return tokenEnv === undefined ? undefined : { kind: 'bearer', tokenEnv };
    }
    case 'hmac': {
      unknownKeys(value, ['kind', 'keyId', 'secretEnv'], 'auth', problems);
      let keyId: string | undefined;
      if (typeof value.keyId !== 'string' || !KEY_ID.test(value.keyId)) {
        problems.push('auth.keyId: must be 1 to 128 characters of A-Z, a-z, 0-9, ".", "_", ":", "-"');
      } else keyId = value.keyId;
      const secretEnv = parseEnvName(value.secretEnv, 'auth.secretEnv', problems);
      return keyId === undefined || secretEnv === undefined ? undefined : { kind: 'hmac', keyId, secretEnv };
    }
    default:
      problems.push('auth.kind: must be one of "bearer", "hmac", "none"');
      return undefined;
  }
}

function parseEnvName(value: unknown, field: string, problems: string[]): string | undefined {
  if (typeof value === 'string' && ENV_NAME.test(value)) return value;
  problems.push(`${field}: must be the name of an environment variable (A-Z, 0-9, _), not the secret itself`);
  return undefined;
}

function parseItems(value: unknown, problems: string[]): Record<string, HttpItemConfig> | undefined {
  if (!isPlainObject(value) || Object.keys(value).length === 0) {
    problems.push('items: must be an object with at least one data item');
    return undefined;
  }
  const items: Record<string, HttpItemConfig> = {};
  let ok = true;
  for (const [code, raw] of Object.entries(value)) {
    const where = `items["${code}"]`;
    if (!ITEM_CODE.test(code)) {
      problems.push(`${where}: is not a data item code (e.g. "social_insurance.account")`);
      ok = false;
      continue;
    }
    const item = parseItem(raw, where, problems);
    if (item) items[code] = item;
    else ok = false;
  }
  return ok ? items : undefined;
}

function parseItem(value: unknown, where: string, problems: string[]): HttpItemConfig | undefined {
  if (!isPlainObject(value)) {
    problems.push(`${where}: must be an object`);
    return undefined;
  }
  const before = problems.length;
  unknownKeys(value, ['path', 'batch', 'maxBatch', 'records', 'subjectField', 'fields'], where, problems);

  const batch = value.batch;
  if (typeof batch !== 'boolean') problems.push(`${where}.batch: must be true or false`);

  const path = value.path;
  if (typeof path !== 'string' || !path.startsWith('/')) {
    problems.push(`${where}.path: must be a string starting with "/"`);
  } else if (/[\s#]/.test(path)) {
    problems.push(`${where}.path: must not contain whitespace or "#"`);
  } else if (typeof batch === 'boolean') {
    const placeholders = [...path.matchAll(/\{([^{}]*)\}/g)].map((m) => m[1]);
    const wanted = batch ? 'subjects' : 'subject';
    if (placeholders.length !== 1 || placeholders[0] !== wanted || /[{}]/.test(path.replace(`{${wanted}}`, ''))) {
      problems.push(`${where}.path: must contain {${wanted}} exactly once and no other placeholder (batch is ${batch})`);
    }
  }

  let maxBatch: number | undefined;
  if (value.maxBatch !== undefined) {
    if (batch === false) problems.push(`${where}.maxBatch: only applies when batch is true`);
    else if (!isIntegerIn(value.maxBatch, 1, MAX_BATCH_LIMIT)) problems.push(`${where}.maxBatch: must be an integer from 1 to ${MAX_BATCH_LIMIT}`);
    else maxBatch = value.maxBatch;
  }

  const records = parseDottedPath(value.records, `${where}.records`, problems);
  const subjectField = parseDottedPath(value.subjectField, `${where}.subjectField`, problems);

  const fields: Record<string, string> = {};
  if (!isPlainObject(value.fields) || Object.keys(value.fields).length === 0) {
    problems.push(`${where}.fields: must map at least one target field to a source path`);
  } else {
    for (const [target, source] of Object.entries(value.fields)) {
      if (!FIELD_NAME.test(target) || FORBIDDEN_NAMES.has(target)) {
        problems.push(`${where}.fields["${target}"]: is not a valid field name`);
        continue;
      }
      const path = parseDottedPath(source, `${where}.fields.${target}`, problems);
      if (path !== undefined) fields[target] = path;
    }
  }

  if (problems.length > before) return undefined;
  return {
    path: path as string,
    batch: batch as boolean,
    ...(maxBatch !== undefined ? { maxBatch } : {}),
    records: records as string,
    subjectField: subjectField as string,
    fields,
  };
}

function parseDottedPath(value: unknown, field: string, problems: string[]): string | undefined {
  if (typeof value === 'string' && value !== '' && value.split('.').every((s) => PATH_SEGMENT.test(s) && !FORBIDDEN_NAMES.has(s))) {
    return value;
  }
  problems.push(`${field}: must be a dotted path such as "data.accounts" (segments of A-Z, a-z, 0-9, _, $, -)`);
  return undefined;
}

function unknownKeys(value: Record<string, unknown>, known: readonly string[], where: string, problems: string[]): void {
  for (const key of Object.keys(value)) {
    if (!known.includes(key)) problems.push(`${where ? `${where}.` : ''}${key}: is not a known setting (expected ${known.join(', ')})`);
  }
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isIntegerIn(value: unknown, min: number, max: number): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max;
}
