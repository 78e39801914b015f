import type { CompanionTable, Queryable } from '../audit/ledger-writer.js';
import type { CertificateEntity } from './entities/certificate.entity.js';

/**
 * New certificates, registered in the ledger's batch transaction together with their
 * CERTIFICATE_ISSUE entries (see LedgerWriter.recordWith): one INSERT for every certificate of the
 * batch. A row that collides with a registered certificate — the same idempotency key, or the same
 * random status list entry — is left out, and so is its entry. A writer that wrote the ledger's last
 * batch sends the rows in its one-statement append instead (insertAll), and falls back to `insert`
 * when one of them conflicts.
 */
export const CERTIFICATE_ROWS: CompanionTable<CertificateEntity> = {
  name: 'certificate',
  async insert(db: Queryable, rows: readonly CertificateEntity[]): Promise<ReadonlySet<number>> {
    const { rows: inserted } = await db.query<{ id: string }>(INSERT_CERTIFICATES, parameters(rows));
    const positions = new Map<string, number>();
    rows.forEach((row, i) => positions.has(row.id) || positions.set(row.id, i));
    return new Set(inserted.map((row) => positions.get(row.id)!));
  },
  insertAll(rows: readonly CertificateEntity[], first: number, condition: string) {
    return { text: insertCertificates(first, `WHERE ${condition}`), values: parameters(rows) };
  },
};

/** The statements' parameters: one array per column. */
function parameters(rows: readonly CertificateEntity[]): unknown[] {
  const column = <K extends keyof CertificateEntity>(key: K) => rows.map((row) => row[key]);
  return [
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
    // As text: node-postgres would write an array of objects as a Postgres array literal, not JSON.
    rows.map((row) => (row.holderKey === null ? null : JSON.stringify(row.holderKey))),
  ];
}

/** The rows (parameters from `$first`, see `parameters`) inserted in their given order (WITH ORDINALITY), then `tail`. */
function insertCertificates(first: number, tail: string): string {
  const types = ['uuid', 'text', 'text', 'text', 'text', 'text', 'text', 'smallint', 'uuid', 'integer', 'integer', 'timestamptz', 'timestamptz', 'text', 'text', 'text', 'text', 'text'];
  return `
  INSERT INTO onegate.certificate (id, identifier, type, holder_kind, holder, issuer, signing_kid, version, replaces_id,
    status_list, status_index, state, issued_at, valid_until, idempotency_key, issued_by, credential, sd_jwt, holder_key)
  SELECT id, identifier, type, holder_kind, holder, issuer, signing_kid, version, replaces_id,
    status_list, status_index, 'VALID', issued_at, valid_until, idempotency_key, issued_by, credential, sd_jwt, holder_key::jsonb
  FROM unnest(${types.map((type, i) => `$${first + i}::${type}[]`).join(', ')})
    WITH ORDINALITY AS r(id, identifier, type, holder_kind, holder, issuer, signing_kid, version, replaces_id,
      status_list, status_index, issued_at, valid_until, idempotency_key, issued_by, credential, sd_jwt, holder_key, position)
  ${tail}`;
}

/** Of two colliding rows of one batch, the first is kept. */
const INSERT_CERTIFICATES = insertCertificates(1, 'ORDER BY position ON CONFLICT DO NOTHING RETURNING id');
