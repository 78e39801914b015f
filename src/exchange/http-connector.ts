import type { DepartmentCode } from '../common/departments.js';
import { ConnectorError, type DepartmentConnector, type ItemRecord } from './connector.js';
import { DEFAULT_MAX_BATCH, type HttpConnectorConfig, type HttpItemConfig, parseConnectorConfig } from './connector-config.js';
import { signRequest } from './hmac-signature.js';

/** Requests of one `fetch` in flight at once (non-batch items, or a batch split by maxBatch). */
export const MAX_PARALLEL_REQUESTS = 8;
/** A department answer larger than this is refused rather than buffered. */
export const MAX_RESPONSE_BYTES = 16 * 1024 * 1024;

type Signer = (method: string, pathWithQuery: string) => Record<string, string>;

/**
 * A department reached over HTTP (see connector-config.ts for the configuration). Asks the
 * department's API for one data item of many subjects, signs each request, and maps the API's own
 * records onto the item's fields. Failures are ConnectorErrors naming the department and what went
 * wrong, never a subject; an aborted `signal` rejects with the signal's reason and drops the socket.
 */
export class HttpConnector implements DepartmentConnector {
  readonly kind = 'http' as const;
  /** The configured time budget of a call, for the exchange to apply. */
  readonly timeoutMs: number | undefined;
  private readonly config: HttpConnectorConfig;
  private readonly sign: Signer;
  private readonly lifetime = new AbortController();

  constructor(
    readonly department: DepartmentCode,
    config: HttpConnectorConfig,
    env: Record<string, string | undefined> = process.env,
  ) {
    const parsed = parseConnectorConfig(config, department);
    if (parsed.kind !== 'http') throw new Error(`connector of ${department} is not an HTTP connector`);
    this.config = parsed;
    this.timeoutMs = parsed.timeoutMs;
    this.sign = signerFor(department, parsed, env);
  }

  async fetch(item: string, subjects: readonly string[], signal: AbortSignal): Promise<Map<string, ItemRecord[]>> {
    signal.throwIfAborted();
    if (this.lifetime.signal.aborted) throw new ConnectorError(this.department, `${this.department}: the HTTP connector is closed`);
    const itemConfig = Object.hasOwn(this.config.items, item) ? this.config.items[item] : undefined;
    if (!itemConfig) throw new ConnectorError(this.department, `${this.department}: data item ${item} is not configured for the HTTP connector`);

    const unique = [...new Set(subjects)];
    const result = new Map<string, ItemRecord[]>(unique.map((subject) => [subject, []]));
    if (unique.length === 0) return result;

    const groups = itemConfig.batch ? chunk(unique, itemConfig.maxBatch ?? DEFAULT_MAX_BATCH) : unique.map((s) => [s]);
    // One failing request gives up on its siblings too.
    const siblings = new AbortController();
    const combined = AbortSignal.any([signal, this.lifetime.signal, siblings.signal]);
    try {
      await forEachLimited(groups, MAX_PARALLEL_REQUESTS, async (group) => {
        const records = await this.request(item, itemConfig, group, combined);
        const asked = new Set(group);
        for (const source of records) {
          const subject = readPath(source, itemConfig.subjectField);
          if (typeof subject !== 'string' || subject === '') {
            throw new ConnectorError(this.department, `${this.department} answered ${item} with a record without its subject field "${itemConfig.subjectField}"`);
          }
          if (!asked.has(subject)) {
            throw new ConnectorError(this.department, `${this.department} answered ${item} with a record of a subject it was not asked about`);
          }
          result.get(subject)!.push(mapRecord(source, itemConfig.fields));
        }
      });
    } catch (error) {
      siblings.abort();
      if (signal.aborted) throw signal.reason;
      if (this.lifetime.signal.aborted) throw new ConnectorError(this.department, `${this.department}: the HTTP connector was closed during the call`);
      throw error;
    }
    return result;
  }

  async close(): Promise<void> {
    this.lifetime.abort();
  }

