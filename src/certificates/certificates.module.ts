import { Module } from '@nestjs/common';
import { AuditModule } from '../audit/audit.module.js';
import { CatalogModule } from '../catalog/catalog.module.js';
import { ConsentModule } from '../consent/consent.module.js';
import { ExchangeModule } from '../exchange/exchange.module.js';
import { CertificateCatalog } from './certificate-catalog.js';
import { CertificatePresenter } from './certificate-presenter.js';
import { CitizenCertificatesResolver } from './citizen-certificates.resolver.js';
import { CertificateVerificationService } from './certificate-verification.service.js';
import { CertificatesController } from './certificates.controller.js';
import { CertificatesResolver } from './certificates.resolver.js';
import { CertificatesService } from './certificates.service.js';
import { IssuingKeysService } from './issuing-keys.service.js';
import { StatusListsService } from './status-lists.service.js';
import { PresentationLinksService } from './presentation-links.service.js';

/**
 * The electronic certificate registry (docs/certificates.md): types, department keys certified by
 * the onegate root, issuance through the exchange, status lists, and verification.
 */
@Module({
  imports: [AuditModule, CatalogModule, ConsentModule, ExchangeModule],
  controllers: [CertificatesController],
  providers: [CertificateCatalog, IssuingKeysService, StatusListsService, CertificatesService, CertificateVerificationService, CertificatePresenter, CertificatesResolver, CitizenCertificatesResolver, PresentationLinksService],
  exports: [CertificatesService, CertificateCatalog],
})
export class CertificatesModule {}
