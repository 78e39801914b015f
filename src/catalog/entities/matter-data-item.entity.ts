import { Entity, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import type { DataItemEntity } from './data-item.entity.js';
import type { MatterEntity } from './matter.entity.js';

/** A data item a matter may read. Deny by default: an item not listed here is never released for the matter. */
@Entity({ name: 'matter_data_item' })
export class MatterDataItemEntity {
  @PrimaryColumn({ name: 'matter_code', type: 'varchar', length: 64 })
  matterCode: string;

  @PrimaryColumn({ name: 'data_item_code', type: 'varchar', length: 64 })
  dataItemCode: string;

  @ManyToOne('MatterEntity', (matter: MatterEntity) => matter.dataItems, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'matter_code' })
  matter?: MatterEntity;

  @ManyToOne('DataItemEntity', { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'data_item_code' })
  dataItem?: DataItemEntity;
}
