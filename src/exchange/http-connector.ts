import http from 'node:http';
import https from 'node:https';
import pLimit from 'p-limit';
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
  /** Kept-alive connections to the department, reused across calls (closed with the connector). */
  private readonly agent: http.Agent;
  private readonly transport: typeof http | typeof https;

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
    const secure = new URL(parsed.baseUrl).protocol === 'https:';
    this.transport = secure ? https : http;
    this.agent = new (secure ? https.Agent : http.Agent)({ keepAlive: true, scheduling: 'lifo' });
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
    // One failing request gives up on its siblings too: those not started are dropped, those in flight aborted.
    const siblings = new AbortController();
    const combined = AbortSignal.any([signal, this.lifetime.signal, siblings.signal]);
    // Not rejectOnClear: the first failure, not the AbortError of a dropped request, is what the call rejects with.
    const limit = pLimit(MAX_PARALLEL_REQUESTS);
    try {
      await limit.map(groups, async (group) => {
        try {
          const records = await this.request(item, itemConfig, group, combined);
          const asked = new Set(group);
          for (const source of records) {
            const subject = readPath(source, itemConfig.subjectField);
            if (typeof subject !== 'string' || subject === '') {
              throw new ConnectorError(
                this.department,
                `${this.department} answered ${item} with a record without its subject field "${itemConfig.subjectField}"`,
              );
            }
            if (!asked.has(subject)) {
              throw new ConnectorError(this.department, `${this.department} answered ${item} with a record of a subject it was not asked about`);
            }
            result.get(subject)!.push(mapRecord(source, itemConfig.fields));
          }
        } catch (error) {
          limit.clearQueue();
          throw error;
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
    this.agent.destroy();
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

    let answer: Answer;
    try {
      answer = await this.get(url, { accept: 'application/json', ...this.sign('GET', pathWithQuery) }, signal);
    } catch (error) {
      if (signal.aborted) throw signal.reason;
      if (error instanceof TooLarge) throw fail(`answered with a body over ${MAX_RESPONSE_BYTES} bytes`);
      if (error instanceof BrokenOff) throw fail('broke off its answer');
      throw fail(`could not be reached (${networkErrorCode(error)})`);
    }
    // Redirects are not followed: a department's API answers where it is configured, or fails.
    if (!isSuccess(answer.status)) throw fail(`answered with HTTP ${answer.status}`);
    const { status, text } = answer;
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      throw fail(`answered HTTP ${status} with a body that is not JSON`);
    }
    const records = readPath(body, itemConfig.records);
    if (!Array.isArray(records)) throw fail(`answered HTTP ${status} without a "${itemConfig.records}" array`);
    if (!records.every(isPlainObject)) throw fail(`answered HTTP ${status} with a "${itemConfig.records}" entry that is not an object`);
    return records;
  }

  /**
   * One GET over a kept-alive connection: the status and, for a 2xx answer, the body as text (at
   * most MAX_RESPONSE_BYTES). Rejects with TooLarge or BrokenOff once the answer has begun, with
   * the socket's error before that; an aborted `signal` destroys the request and its socket.
   */
  private get(url: URL, headers: Record<string, string>, signal: AbortSignal): Promise<Answer> {
    return new Promise<Answer>((resolve, reject) => {
      const request = this.transport.request(url, { method: 'GET', headers, agent: this.agent, signal }, (response) => {
        const status = response.statusCode ?? 0;
        if (!isSuccess(status)) {
          // Read to the end so that the connection can be reused.
          response.resume();
          resolve({ status, text: '' });
          return;
        }
        const refuse = (error: Error) => {
          request.destroy();
          reject(error);
        };
        const declared = Number(response.headers['content-length']);
        if (Number.isFinite(declared) && declared > MAX_RESPONSE_BYTES) return refuse(new TooLarge());
        const chunks: Buffer[] = [];
        let size = 0;
        response.on('data', (chunk: Buffer) => {
          size += chunk.byteLength;
          if (size > MAX_RESPONSE_BYTES) refuse(new TooLarge());
          else chunks.push(chunk);
        });
        response.on('end', () => resolve({ status, text: Buffer.concat(chunks, size).toString('utf8') }));
        // Aborted mid-answer (the department closed the connection, or our signal fired).
        response.on('error', () => reject(new BrokenOff()));
        response.on('aborted', () => reject(new BrokenOff()));
      });
      request.on('error', reject);
      request.end();
    });
  }
}

/** A 2xx status: the only answers whose body is read. */
function isSuccess(status: number): boolean {
  return status >= 200 && status <= 299;
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

interface Answer {
  status: number;
  text: string;
}

class TooLarge extends Error {}
class BrokenOff extends Error {}

function networkErrorCode(error: unknown): string {
  const code = (error as { code?: unknown } | undefined)?.code;
  return typeof code === 'string' ? code : 'network error';
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function chunk<T>(values: readonly T[], size: number): T[][] {
  const chunks: T[][] = [];
  for (let i = 0; i < values.length; i += size) chunks.push(values.slice(i, i + size));
  return chunks;
}
