import { Module } from '@nestjs/common';
import { LedgerModule } from '../ledger/ledger.module.js';
import { CatalogModule } from '../catalog/catalog.module.js';
import { ConsentModule } from '../consent/consent.module.js';
import { ExchangeModule } from '../exchange/exchange.module.js';
import { CertificateCatalog } from './certificate-catalog.js';
import { CertificateIssuance } from './certificate-issuance.service.js';
import { CertificateRegistry } from './certificate-registry.service.js';
import { CertificateRepository } from './certificate.repository.js';
import { CertificatePresenter } from './certificate-presenter.js';
import { CitizenCertificatesResolver } from './citizen-certificates.resolver.js';
import { CertificateVerificationService } from './certificate-verification.service.js';
import { CertificatesController } from './certificates.controller.js';
import { CertificatesResolver } from './certificates.resolver.js';
import { IssuingKeyRepository } from './issuing-key.repository.js';
import { IssuingKeysService } from './issuing-keys.service.js';
import { PresentationLinkRepository } from './presentation-link.repository.js';
import { StatusListRepository } from './status-list.repository.js';
import { StatusListsService } from './status-lists.service.js';
import { PresentationLinksService } from './presentation-links.service.js';

/**
 * The electronic certificate registry (docs/certificates.md): types, department keys certified by
 * the onegate root, issuance through the exchange, status lists, and verification.
 */
@Module({
  imports: [LedgerModule, CatalogModule, ConsentModule, ExchangeModule],
  controllers: [CertificatesController],
  providers: [
    CertificateRepository,
    StatusListRepository,
    IssuingKeyRepository,
    PresentationLinkRepository,
    CertificateCatalog,
    IssuingKeysService,
    StatusListsService,
    CertificateIssuance,
    CertificateRegistry,
    CertificateVerificationService,
    CertificatePresenter,
    CertificatesResolver,
    CitizenCertificatesResolver,
    PresentationLinksService,
  ],
  exports: [CertificateRegistry, CertificateCatalog],
})
export class CertificatesModule {}
