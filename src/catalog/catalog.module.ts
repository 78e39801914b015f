import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuditModule } from '../audit/audit.module.js';
import { CatalogResolver } from './catalog.resolver.js';
import { CatalogService } from './catalog.service.js';
import { DataItemEntity } from './entities/data-item.entity.js';
import { DepartmentEntity } from './entities/department.entity.js';
import { MattersResolver } from './matters.resolver.js';
import { MattersService } from './matters.service.js';

@Module({
  imports: [TypeOrmModule.forFeature([DepartmentEntity, DataItemEntity]), AuditModule],
  providers: [CatalogService, CatalogResolver, MattersService, MattersResolver],
  exports: [CatalogService, MattersService],
})
export class CatalogModule {}
