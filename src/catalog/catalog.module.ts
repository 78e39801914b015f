import { Module } from '@nestjs/common';
import { LedgerModule } from '../ledger/ledger.module.js';
import { CatalogRepository } from './catalog.repository.js';
import { CatalogResolver } from './catalog.resolver.js';
import { CatalogService } from './catalog.service.js';
import { MatterRepository } from './matter.repository.js';
import { MattersResolver } from './matters.resolver.js';
import { MattersService } from './matters.service.js';

@Module({
  imports: [LedgerModule],
  providers: [CatalogRepository, MatterRepository, CatalogService, CatalogResolver, MattersService, MattersResolver],
  exports: [CatalogService, MattersService],
})
export class CatalogModule {}
