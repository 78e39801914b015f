import { Module } from '@nestjs/common';
import { CatalogModule } from '../catalog/catalog.module.js';
import { CertificatesModule } from '../certificates/certificates.module.js';
import { ConsentModule } from '../consent/consent.module.js';
import { ExchangeModule } from '../exchange/exchange.module.js';
import { IdentityModule } from '../identity/identity.module.js';
import { LedgerModule } from '../ledger/ledger.module.js';
import { CaseFieldsResolver, CasePartyResolver } from './case-fields.resolver.js';
import { CaseStoreModule } from './case-store.module.js';
import { CasesResolver } from './cases.resolver.js';
import { CasesService } from './cases.service.js';

/**
 * Cases at the hall's window (docs/cases.md): several parties in one matter, relations proven from
 * records, consent per party, each party's records read under the case through the exchange.
 * Needs the exchange's item views (ExchangeViewsModule, global) for the parties' records.
 */
@Module({
  imports: [LedgerModule, CatalogModule, ConsentModule, ExchangeModule, CertificatesModule, IdentityModule, CaseStoreModule],
  providers: [CasesService, CasesResolver, CaseFieldsResolver, CasePartyResolver],
  exports: [CasesService],
})
export class CasesModule {}
