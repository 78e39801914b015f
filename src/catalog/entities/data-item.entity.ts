import { Column, Entity, JoinColumn, ManyToOne, PrimaryColumn, UpdateDateColumn } from 'typeorm';
import type { DepartmentEntity } from './department.entity.js';

/** One kind of record a department shares (e.g. `household.registration`), with its JSON Schema. */
@Entity({ name: 'data_item' })
export class DataItemEntity {
  @PrimaryColumn({ type: 'varchar', length: 64 })
  code: string;

  @Column({ name: 'department_code', type: 'varchar', length: 32 })
  departmentCode: string;

  @ManyToOne('DepartmentEntity', (department: DepartmentEntity) => department.dataItems, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'department_code' })
  department?: DepartmentEntity;

  @Column({ type: 'varchar', length: 200 })
  title: string;

  @Column({ name: 'json_schema', type: 'jsonb' })
  jsonSchema: Record<string, unknown>;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}
