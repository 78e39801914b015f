import { Column, Entity, OneToMany, PrimaryColumn } from 'typeorm';
import type { DataItemEntity } from './data-item.entity.js';

/** A department that owns records, as the catalog (schemas/departments.json) declares it. */
@Entity({ name: 'department' })
export class DepartmentEntity {
  @PrimaryColumn({ type: 'varchar', length: 32 })
  code: string;

  @Column({ type: 'varchar', length: 200 })
  name: string;

  /** What the department holds, in words, for people reading the catalog. */
  @Column({ type: 'text', array: true, default: () => "'{}'" })
  holds: string[];

  @OneToMany('DataItemEntity', (item: DataItemEntity) => item.department)
  dataItems?: DataItemEntity[];
}
