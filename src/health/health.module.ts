import { Module } from '@nestjs/common';
import { AuditModule } from '../audit/audit.module.js';
import { HealthController } from './health.controller.js';
import { HealthService } from './health.service.js';

@Module({ imports: [AuditModule], controllers: [HealthController], providers: [HealthService] })
export class HealthModule {}
