import { Check, Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import type { MatterEntity } from '../../catalog/entities/matter.entity.js';

/**
 * A citizen's consent for a matter (optionally one case), for the halls and departments it names,
 * until it expires or is revoked. A grant naming neither covers nobody until the citizen shows its
 * QR code at a window: the first clerk who uses it there binds it to that hall. Never deleted: a revocation sets `revoked_at`, so the runtime role may SELECT, INSERT and
 * UPDATE, not DELETE. Every grant and revocation is also a ledger entry.
 */
@Entity({ name: 'consent_grant' })
@Check('consent_grant_expiry_check', `"expires_at" > "granted_at"`)
// ("citizen_id_number", "granted_at" DESC): newest first per citizen (myConsents). TypeORM cannot
// declare a descending column, so the index is written in the migration and left out of the drift check.
@Index('consent_grant_citizen_idx', { synchronize: false })
export class ConsentGrantEntity {
  @PrimaryColumn({ type: 'uuid' })
  id: string;

  /** The citizen's normalised ID number (GB 11643). */
  @Column({ name: 'citizen_id_number', type: 'varchar', length: 18 })
  citizenIdNumber: string;

  @Column({ name: 'matter_code', type: 'varchar', length: 64 })
  matterCode: string;

  /**
   * The person the grant is given for, when not the grantor: a parent for their minor child, a next
   * of kin for the deceased. It covers that person's records only in a case where the grantor's
   * relation to them is proven from records.
   */
  @Column({ name: 'on_behalf_of', type: 'varchar', length: 18, nullable: true })
  onBehalfOf: string | null;

  /** Limits the consent to one case, when set. */
  @Column({ name: 'case_number', type: 'varchar', length: 64, nullable: true })
  caseNumber: string | null;

  /** The service halls whose clerks the consent covers. */
  @Column({ type: 'varchar', length: 32, array: true, default: () => "'{}'" })
  halls: string[];

  /** The departments whose systems the consent covers. */
  @Column({ type: 'varchar', length: 64, array: true, default: () => "'{}'" })
  departments: string[];

  @Column({ name: 'granted_at', type: 'timestamptz' })
  grantedAt: Date;

  @Column({ name: 'expires_at', type: 'timestamptz' })
  expiresAt: Date;

  @Column({ name: 'revoked_at', type: 'timestamptz', nullable: true })
  revokedAt: Date | null;

  // A matter with consents on record cannot be deleted: the grants stay as they were given.
  @ManyToOne('MatterEntity', { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'matter_code' })
  matter?: MatterEntity;
}
