import { Module } from '@nestjs/common';
import { AuditEntryRepository } from './audit-entry.repository.js';
import { AuditExportController } from './audit-export.controller.js';
import { AuditResolver } from './audit.resolver.js';
import { AuditService } from './audit.service.js';
import { LedgerResolver } from './ledger.resolver.js';
import { LedgerService } from './ledger.service.js';

/**
 * The audit ledger (LedgerService.record: durable before data leaves), its checkpoints and proofs,
 * and the auditor and citizen views of it. Other domains import this module for LedgerService.
 */
@Module({
  providers: [LedgerService, AuditEntryRepository, AuditService, AuditResolver, LedgerResolver],
  controllers: [AuditExportController],
  exports: [LedgerService],
})
export class AuditModule {}
