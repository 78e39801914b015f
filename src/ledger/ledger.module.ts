import { Module } from '@nestjs/common';
import { LedgerResolver } from './ledger.resolver.js';
import { LedgerService } from './ledger.service.js';

/**
 * The audit ledger's store: the group-committed append (LedgerService.record: durable before data
 * leaves), the Merkle tree, signed checkpoints and RFC 9162 proofs. Every domain that records
 * imports this module; the auditors' views of the ledger are AuditModule's.
 */
@Module({
  providers: [LedgerService, LedgerResolver],
  exports: [LedgerService],
})
export class LedgerModule {}
