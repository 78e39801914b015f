import { Module } from '@nestjs/common';
import { CaseRepository } from './case.repository.js';

/**
 * The case tables' repository alone, for the modules below the cases domain that must read a case
 * (consent/'s purpose facts: a lookup may state a case as its purpose).
 */
@Module({ providers: [CaseRepository], exports: [CaseRepository] })
export class CaseStoreModule {}
