import { Check, Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * One status list number of a department: a revocation and a suspension Bitstring Status List of
 * the same size, where each certificate holds the same random index in both. New certificates take
 * an index in the department's OPEN list; a list that is filling up is closed and the next opened,
 * so random indices stay cheap to find and the lists keep their herd privacy.
 */
@Entity({ name: 'status_list' })
@Check('status_list_state_check', `"state" IN ('OPEN', 'FULL')`)
@Check('status_list_size_check', `"size" >= 131072`)
export class StatusListEntity {
  @PrimaryColumn({ type: 'varchar', length: 64 })
  issuer: string;

  @PrimaryColumn({ type: 'integer' })
  number: number;

  @Column({ type: 'integer' })
  size: number;

  @Column({ type: 'varchar', length: 8 })
  state: 'OPEN' | 'FULL';

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}
