import { Module } from '@nestjs/common';
import { CasesModule } from '../cases/cases.module.js';
import { CertificatesModule } from '../certificates/certificates.module.js';
import { ConsentModule } from '../consent/consent.module.js';
import { LedgerModule } from '../ledger/ledger.module.js';
import { BurdenService } from './burden.service.js';
import { GuidanceService } from './guidance.service.js';
import { OneThingCatalog } from './one-thing-catalog.js';
import { OneThingsResolver } from './one-things.resolver.js';

/**
 * One things (docs/one-things.md): the catalog from schemas/one-things/, checked at start-up, and the
 * guidance over a case's records. Exports the catalog and the guidance for applications.
 */
@Module({
  imports: [LedgerModule, CertificatesModule, CasesModule, ConsentModule],
  providers: [OneThingCatalog, GuidanceService, BurdenService, OneThingsResolver],
  exports: [OneThingCatalog, GuidanceService, BurdenService],
})
export class OneThingsModule {}
