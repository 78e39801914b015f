import { Module } from '@nestjs/common';
import { LedgerModule } from '../ledger/ledger.module.js';
import { CatalogModule } from '../catalog/catalog.module.js';
import { IdentityModule } from '../identity/identity.module.js';
import { CaseStoreModule } from '../cases/case-store.module.js';
import { ConsentGrantRepository } from './consent-grant.repository.js';
import { ConsentResolver } from './consent.resolver.js';
import { ConsentService } from './consent.service.js';
import { PurposeFactsService } from './purpose-facts.js';

/**
 * Citizens' consent grants and consent tokens. Exports ConsentService, whose resolveForAccess turns
 * what a clerk presents as `purpose.consent` into the facts the access decision judges, and
 * PurposeFactsService, which gathers those with the matter's rules for every reader of records.
 */
@Module({
  imports: [LedgerModule, CatalogModule, IdentityModule, CaseStoreModule],
  providers: [ConsentGrantRepository, ConsentService, ConsentResolver, PurposeFactsService],
  exports: [ConsentService, PurposeFactsService],
})
export class ConsentModule {}
