import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { DataItemEntity } from './entities/data-item.entity.js';
import { DepartmentEntity } from './entities/department.entity.js';

/** A department as the runtime role reads it. */
export type DepartmentRow = Omit<DepartmentEntity, 'dataItems'>;

/** A data item as the runtime role reads it. */
export type DataItemRow = Omit<DataItemEntity, 'department'>;

/**
 * The runtime role's queries of `onegate.department` and `onegate.data_item` (it may only read
 * them: they are written from the catalog files at start-up, by catalog-sync.ts as the owner).
 */
@Injectable()
export class CatalogRepository {
  constructor(private readonly dataSource: DataSource) {}

  listDepartments(): Promise<DepartmentRow[]> {
    return this.dataSource.getRepository(DepartmentEntity).find({ order: { code: 'ASC' } });
  }

  listDataItems(): Promise<DataItemRow[]> {
    return this.dataSource.getRepository(DataItemEntity).find({ order: { code: 'ASC' } });
  }

  async dataItemCodes(): Promise<Set<string>> {
    const items = await this.dataSource.getRepository(DataItemEntity).find({ select: { code: true } });
    return new Set(items.map((item) => item.code));
  }
}
