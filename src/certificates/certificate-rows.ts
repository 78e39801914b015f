import type { CompanionTable, Queryable } from '../audit/ledger-writer.js';
import type { CertificateEntity } from './entities/certificate.entity.js';

/**
 * New certificates, registered in the ledger's batch transaction together with their
 * CERTIFICATE_ISSUE entries (see LedgerWriter.recordWith): one INSERT for every certificate of the
 * batch. A row that collides with a registered certificate — the same idempotency key, or the same
 * random status list entry — is left out, and so is its entry.
 */
export const CERTIFICATE_ROWS: CompanionTable<CertificateEntity> = {
  name: 'certificate',
  async insert(db: Queryable, rows: readonly CertificateEntity[]): Promise<ReadonlySet<number>> {
    const column = <K extends keyof CertificateEntity>(key: K) => rows.map((row) => row[key]);
    const { rows: inserted } = await db.query<{ id: string }>(INSERT_CERTIFICATES, [
      column('id'),
      column('identifier'),
      column('type'),
      column('holderKind'),
      column('holder'),
      column('issuer'),
      column('signingKid'),
      column('version'),
      column('replacesId'),
      column('statusList'),
      column('statusIndex'),
      column('issuedAt'),
      column('validUntil'),
      column('idempotencyKey'),
      column('issuedBy'),
      column('credential'),
      column('sdJwt'),
    ]);
    const positions = new Map<string, number>();
    rows.forEach((row, i) => positions.has(row.id) || positions.set(row.id, i));
    return new Set(inserted.map((row) => positions.get(row.id)!));
  },
};

/** Rows in their given order (WITH ORDINALITY), so that of two colliding rows of one batch the first is kept. */
const INSERT_CERTIFICATES = `
  INSERT INTO onegate.certificate (id, identifier, type, holder_kind, holder, issuer, signing_kid, version, replaces_id,
    status_list, status_index, state, issued_at, valid_until, idempotency_key, issued_by, credential, sd_jwt)
  SELECT id, identifier, type, holder_kind, holder, issuer, signing_kid, version, replaces_id,
    status_list, status_index, 'VALID', issued_at, valid_until, idempotency_key, issued_by, credential, sd_jwt
  FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::smallint[], $9::uuid[],
    $10::integer[], $11::integer[], $12::timestamptz[], $13::timestamptz[], $14::text[], $15::text[], $16::text[], $17::text[])
    WITH ORDINALITY AS r(id, identifier, type, holder_kind, holder, issuer, signing_kid, version, replaces_id,
      status_list, status_index, issued_at, valid_until, idempotency_key, issued_by, credential, sd_jwt, position)
  ORDER BY position
  ON CONFLICT DO NOTHING
  RETURNING id`;
