import type { DataItemDefinition } from '../catalog/data-item-definition.js';
import type { DepartmentCode } from '../common/departments.js';
import { ConnectorError, type DepartmentConnector, type ItemRecord } from './connector.js';
import { DepartmentSourceRepository, SourceReadError, type DepartmentSourceOptions } from './repositories/department-source.repository.js';

export type DatabaseConnectorOptions = DepartmentSourceOptions;

/**
 * Reaches a department through its own schema (the demo sources, or a replica a department grants
 * a read-only role on): each item as its catalog entry's `x-onegate.source` says, one query per item
 * for all subjects of a batch (DepartmentSourceRepository).
 */
export class DatabaseConnector implements DepartmentConnector {
  readonly kind = 'database' as const;
  private readonly source: DepartmentSourceRepository;

  constructor(
    readonly department: DepartmentCode,
    items: readonly DataItemDefinition[],
    options: DatabaseConnectorOptions,
  ) {
    this.source = new DepartmentSourceRepository(department, items, options);
  }

  async fetch(item: string, subjects: readonly string[], signal: AbortSignal): Promise<Map<string, ItemRecord[]>> {
    if (!this.source.holds(item)) throw new ConnectorError(this.department, `${this.department} does not hold data item ${item}`);
    const result = new Map<string, ItemRecord[]>(subjects.map((s) => [s, []]));
    if (subjects.length === 0) return result;
    try {
      for (const row of await this.source.rowsOf(item, subjects, signal)) result.get(row.subject)?.push(row.record);
      return result;
    } catch (error) {
      if (error instanceof SourceReadError) throw new ConnectorError(this.department, `${this.department} ${error.message}`);
      throw error;
    }
  }

  async close(): Promise<void> {
    await this.source.close();
  }
}
