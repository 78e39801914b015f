import { Module, type DynamicModule } from '@nestjs/common';
import { LedgerModule } from '../ledger/ledger.module.js';
import { readCatalogFiles } from '../catalog/catalog-files.js';
import { CatalogModule } from '../catalog/catalog.module.js';
import type { AppConfig } from '../config/app-config.js';
import { ConsentModule } from '../consent/consent.module.js';
import { DepartmentRegistry } from './department-registry.js';
import { ExchangeResolver } from './exchange.resolver.js';
import { CitizenViewLedgerResolver, EnterpriseViewLedgerResolver } from './view-ledger.resolver.js';
import { ExchangeService } from './exchange.service.js';
import { ItemViews, itemViewsOf } from './item-views.js';
import { SHARED_LOOKUP_RATE_LIMITER } from './shared-lookup-rate-limiter.js';

/**
 * The exchange: departments, and the audited reads of their data (ExchangeService). Other modules
 * get ExchangeService only; the fetching of items stays inside it.
 */
@Module({
  imports: [LedgerModule, CatalogModule, ConsentModule],
  providers: [DepartmentRegistry, SHARED_LOOKUP_RATE_LIMITER, ExchangeService],
  exports: [ExchangeService],
})
export class ExchangeModule {}

/**
 * The exchange's GraphQL: the `citizen` and `enterprise` lookups and the data items' views, made
 * from the catalog the gateway serves (CATALOG_DIR). Apart from ExchangeModule so that the views
 * can depend on the configuration while ExchangeService stays one instance for every importer.
 */
@Module({})
export class ExchangeViewsModule {
  static forRoot(config: AppConfig): DynamicModule {
    const views = itemViewsOf(readCatalogFiles(config.catalogDir).dataItems);
    return {
      module: ExchangeViewsModule,
      // Global: the cases domain shows its parties' records with the same views.
      global: true,
      imports: [ExchangeModule],
      exports: [ItemViews],
      providers: [
        { provide: ItemViews, useValue: views },
        ExchangeResolver,
        CitizenViewLedgerResolver,
        EnterpriseViewLedgerResolver,
        ...(views.resolvers as Array<new (...args: never[]) => object>),
      ],
    };
  }
}
