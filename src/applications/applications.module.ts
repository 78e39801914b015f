import { Module } from '@nestjs/common';
import { CatalogModule } from '../catalog/catalog.module.js';
import { ConsentModule } from '../consent/consent.module.js';
import { IdentityModule } from '../identity/identity.module.js';
import { LedgerModule } from '../ledger/ledger.module.js';
import { OneThingsModule } from '../one-things/one-things.module.js';
import { ApplicationRepository } from './application.repository.js';
import { ApplicationsResolver } from './applications.resolver.js';
import { ApplicationsService } from './applications.service.js';
import { GuidanceOfOneThings, OneThingGuidance } from './one-thing-guidance.js';
import { TaskDeadlines } from './task-deadlines.js';

/**
 * Applications of one things and their department tasks (docs/applications.md): opened on a case
 * with the one-things guidance, submitted with all their tasks in one transaction, decided by the
 * deciding departments, their deadlines on pg-boss.
 */
@Module({
  imports: [LedgerModule, CatalogModule, ConsentModule, OneThingsModule, IdentityModule],
  providers: [ApplicationRepository, TaskDeadlines, ApplicationsService, ApplicationsResolver, { provide: OneThingGuidance, useClass: GuidanceOfOneThings }],
})
export class ApplicationsModule {}