  /** One HTTP request for `subjects`; returns the source records (plain objects) of the answer. */
  private async request(item: string, itemConfig: HttpItemConfig, subjects: string[], signal: AbortSignal): Promise<Record<string, unknown>[]> {
    const expanded = itemConfig.batch
      ? itemConfig.path.replace('{subjects}', subjects.map(encodeURIComponent).join(','))
      : itemConfig.path.replace('{subject}', encodeURIComponent(subjects[0]));
    const url = new URL(this.config.baseUrl + expanded);
    // Signed exactly as it goes on the wire (the URL parser may normalise what was written).
    const pathWithQuery = url.pathname + url.search;
    const fail = (what: string) => new ConnectorError(this.department, `${this.department} ${what} (data item ${item})`);

    let response: Response;
    try {
      response = await fetch(url, {
        method: 'GET',
        headers: { accept: 'application/json', ...this.sign('GET', pathWithQuery) },
        redirect: 'manual',
        signal,
      });
    } catch (error) {
      if (signal.aborted) throw signal.reason;
      throw fail(`could not be reached (${networkErrorCode(error)})`);
    }
    if (response.status < 200 || response.status > 299) {
      await response.body?.cancel().catch(() => undefined);
      throw fail(`answered with HTTP ${response.status}`);
    }
    const text = await readText(response, MAX_RESPONSE_BYTES, signal).catch((error: unknown) => {
      if (signal.aborted) throw signal.reason;
      throw error instanceof TooLarge ? fail(`answered with a body over ${MAX_RESPONSE_BYTES} bytes`) : fail('broke off its answer');
    });
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      throw fail(`answered HTTP ${response.status} with a body that is not JSON`);
    }
    const records = readPath(body, itemConfig.records);
    if (!Array.isArray(records)) throw fail(`answered HTTP ${response.status} without a "${itemConfig.records}" array`);
    if (!records.every(isPlainObject)) throw fail(`answered HTTP ${response.status} with a "${itemConfig.records}" entry that is not an object`);
    return records;
  }
}

function signerFor(department: DepartmentCode, config: HttpConnectorConfig, env: Record<string, string | undefined>): Signer {
  const secret = (name: string, field: string) => {
    const value = env[name];
    if (value === undefined || value === '') {
      throw new Error(`connector of ${department}: environment variable ${name} (${field}) is not set`);
    }
    return value;
  };
  const auth = config.auth;
  switch (auth.kind) {
    case 'none':
      return () => ({});
    case 'bearer': {
      const token = secret(auth.tokenEnv, 'auth.tokenEnv');
      return () => ({ authorization: `Bearer ${token}` });
    }
    case 'hmac': {
      const key = secret(auth.secretEnv, 'auth.secretEnv');
      return (method, pathWithQuery) => signRequest({ keyId: auth.keyId, secret: key, method, pathWithQuery });
    }
  }
}

/** Maps one source record onto the target fields: a missing source path omits the field; null stays null. */
export function mapRecord(source: Record<string, unknown>, fields: Record<string, string>): ItemRecord {
  const target: ItemRecord = {};
  for (const [field, path] of Object.entries(fields)) {
    const value = readPath(source, path);
    if (value !== undefined) target[field] = value;
  }
  return target;
}

/** The value at a dotted path (own properties only; array indexes allowed), or undefined. */
export function readPath(value: unknown, path: string): unknown {
  let current = value;
  for (const segment of path.split('.')) {
    if (typeof current !== 'object' || current === null || !Object.hasOwn(current, segment)) return undefined;
    current = (current as Record<string, unknown>)[segment];
  }
  return current;
}

class TooLarge extends Error {}

async function readText(response: Response, limit: number, signal: AbortSignal): Promise<string> {
  if (!response.body) return '';
  const declared = Number(response.headers.get('content-length'));
  if (Number.isFinite(declared) && declared > limit) {
    await response.body.cancel().catch(() => undefined);
    throw new TooLarge();
  }
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    for (;;) {
      signal.throwIfAborted();
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (size > limit) throw new TooLarge();
      chunks.push(value);
    }
  } catch (error) {
    await reader.cancel().catch(() => undefined);
    throw error;
  }
  return Buffer.concat(chunks).toString('utf8');
}

function networkErrorCode(error: unknown): string {
  const cause = (error as { cause?: { code?: unknown } } | undefined)?.cause;
  return typeof cause?.code === 'string' ? cause.code : 'network error';
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function chunk<T>(values: readonly T[], size: number): T[][] {
  const chunks: T[][] = [];
  for (let i = 0; i < values.length; i += size) chunks.push(values.slice(i, i + size));
  return chunks;
}

/** Runs `work` over `values` with at most `limit` running at once; rejects with the first failure. */
async function forEachLimited<T>(values: readonly T[], limit: number, work: (value: T) => Promise<void>): Promise<void> {
  let next = 0;
  let failed = false;
  const worker = async () => {
    while (!failed && next < values.length) {
      const value = values[next++];
      try {
        await work(value);
      } catch (error) {
        failed = true;
        throw error;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, values.length) }, worker));
}
