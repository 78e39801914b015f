import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * A principal's token bucket for the lookup limit (EXCHANGE_LOOKUPS_PER_MINUTE), shared by every
 * gateway instance on the database: `tokens` left after the last take at `taken_at`, refilled
 * continuously, and how many lookups that take `granted`. UNLOGGED (see the migration): a bucket
 * carries seconds of state, not a record worth a WAL write per lookup.
 */
@Entity({ name: 'lookup_allowance' })
export class LookupAllowanceEntity {
  /** `<principal kind>:<principal id>`. */
  @PrimaryColumn({ type: 'text' })
  principal: string;

  @Column({ type: 'double precision' })
  tokens: number;

  @Column({ type: 'integer' })
  granted: number;

  @Column({ name: 'taken_at', type: 'timestamptz' })
  takenAt: Date;
}
