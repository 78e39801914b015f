import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { Queryable } from '../ledger/ledger-store.js';
import type { CompanionTable } from '../ledger/ledger-writer.js';
import { CertificateEntity, type CertificateState } from './entities/certificate.entity.js';

/** A registered certificate as the registry reads and writes it: the row's columns, without relations. */
export type RegisteredCertificate = Omit<CertificateEntity, 'signingKey' | 'replaces'>;

/** A state change as written: the new state, why, and when. */
export interface CertificateStateChange {
  state: CertificateState;
  stateReason: string | null;
  stateChangedAt: Date;
}

/** An entry of a department's status list that a certificate holds, with the certificate's state. */
export interface StatusListEntry {
  index: number;
  state: CertificateState;
}

/**
 * Every query of `onegate.certificate`. Ordinary reads and the locked state change go through
 * TypeORM; the two statements on the issuance path are SQL written here once: the batched lookup of
 * idempotency keys, and the INSERT that registers new certificates inside the ledger's batch
 * transaction (`registration`, a companion table of LedgerWriter).
 */
@Injectable()
export class CertificateRepository {
  /** The certificate table as a companion of the ledger: rows registered in the transaction of their CERTIFICATE_ISSUE entries. */
  readonly registration: CompanionTable<RegisteredCertificate> = CERTIFICATE_REGISTRATION;

  constructor(private readonly dataSource: DataSource) {}

  findById(id: string): Promise<RegisteredCertificate | null> {
    return this.dataSource.getRepository(CertificateEntity).findOneBy({ id });
  }

  findByIdentifier(identifier: string): Promise<RegisteredCertificate | null> {
    return this.dataSource.getRepository(CertificateEntity).findOneBy({ identifier });
  }

  /** A holder's certificates, newest first. */
  listByHolder(holder: string, limit: number): Promise<RegisteredCertificate[]> {
    return this.dataSource.getRepository(CertificateEntity).find({ where: { holder }, order: { issuedAt: 'DESC' }, take: limit });
  }

  /**
   * The certificates of many (issuer, idempotency key) pairs in one query: every issuance asks, so
   * the statement is a constant rather than a query builder's per call.
   */
  async findByIdempotencyKeys(keys: ReadonlyArray<{ issuer: string; idempotencyKey: string }>): Promise<RegisteredCertificate[]> {
    return this.dataSource.query<RegisteredCertificate[]>(SELECT_BY_IDEMPOTENCY_KEYS, [keys.map((k) => k.issuer), keys.map((k) => k.idempotencyKey)]);
  }

  /**
   * Runs `work` in a transaction holding the certificate's row lock (null: no such certificate);
   * `work` may write the new state with `change`, and whatever else it awaits (the change's ledger
   * entry) happens before the commit: when it fails, the change is rolled back.
   */
  withLocked<T>(id: string, work: (current: RegisteredCertificate | null, change: (to: CertificateStateChange) => Promise<void>) => Promise<T>): Promise<T> {
    return this.dataSource.transaction(async (manager) => {
      const certificates = manager.getRepository(CertificateEntity);
      const current = await certificates.findOne({ where: { id }, lock: { mode: 'pessimistic_write' } });
      return work(current, async (to) => {
        await certificates.update({ id }, { state: to.state, stateReason: to.stateReason, stateChangedAt: to.stateChangedAt });
      });
    });
  }

  /** The status list entries the department's certificates hold in one list: all of them, or those in the given states. */
  async statusListEntries(issuer: string, list: number, states?: readonly CertificateState[]): Promise<StatusListEntry[]> {
    const rows: StatusListEntry[] = states
      ? await this.dataSource.query(
          `SELECT status_index AS "index", state FROM onegate.certificate WHERE issuer = $1 AND status_list = $2 AND state = ANY($3::text[])`,
          [issuer, list, states],
        )
      : await this.dataSource.query(`SELECT status_index AS "index", state FROM onegate.certificate WHERE issuer = $1 AND status_list = $2`, [issuer, list]);
    return rows;
  }

  /** How many entries of the department's list are taken. */
  async countInStatusList(issuer: string, list: number): Promise<number> {
    const [{ taken }] = (await this.dataSource.query(`SELECT count(*)::int AS taken FROM onegate.certificate WHERE issuer = $1 AND status_list = $2`, [
      issuer,
      list,
    ])) as Array<{
      taken: number;
    }>;
    return taken;
  }
}

/** The columns under their property names: the rows are RegisteredCertificates as they come. */
const CERTIFICATE_COLUMNS = `c.id, c.identifier, c.type, c.holder_kind AS "holderKind", c.holder, c.issuer, c.signing_kid AS "signingKid",
  c.version, c.replaces_id AS "replacesId", c.status_list AS "statusList", c.status_index AS "statusIndex", c.state,
  c.state_reason AS "stateReason", c.state_changed_at AS "stateChangedAt", c.issued_at AS "issuedAt", c.valid_until AS "validUntil",
  c.idempotency_key AS "idempotencyKey", c.issued_by AS "issuedBy", c.credential, c.sd_jwt AS "sdJwt", c.holder_key AS "holderKey"`;

const SELECT_BY_IDEMPOTENCY_KEYS = `SELECT ${CERTIFICATE_COLUMNS}
  FROM onegate.certificate c
  WHERE (c.issuer, c.idempotency_key) IN (SELECT * FROM unnest($1::text[], $2::text[]))`;

/**
 * New certificates, registered in the ledger's batch transaction together with their
 * CERTIFICATE_ISSUE entries (see LedgerWriter.recordWith): one INSERT for every certificate of the
 * batch. A row that collides with a registered certificate — the same idempotency key, or the same
 * random status list entry — is left out, and so is its entry. A writer that wrote the ledger's last
 * batch sends the rows in its one-statement append instead (insertAll), and falls back to `insert`
 * when one of them conflicts.
 */
const CERTIFICATE_REGISTRATION: CompanionTable<RegisteredCertificate> = {
  name: 'certificate',
  async insert(db: Queryable, rows: readonly RegisteredCertificate[]): Promise<ReadonlySet<number>> {
    const { rows: inserted } = await db.query<{ id: string }>(INSERT_CERTIFICATES, parameters(rows));
    const positions = new Map<string, number>();
    rows.forEach((row, i) => positions.has(row.id) || positions.set(row.id, i));
    return new Set(inserted.map((row) => positions.get(row.id)!));
  },
  insertAll(rows: readonly RegisteredCertificate[], first: number, condition: string) {
    return { text: insertCertificates(first, `WHERE ${condition}`), values: parameters(rows) };
  },
};

/** The statements' parameters: one array per column. */
function parameters(rows: readonly RegisteredCertificate[]): unknown[] {
  const column = <K extends keyof RegisteredCertificate>(key: K) => rows.map((row) => row[key]);
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
  const types = [
    'uuid',
    'text',
    'text',
    'text',
    'text',
    'text',
    'text',
    'smallint',
    'uuid',
    'integer',
    'integer',
    'timestamptz',
    'timestamptz',
    'text',
    'text',
    'text',
    'text',
    'text',
  ];
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
