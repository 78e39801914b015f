import { DynamicModule, Global, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import type { DatabaseConnections } from './database-setup.js';
import { dataSourceOptions } from './data-source-options.js';

export const DATABASE_CONNECTIONS = Symbol('DATABASE_CONNECTIONS');

/** The runtime TypeORM connection (role onegate_app) and the per-role URLs for other domains. */
@Global()
@Module({})
export class DatabaseModule {
  static forRoot(connections: DatabaseConnections, poolSize: number): DynamicModule {
    return {
      module: DatabaseModule,
      imports: [TypeOrmModule.forRoot({ ...dataSourceOptions(connections.runtimeUrl, { poolSize }), retryAttempts: 0 })],
      providers: [{ provide: DATABASE_CONNECTIONS, useValue: connections }],
      exports: [DATABASE_CONNECTIONS],
    };
  }
}
