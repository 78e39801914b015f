import { Query, Resolver } from '@nestjs/graphql';
import { CatalogService } from './catalog.service.js';
import { DataItem } from './models/data-item.model.js';
import { Department } from './models/department.model.js';

@Resolver()
export class CatalogResolver {
  constructor(private readonly catalog: CatalogService) {}

  @Query(() => [Department], { description: 'The departments onegate federates and the data items each shares.' })
  departments(): Promise<Department[]> {
    return this.catalog.listDepartments();
  }

  @Query(() => [DataItem], { description: 'Every data item in the catalog with its JSON Schema.' })
  dataItems(): Promise<DataItem[]> {
    return this.catalog.listDataItems();
  }
}
