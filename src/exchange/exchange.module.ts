import { Module } from '@nestjs/common';
import { LedgerModule } from '../ledger/ledger.module.js';
import { CatalogModule } from '../catalog/catalog.module.js';
import { ConsentModule } from '../consent/consent.module.js';
import { DepartmentRegistry } from './department-registry.js';
import { CitizenViewResolver, EnterpriseViewResolver, ExchangeResolver, MarriageResolver } from './exchange.resolver.js';
import { ExchangeService } from './exchange.service.js';

@Module({
  imports: [LedgerModule, CatalogModule, ConsentModule],
  providers: [DepartmentRegistry, ExchangeService, ExchangeResolver, CitizenViewResolver, MarriageResolver, EnterpriseViewResolver],
  exports: [ExchangeService],
})
export class ExchangeModule {}
