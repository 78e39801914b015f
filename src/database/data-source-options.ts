import type { DataSourceOptions } from 'typeorm';
import { MIGRATIONS } from '../../migrations/index.js';
import { ENTITIES } from './entities.js';

/** The gateway's own tables live in this schema; department sources live in dept_* schemas. */
export const GATEWAY_SCHEMA = 'onegate';

export function dataSourceOptions(url: string, extra: { poolSize?: number; applicationName?: string } = {}): DataSourceOptions {
  return {
    type: 'postgres',
    url,
    schema: GATEWAY_SCHEMA,
    entities: ENTITIES,
    migrations: MIGRATIONS,
    migrationsTableName: 'migrations',
    synchronize: false,
    migrationsRun: false,
    logging: false,
    poolSize: extra.poolSize,
    applicationName: extra.applicationName ?? 'onegate',
    extra: { connectionTimeoutMillis: 5000 },
  };
}
