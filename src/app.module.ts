import { ApolloDriver, type ApolloDriverConfig } from '@nestjs/apollo';
import { DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { GraphQLModule } from '@nestjs/graphql';
import { ApplicationsModule } from './applications/applications.module.js';
import { AuditModule } from './audit/audit.module.js';
import { CasesModule } from './cases/cases.module.js';
import { CatalogModule } from './catalog/catalog.module.js';
import { CertificatesModule } from './certificates/certificates.module.js';
import { DomainErrorFilter } from './common/errors/domain-error.filter.js';
import { graphqlOptions } from './common/graphql/graphql-options.js';
import type { AppConfig } from './config/app-config.js';
import { ConfigModule } from './config/config.module.js';
import { ConsentModule } from './consent/consent.module.js';
import { ConsoleModule } from './console/console.module.js';
import type { DatabaseConnections } from './database/database-setup.js';
import { DatabaseModule } from './database/database.module.js';
import { ExchangeModule, ExchangeViewsModule } from './exchange/exchange.module.js';
import { HealthModule } from './health/health.module.js';
import { IdentityModule } from './identity/identity.module.js';
import { LimitsModule } from './limits/limits.module.js';
import { LedgerModule } from './ledger/ledger.module.js';
import type { Logger } from './logging/logger.js';
import { LoggingModule } from './logging/logging.module.js';
import { OneThingsModule } from './one-things/one-things.module.js';
import { OperationsModule } from './operations/operations.module.js';

export interface AppModuleOptions {
  config: AppConfig;
  connections: DatabaseConnections;
  logger: Logger;
}

@Module({})
export class AppModule {
  static forRoot({ config, connections, logger }: AppModuleOptions): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(config),
        LoggingModule.forRoot(logger),
        DatabaseModule.forRoot(connections, config.DB_POOL_SIZE),
        OperationsModule,
        GraphQLModule.forRoot<ApolloDriverConfig>({ driver: ApolloDriver, ...graphqlOptions(config, logger) }),
        IdentityModule,
        LimitsModule,
        CatalogModule,
        LedgerModule,
        AuditModule,
        ConsentModule,
        ExchangeModule,
        ExchangeViewsModule.forRoot(config),
        CertificatesModule,
        CasesModule,
        OneThingsModule,
        HealthModule,
        ConsoleModule,
        ApplicationsModule,
      ],
      providers: [{ provide: APP_FILTER, useClass: DomainErrorFilter }],
    };
  }
}
