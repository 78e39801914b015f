import { Injectable } from '@nestjs/common';
import { CatalogRepository, type DataItemRow } from './catalog.repository.js';
import type { DataItem } from './models/data-item.model.js';
import type { Department } from './models/department.model.js';

/** Read side of the catalog (departments and data items), as the runtime role. */
@Injectable()
export class CatalogService {
  constructor(private readonly catalog: CatalogRepository) {}

  async listDepartments(): Promise<Department[]> {
    const [departments, items] = await Promise.all([this.catalog.listDepartments(), this.listDataItems()]);
    return departments.map((d) => ({
      code: d.code,
      name: d.name,
      holds: d.holds,
      dataItems: items.filter((item) => item.department === d.code),
    }));
  }

  async listDataItems(): Promise<DataItem[]> {
    const items = await this.catalog.listDataItems();
    return items.map(toDataItem);
  }
}

function toDataItem(entity: DataItemRow): DataItem {
  // The published schema keeps `x-onegate` (all but its source): the Chinese name is read from it.
  const meta = entity.jsonSchema['x-onegate'] as { nameZh?: unknown } | undefined;
  const nameZh = typeof meta?.nameZh === 'string' ? meta.nameZh : entity.title;
  return { code: entity.code, department: entity.departmentCode, title: entity.title, nameZh, schema: entity.jsonSchema };
}
