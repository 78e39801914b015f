import { Check, Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { CertificateEntity } from './certificate.entity.js';

/**
 * An SD-JWT presentation the holder made (the claims they ticked), kept for a short while under a
 * short random reference so that a QR code can carry `/verify?p=<ref>` instead of the presentation,
 * which is far too long for one. Expired links are deleted when new ones are made.
 */
@Entity({ name: 'presentation_link' })
@Check('presentation_link_expiry_check', `"expires_at" > "created_at"`)
@Index('presentation_link_expires_idx', ['expiresAt'])
export class PresentationLinkEntity {
  /** 128 random bits, base64url (22 characters). */
  @PrimaryColumn({ type: 'varchar', length: 32 })
  ref: string;

  @Column({ name: 'certificate_id', type: 'uuid' })
  certificateId: string;

  @ManyToOne(() => CertificateEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'certificate_id' })
  certificate?: CertificateEntity;

  /** The SD-JWT presentation (issuer-signed JWT and the chosen disclosures only). */
  @Column({ type: 'text' })
  presentation: string;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @Column({ name: 'expires_at', type: 'timestamptz' })
  expiresAt: Date;
}
