import { DataItemEntity } from '../catalog/entities/data-item.entity.js';
import { DepartmentEntity } from '../catalog/entities/department.entity.js';

/** Every TypeORM entity of the gateway schema; the migration drift check compares these with migrations/. */
export const ENTITIES = [DepartmentEntity, DataItemEntity];
