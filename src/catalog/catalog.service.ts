import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { DataItemEntity } from './entities/data-item.entity.js';
import { DepartmentEntity } from './entities/department.entity.js';
import type { DataItem } from './models/data-item.model.js';
import type { Department } from './models/department.model.js';

/** Read side of the catalog (departments and data items), as the runtime role. */
@Injectable()
export class CatalogService {
  constructor(
    @InjectRepository(DepartmentEntity) private readonly departments: Repository<DepartmentEntity>,
    @InjectRepository(DataItemEntity) private readonly dataItems: Repository<DataItemEntity>,
  ) {}

  async listDepartments(): Promise<Department[]> {
    const [departments, items] = await Promise.all([
      this.departments.find({ order: { code: 'ASC' } }),
      this.listDataItems(),
    ]);
    return departments.map((d) => ({
      code: d.code,
      name: d.name,
      holds: d.holds,
      dataItems: items.filter((item) => item.department === d.code),
    }));
  }

  async listDataItems(): Promise<DataItem[]> {
    const items = await this.dataItems.find({ order: { code: 'ASC' } });
    return items.map(toDataItem);
  }
}

function toDataItem(entity: DataItemEntity): DataItem {
  return { code: entity.code, department: entity.departmentCode, title: entity.title, schema: entity.jsonSchema };
}
