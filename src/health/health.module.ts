import { Module } from '@nestjs/common';
import { LedgerModule } from '../ledger/ledger.module.js';
import { HealthController } from './health.controller.js';
import { HealthService } from './health.service.js';

@Module({ imports: [LedgerModule], controllers: [HealthController], providers: [HealthService] })
export class HealthModule {}
