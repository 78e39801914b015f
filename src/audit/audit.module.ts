import { Module } from '@nestjs/common';
import { LedgerModule } from '../ledger/ledger.module.js';
import { AuditEntryRepository } from './audit-entry.repository.js';
import { AuditExportController } from './audit-export.controller.js';
import { AuditResolver } from './audit.resolver.js';
import { AuditService } from './audit.service.js';

/**
 * The auditor and citizen views of the ledger: filtered pages, flags and the signed export. The
 * ledger itself (appends, checkpoints, proofs) is LedgerModule's.
 */
@Module({
  imports: [LedgerModule],
  providers: [AuditEntryRepository, AuditService, AuditResolver],
  controllers: [AuditExportController],
})
export class AuditModule {}
