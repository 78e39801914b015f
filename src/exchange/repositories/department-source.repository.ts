import pg from 'pg';
import type { DataItemDefinition } from '../../catalog/data-item-definition.js';
import { fieldShapes } from '../../catalog/data-item-definition.js';
import { departmentSchema, type DepartmentCode } from '../../common/departments.js';
import { resilientPool } from '../../database/pg-pool.js';
import type { ItemRecord } from '../connector.js';

/** One row of an item's source: the subject it belongs to and one record, already shaped as the item's JSON Schema. */
export interface SourceRow {
  subject: string;
  record: ItemRecord;
}

export interface DepartmentSourceOptions {
  /** Login URL of the department's read-only role. */
  url: string;
  poolSize: number;
  /** Server-side limit on one query; the exchange's own timeout is shorter and cancels the wait. */
  statementTimeoutMs: number;
}

/** Thrown when the source cannot be read (not the abort of the caller's signal). */
export class SourceReadError extends Error {
  constructor(readonly code: string) {
    super(`source query failed (${code})`);
    this.name = 'SourceReadError';
  }
}

/**
 * The department's own store (its schema in PostgreSQL), read through its read-only role: one
 * query per data item, built from the item's catalog entry (`x-onegate.source`), for all subjects
 * of a batch. Prepared statements are named and planned generically, so each pooled connection
 * plans each item's query once.
 */
export class DepartmentSourceRepository {
  private readonly pool: pg.Pool;
  private readonly statements = new Map<string, { name: string; text: string }>();

  constructor(
    readonly department: DepartmentCode,
    items: readonly DataItemDefinition[],
    options: DepartmentSourceOptions,
  ) {
    // A connection the server ends (restart) must not crash the process; the next query reconnects.
    this.pool = resilientPool(
      {
        connectionString: options.url,
        max: options.poolSize,
        idleTimeoutMillis: 30_000,
        connectionTimeoutMillis: options.statementTimeoutMs,
        statement_timeout: options.statementTimeoutMs,
        application_name: `onegate-connector-${department.toLowerCase()}`,
        // Planning these joins costs the server several times more than running them (a custom plan
        // for every batch of subjects, since each batch is a new parameter value). One generic plan
        // per connection and statement is made once and reused for every batch.
        options: '-c plan_cache_mode=force_generic_plan',
      },
      () => undefined,
    );
    for (const item of items) {
      if (item.department !== department || !item.source) continue;
      this.statements.set(item.code, { name: `onegate_${item.code.replace(/\W/g, '_')}`, text: itemSourceQuery(item, departmentSchema(department)) });
    }
  }

  holds(item: string): boolean {
    return this.statements.has(item);
  }

  /** The rows of `item` for these subjects, each subject's in the item's order; on abort the connection is given up, so a stuck query never holds a pooled slot. */
  async rowsOf(item: string, subjects: readonly string[], signal: AbortSignal): Promise<SourceRow[]> {
    const statement = this.statements.get(item);
    if (!statement) throw new Error(`${this.department} has no source for data item ${item}`);
    signal.throwIfAborted();
    const client = await this.pool.connect();
    if (signal.aborted) {
      client.release();
      throw signal.reason;
    }
    let broken = false;
    const onAbort = () => {
      broken = true;
      client.release(new Error('aborted'));
    };
    signal.addEventListener('abort', onAbort, { once: true });
    try {
      return (await client.query<SourceRow>({ ...statement, values: [subjects] })).rows;
    } catch (error) {
      if (signal.aborted) throw signal.reason ?? error;
      throw new SourceReadError((error as { code?: string }).code ?? 'error');
    } finally {
      signal.removeEventListener('abort', onAbort);
      if (!broken) client.release();
    }
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}

/**
 * The query of one item: `$1` is the array of subjects; each row is a subject and one record built
 * with json_build_object from the columns the catalog names, each converted to its field's JSON type
 * (text for strings, so a date reads YYYY-MM-DD; float8 for numbers). Names are checked when the
 * catalog is read (lower-case SQL names only), so nothing here is quoted or escaped.
 *
 * It runs under one generic plan per connection, so the source (a table or a department's view)
 * must be indexed on its subject column for a subject array of unknown length.
 */
export function itemSourceQuery(item: DataItemDefinition, schema: string): string {
  const source = item.source;
  if (!source) throw new Error(`data item ${item.code} has no source`);
  const shapes = new Map(fieldShapes(item.schema, 'properties').map((f) => [f.name, f.shape]));
  const fields = Object.entries(source.columns).map(([field, column]) => {
    const kind = shapes.get(field)?.kind;
    const cast = kind === 'string' ? '::text' : kind === 'number' ? '::float8' : '';
    return `'${field}', t.${column}${cast}`;
  });
  const order = source.orderBy.length
    ? `\n ORDER BY t.${source.subject}, ${source.orderBy.map((o) => `t.${o.column}${o.descending ? ' DESC' : ''}`).join(', ')}`
    : '';
  return (
    `SELECT t.${source.subject} AS subject, json_build_object(${fields.join(', ')}) AS record\n` +
    `  FROM ${schema}.${source.from} t\n` +
    ` WHERE t.${source.subject} = ANY($1::text[])` +
    order
  );
}
