import { Check, Column, Entity, Index, PrimaryColumn } from 'typeorm';

/**
 * A department's ES256 certificate-issuing key: the public part as an X.509 certificate signed by
 * the onegate root CA, the private part sealed with the master key (AES-256-GCM, the key id as
 * associated data). One ACTIVE key per department signs new certificates; a rotation retires the old
 * one, which keeps verifying (and stays in the JWKS) until its certificate expires.
 */
@Entity({ name: 'issuing_key' })
@Check('issuing_key_state_check', `"state" IN ('ACTIVE', 'RETIRED')`)
@Check('issuing_key_validity_check', `"not_after" > "not_before"`)
// One ACTIVE key per department (partial unique index, written in the migration).
@Index('issuing_key_active_idx', { synchronize: false })
export class IssuingKeyEntity {
  /** RFC 7638 SHA-256 thumbprint of the public key (base64url): the JOSE `kid`. */
  @PrimaryColumn({ type: 'varchar', length: 64 })
  kid: string;

  @Column({ type: 'varchar', length: 64 })
  department: string;

  /** DER of the department certificate (the JOSE `x5c` leaf). */
  @Column({ type: 'bytea' })
  certificate: Buffer;

  /** `v1.<iv>.<tag>.<ciphertext>`: the PKCS#8 private key sealed with the master key. */
  @Column({ name: 'sealed_private_key', type: 'text' })
  sealedPrivateKey: string;

  @Column({ name: 'not_before', type: 'timestamptz' })
  notBefore: Date;

  @Column({ name: 'not_after', type: 'timestamptz' })
  notAfter: Date;

  @Column({ type: 'varchar', length: 16 })
  state: 'ACTIVE' | 'RETIRED';

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @Column({ name: 'retired_at', type: 'timestamptz', nullable: true })
  retiredAt: Date | null;
}
