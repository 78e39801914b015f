import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { CatalogResolver } from './catalog.resolver.js';
import { CatalogService } from './catalog.service.js';
import { DataItemEntity } from './entities/data-item.entity.js';
import { DepartmentEntity } from './entities/department.entity.js';

@Module({
  imports: [TypeOrmModule.forFeature([DepartmentEntity, DataItemEntity])],
  providers: [CatalogService, CatalogResolver],
  exports: [CatalogService],
})
export class CatalogModule {}
