import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * A client address's window for the public rate limit (PUBLIC_RATE_LIMIT_MAX requests without a
 * valid token per PUBLIC_RATE_LIMIT_WINDOW_SECONDS), shared by every gateway instance on the
 * database: `hits` counted since `window_started_at`. UNLOGGED (see the migration): a window carries
 * seconds of state, not a record worth a WAL write per request.
 */
@Entity({ name: 'public_allowance' })
export class PublicAllowanceEntity {
  /** The client address as @fastify/rate-limit tells clients apart (IPv6 by /64). */
  @PrimaryColumn({ type: 'text' })
  client: string;

  @Column({ type: 'integer' })
  hits: number;

  @Column({ name: 'window_started_at', type: 'timestamptz' })
  windowStartedAt: Date;
}
