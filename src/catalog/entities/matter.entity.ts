import { Check, Column, Entity, OneToMany, PrimaryColumn, UpdateDateColumn } from 'typeorm';
import type { MaterialDefinition, SubjectCondition } from '../matter-definition.js';
import type { PartyRoleDefinition } from '../matter-parties.js';
import type { MatterDataItemEntity } from './matter-data-item.entity.js';

/** A matter and its rules (see matter-definition.ts); the data items it may read are in matter_data_item. */
@Entity({ name: 'matter' })
@Check('matter_subject_check', `"subject" IN ('PERSON', 'ENTERPRISE')`)
@Check('matter_jurisdiction_check', `"jurisdiction" IN ('ANY', 'PROVINCE', 'CITY', 'COUNTY')`)
@Check('matter_managed_by_check', `"managed_by" IN ('FILE', 'ADMIN')`)
export class MatterEntity {
  @PrimaryColumn({ type: 'varchar', length: 64 })
  code: string;

  @Column({ type: 'varchar', length: 200 })
  name: string;

  @Column({ name: 'name_zh', type: 'varchar', length: 200, nullable: true })
  nameZh: string | null;

  @Column({ type: 'text' })
  description: string;

  @Column({ type: 'varchar', length: 16 })
  subject: string;

  @Column({ name: 'consent_required', type: 'boolean' })
  consentRequired: boolean;

  @Column({ type: 'text', array: true })
  roles: string[];

  @Column({ type: 'varchar', length: 16 })
  jurisdiction: string;

  /** Conditions on the subject, judged before anything is released (see matter-definition.ts). */
  @Column({ name: 'subject_conditions', type: 'jsonb', default: () => "'[]'" })
  subjectConditions: SubjectCondition[];

  @Column({ type: 'jsonb' })
  materials: MaterialDefinition[];

  /** The party roles when the matter is handled as a case (see matter-parties.ts); empty: not a case matter. */
  @Column({ type: 'jsonb', default: () => "'[]'" })
  parties: PartyRoleDefinition[];

  /** FILE: kept equal to schemas/matters/ at start-up; ADMIN: changed through the API, left alone by the sync. */
  @Column({ name: 'managed_by', type: 'varchar', length: 8 })
  managedBy: string;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;

  @OneToMany('MatterDataItemEntity', (item: MatterDataItemEntity) => item.matter)
  dataItems?: MatterDataItemEntity[];
}
