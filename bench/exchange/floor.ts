// The floor of bench:exchange: the same five lookups of a house-transfer `citizen` query, made
// directly with `pg` in this process — no HTTP, no GraphQL, no token, consent, access decision,
// ledger entry or record validation. The SQL is the gateway's own: `DatabaseConnector` (a pg.Pool
// per department, a named prepared statement per data item, built from the items' catalog entries)
// from src/exchange/database-connector.ts, used as is. Social insurance, which the gateway reaches
// through the department API over HTTP, is read here straight from the bureau's table with the
// same reader role the API uses.
import { setMaxListeners } from 'node:events';
import { readCatalogFiles } from '../../src/catalog/catalog-files.js';
import type { DepartmentCode } from '../../src/common/departments.js';
import type { ItemRecord } from '../../src/exchange/connector.js';
import { DatabaseConnector } from '../../src/exchange/database-connector.js';
import { latencySummary, roundMs } from '../results.js';

/** The data items of HOUSE_TRANSFER that the benchmark's query selects, with their owners. */
export const LOOKUPS: ReadonlyArray<{ item: string; department: DepartmentCode; field: string }> = [
  { item: 'person.identity', department: 'PUBLIC_SECURITY', field: 'person' },
  { item: 'household.registration', department: 'PUBLIC_SECURITY', field: 'household' },
  { item: 'marriage.registration', department: 'CIVIL_AFFAIRS', field: 'marriage' },
  { item: 'property.rights', department: 'NATURAL_RESOURCES', field: 'properties' },
  { item: 'social_insurance.account', department: 'HUMAN_RESOURCES', field: 'socialInsurance' },
];

export interface FloorResult {
  connections: number;
  seconds: number;
  /** Citizens looked up (five lookups each) in the measured period. */
  queries: number;
  queriesPerSecond: number;
  /** Time for all five lookups of one citizen, run concurrently as the gateway runs them. */
  latencyMs: { p50: number; p90: number; p99: number; max: number; mean: number };
  errors: number;
}

// One signal that never aborts, shared by every lookup (each adds and removes an abort listener).
const never = new AbortController().signal;
setMaxListeners(0, never);

/** The department reader pools, as the gateway builds them. */
export class Floor {
  private readonly connectors = new Map<DepartmentCode, DatabaseConnector>();

  constructor(readerUrls: Record<DepartmentCode, string>, poolSize: number, statementTimeoutMs: number) {
    const items = readCatalogFiles().dataItems;
    for (const { department } of LOOKUPS) {
      if (this.connectors.has(department)) continue;
      this.connectors.set(department, new DatabaseConnector(department, items, { url: readerUrls[department], poolSize, statementTimeoutMs }));
    }
  }

  /** The five lookups of one citizen, concurrently: records per field. */
  async lookup(idNumber: string): Promise<Record<string, ItemRecord[]>> {
    const answers = await Promise.all(
      LOOKUPS.map(async ({ item, department, field }) => {
        const records = await this.connectors.get(department)!.fetch(item, [idNumber], never);
        return [field, records.get(idNumber) ?? []] as const;
      }),
    );
    return Object.fromEntries(answers);
  }

  /** `connections` concurrent callers looping over `sample`: a warm-up, then the measured period. */
  async measure(
    sample: readonly string[],
    connections: number,
    warmupSeconds: number,
    seconds: number,
    onMeasuring?: (started: boolean) => void,
  ): Promise<FloorResult> {
    let next = 0;
    let measuring = false;
    let stop = false;
    let errors = 0;
    const latencies: number[] = [];
    const caller = async () => {
      while (!stop) {
        const idNumber = sample[next++ % sample.length]!;
        const started = performance.now();
        try {
          await this.lookup(idNumber);
          if (measuring) latencies.push(performance.now() - started);
        } catch {
          if (measuring) errors++;
        }
      }
    };
    const callers = Array.from({ length: connections }, caller);
    await new Promise((r) => setTimeout(r, warmupSeconds * 1000));
    measuring = true;
    onMeasuring?.(true);
    const startedAt = performance.now();
    await new Promise((r) => setTimeout(r, seconds * 1000));
    measuring = false;
    const elapsed = (performance.now() - startedAt) / 1000;
    onMeasuring?.(false);
    stop = true;
    await Promise.all(callers);
    latencies.sort((a, b) => a - b);
    return {
      connections,
      seconds: roundMs(elapsed),
      queries: latencies.length,
      queriesPerSecond: Math.round(latencies.length / elapsed),
      latencyMs: latencySummary(latencies, { p50: 0.5, p90: 0.9, p99: 0.99 }),
      errors,
    };
  }

  async close(): Promise<void> {
    await Promise.all([...this.connectors.values()].map((c) => c.close()));
  }
}
