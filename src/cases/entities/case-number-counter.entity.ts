import { Column, Entity, PrimaryColumn } from 'typeorm';

/** The last case number a hall generated in a year; taken with one UPDATE … RETURNING (no gaps are promised). */
@Entity({ name: 'case_number_counter' })
export class CaseNumberCounterEntity {
  @PrimaryColumn({ type: 'varchar', length: 32 })
  hall: string;

  @PrimaryColumn({ type: 'integer' })
  year: number;

  @Column({ name: 'last_serial', type: 'integer' })
  lastSerial: number;
}
