import { Module } from '@nestjs/common';
import { AuditModule } from '../audit/audit.module.js';
import { CatalogModule } from '../catalog/catalog.module.js';
import { ConsentModule } from '../consent/consent.module.js';
import { DepartmentRegistry } from './department-registry.js';
import { CitizenViewResolver, EnterpriseViewResolver, ExchangeResolver, MarriageResolver } from './exchange.resolver.js';
import { ExchangeService } from './exchange.service.js';
import { SHARED_LOOKUP_RATE_LIMITER } from './shared-lookup-rate-limiter.js';

@Module({
  imports: [AuditModule, CatalogModule, ConsentModule],
  providers: [DepartmentRegistry, SHARED_LOOKUP_RATE_LIMITER, ExchangeService, ExchangeResolver, CitizenViewResolver, MarriageResolver, EnterpriseViewResolver],
  exports: [ExchangeService],
})
export class ExchangeModule {}
