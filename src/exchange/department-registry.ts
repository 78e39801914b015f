import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { readFileSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { readCatalogFiles, type CatalogDataItem } from '../catalog/catalog-files.js';
import { isDepartmentCode, type DepartmentCode } from '../common/departments.js';
import { projectRoot } from '../common/project-root.js';
import { AppConfig } from '../config/app-config.js';
import { DATABASE_CONNECTIONS } from '../database/database.module.js';
import type { DatabaseConnections } from '../database/database-setup.js';
import { LOGGER } from '../logging/logging.module.js';
import type { Logger } from '../logging/logger.js';
import { Metrics } from '../operations/metrics.js';
import type { DepartmentConnector } from './connector.js';
import { parseConnectorConfig, type ConnectorConfig } from './connector-config.js';
import { DatabaseConnector } from './database-connector.js';
import { HttpConnector } from './http-connector.js';
import { RecordValidator } from './record-validator.js';
import { ResilientDepartment } from './resilient-department.js';

/**
 * The departments as the exchange reaches them: for each, the connector the catalog declares
 * (schemas/departments.json `connector`, overridden per deployment by DEPARTMENT_CONNECTORS_FILE)
 * behind its own timeout, breaker and bulkhead, and which department owns each data item.
 */
@Injectable()
export class DepartmentRegistry implements OnApplicationShutdown {
  private readonly departments = new Map<DepartmentCode, ResilientDepartment>();
  private readonly owners = new Map<string, DepartmentCode>();

  constructor(config: AppConfig, @Inject(DATABASE_CONNECTIONS) connections: DatabaseConnections, @Inject(LOGGER) logger: Logger, metrics: Metrics) {
    const catalog = readCatalogFiles(config.catalogDir);
    const validator = new RecordValidator(catalog.dataItems);
    for (const item of catalog.dataItems) this.owners.set(item.code, item.department);
    const overrides = readOverrides(config.DEPARTMENT_CONNECTORS_FILE);
    for (const department of catalog.departments) {
      const declared = overrides.get(department.code) ?? department.connector;
      const connectorConfig = parseConnectorConfig(declared, department.code);
      const connector = buildConnector(department.code, connectorConfig, config, connections, catalog.dataItems);
      this.departments.set(
        department.code,
        new ResilientDepartment(
          connector,
          validator,
          {
            timeoutMs: (connectorConfig.kind === 'http' ? connectorConfig.timeoutMs : undefined) ?? config.DEPARTMENT_TIMEOUT_MS,
            breakerFailures: config.DEPARTMENT_BREAKER_FAILURES,
            halfOpenAfterMs: config.DEPARTMENT_BREAKER_HALF_OPEN_MS,
            maxConcurrent: config.DEPARTMENT_MAX_CONCURRENT,
            maxQueued: config.DEPARTMENT_MAX_QUEUED,
          },
          logger,
          metrics,
        ),
      );
    }
  }

  /** The department that owns a data item; undefined for an item not in the catalog. */
  ownerOf(item: string): DepartmentCode | undefined {
    return this.owners.get(item);
  }

  department(code: DepartmentCode): ResilientDepartment {
    const department = this.departments.get(code);
    if (!department) throw new Error(`department ${code} has no connector`);
    return department;
  }

  all(): ResilientDepartment[] {
    return [...this.departments.values()];
  }

  /** After the HTTP server has drained (Nest closes it before this hook), so in-flight lookups still reach their departments. */
  async onApplicationShutdown(): Promise<void> {
    await Promise.allSettled(this.all().map((d) => d.close()));
  }
}

function buildConnector(
  department: DepartmentCode,
  config: ConnectorConfig,
  app: AppConfig,
  connections: DatabaseConnections,
  items: readonly CatalogDataItem[],
): DepartmentConnector {
  if (config.kind === 'http') return new HttpConnector(department, config);
  // Read from its store, every item of the department needs a source: found at start-up, not on a lookup.
  const unread = items.find((item) => item.department === department && !item.source);
  if (unread) throw new Error(`data item ${unread.code}: ${department} is reached through its database, so its catalog entry needs "x-onegate.source"`);
  return new DatabaseConnector(department, items, {
    url: connections.readerUrls[department],
    poolSize: app.DEPARTMENT_POOL_SIZE,
    // The exchange abandons a call at its timeout; the server stops the query soon after.
    statementTimeoutMs: app.DEPARTMENT_TIMEOUT_MS * 2,
  });
}

function readOverrides(file: string | undefined): Map<DepartmentCode, unknown> {
  if (!file) return new Map();
  const path = isAbsolute(file) ? file : resolve(projectRoot(), file);
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new Error(`DEPARTMENT_CONNECTORS_FILE ${path}: ${(error as Error).message}`, { cause: error });
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new Error(`DEPARTMENT_CONNECTORS_FILE ${path}: must be an object keyed by department code`);
  }
  const overrides = new Map<DepartmentCode, unknown>();
  for (const [code, connector] of Object.entries(parsed)) {
    if (!isDepartmentCode(code)) throw new Error(`DEPARTMENT_CONNECTORS_FILE ${path}: "${code}" is not a department code`);
    overrides.set(code, connector);
  }
  return overrides;
}
