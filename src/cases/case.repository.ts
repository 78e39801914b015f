import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { CasePartyEntity } from './entities/case-party.entity.js';
import { CaseEntity } from './entities/case.entity.js';

/** A case as stored, without its relations. */
export type CaseRow = Omit<CaseEntity, 'matter'>;

/** A party as stored, without its relation to the case. */
export type CasePartyRow = Omit<CasePartyEntity, 'case'>;

/** A case with its parties in the order they joined. */
export interface StoredCase extends CaseRow {
  parties: CasePartyRow[];
}

/** What went wrong with a change, told to the service (never thrown past the repository). */
export type CaseChangeRefusal = 'CASE_NOT_FOUND' | 'CASE_CLOSED' | 'PARTY_ALREADY_IN_CASE' | 'CASE_NUMBER_TAKEN';

/** Thrown inside a transaction so that it rolls back; turned into a refusal before it leaves. */
class Refused extends Error {
  constructor(readonly refusal: CaseChangeRefusal) {
    super(refusal);
  }
}

const UNIQUE_VIOLATION = '23505';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function isUniqueViolation(error: unknown): boolean {
  const e = error as { code?: string; driverError?: { code?: string } };
  return (e.driverError?.code ?? e.code) === UNIQUE_VIOLATION;
}

/**
 * Every query of `onegate.case`, `onegate.case_party` and `onegate.case_number_counter`. A change's
 * ledger entry is awaited inside the change's transaction (`beforeCommit`): no entry, no change.
 */
@Injectable()
export class CaseRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** The next serial of the hall's case numbers for the year, taken in its own statement. */
  async nextSerial(hall: string, year: number): Promise<number> {
    const rows: Array<{ last_serial: number }> = await this.dataSource.query(
      `INSERT INTO onegate.case_number_counter AS c (hall, year, last_serial) VALUES ($1, $2, 1)
       ON CONFLICT (hall, year) DO UPDATE SET last_serial = c.last_serial + 1
       RETURNING last_serial`,
      [hall, year],
    );
    return rows[0]!.last_serial;
  }

  /** Inserts the case and its parties; CASE_NUMBER_TAKEN when the hall already has that number. */
  async open(row: CaseRow, parties: readonly CasePartyRow[], beforeCommit: () => Promise<unknown>): Promise<CaseChangeRefusal | null> {
    try {
      await this.dataSource.transaction(async (manager) => {
        // One statement for the case and its parties (opening a case is the hall's most frequent change).
        await manager.query(
          `WITH opened AS (
             INSERT INTO onegate."case" (id, case_number, hall, region, matter_code, status, opened_by, created_at, closed_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id)
           INSERT INTO onegate.case_party (case_id, subject_id, subject_kind, role, relation_status, position, added_at)
           SELECT opened.id, p.subject_id, p.subject_kind, p.role, p.relation_status, p.position, p.added_at
             FROM opened,
                  unnest($10::varchar[], $11::varchar[], $12::varchar[], $13::varchar[], $14::int[], $15::timestamptz[])
                    AS p(subject_id, subject_kind, role, relation_status, position, added_at)`,
          [
            row.id,
            row.caseNumber,
            row.hall,
            row.region,
            row.matterCode,
            row.status,
            row.openedBy,
            row.createdAt,
            row.closedAt,
            parties.map((p) => p.subjectId),
            parties.map((p) => p.subjectKind),
            parties.map((p) => p.role),
            parties.map((p) => p.relationStatus),
            parties.map((p) => p.position),
            parties.map((p) => p.addedAt),
          ],
        );
        await beforeCommit();
      });
      return null;
    } catch (error) {
      if (isUniqueViolation(error)) return 'CASE_NUMBER_TAKEN';
      throw error;
    }
  }

  /** The case with its parties in the order they joined, in one query (every read of a party under a case needs it). */
  async find(id: string): Promise<StoredCase | null> {
    if (!UUID.test(id)) return null;
    const rows: Array<CaseRow & { [K in keyof CasePartyRow as `party_${K}`]: CasePartyRow[K] | null }> = await this.dataSource.query(
      `SELECT c.id, c.case_number AS "caseNumber", c.hall, c.region, c.matter_code AS "matterCode", c.status, c.opened_by AS "openedBy",
              c.created_at AS "createdAt", c.closed_at AS "closedAt",
              p.case_id AS "party_caseId", p.subject_id AS "party_subjectId", p.subject_kind AS "party_subjectKind", p.role AS "party_role",
              p.relation_status AS "party_relationStatus", p.position AS "party_position", p.added_at AS "party_addedAt"
         FROM onegate."case" c LEFT JOIN onegate.case_party p ON p.case_id = c.id
        WHERE c.id = $1
        ORDER BY p.position`,
      [id.toLowerCase()],
    );
    const [first] = rows;
    if (!first) return null;
    const { id: caseId, caseNumber, hall, region, matterCode, status, openedBy, createdAt, closedAt } = first;
    const parties = rows.flatMap((row): CasePartyRow[] =>
      row.party_caseId === null
        ? []
        : [
            {
              caseId: row.party_caseId,
              subjectId: row.party_subjectId!,
              subjectKind: row.party_subjectKind!,
              role: row.party_role!,
              relationStatus: row.party_relationStatus!,
              position: row.party_position!,
              addedAt: row.party_addedAt!,
            },
          ],
    );
    return { id: caseId, caseNumber, hall, region, matterCode, status, openedBy, createdAt, closedAt, parties };
  }

  /**
   * Runs `work` on the case locked against other changes, while it is OPEN (refusals: not found,
   * closed). `work` returns the parties to insert and the relation statuses to set, and the ledger
   * entry is written before the commit.
   */
  async change(
    id: string,
    work: (found: StoredCase) => Promise<{
      insert?: CasePartyRow[];
      relations?: ReadonlyArray<Pick<CasePartyRow, 'subjectId' | 'relationStatus'>>;
      close?: Date;
    }>,
    beforeCommit: (found: StoredCase) => Promise<unknown>,
  ): Promise<CaseChangeRefusal | null> {
    try {
      await this.dataSource.transaction(async (manager) => {
        const locked = await manager.getRepository(CaseEntity).findOne({ where: { id }, lock: { mode: 'pessimistic_write' } });
        if (!locked) throw new Refused('CASE_NOT_FOUND');
        if (locked.status !== 'OPEN') throw new Refused('CASE_CLOSED');
        const found = { ...withoutRelation(locked), parties: await this.partiesOf(manager, id) };
        const changes = await work(found);
        if (changes.insert?.length) {
          if (changes.insert.some((p) => found.parties.some((q) => q.subjectId === p.subjectId))) throw new Refused('PARTY_ALREADY_IN_CASE');
          await manager.getRepository(CasePartyEntity).insert(changes.insert);
        }
        for (const update of changes.relations ?? []) {
          await manager.getRepository(CasePartyEntity).update({ caseId: id, subjectId: update.subjectId }, { relationStatus: update.relationStatus });
        }
        if (changes.close) await manager.getRepository(CaseEntity).update({ id }, { status: 'CLOSED', closedAt: changes.close });
        await beforeCommit(found);
      });
      return null;
    } catch (error) {
      if (error instanceof Refused) return error.refusal;
      if (isUniqueViolation(error)) return 'PARTY_ALREADY_IN_CASE';
      throw error;
    }
  }

  /** Sets parties' relation statuses as judged again outside a change (a department answered this time). */
  async setRelations(id: string, updates: ReadonlyArray<Pick<CasePartyRow, 'subjectId' | 'relationStatus'>>): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      for (const update of updates) {
        await manager.getRepository(CasePartyEntity).update({ caseId: id, subjectId: update.subjectId }, { relationStatus: update.relationStatus });
      }
    });
  }

  /**
   * The hall's cases, newest first, after the cursor (created_at, id) when given, filtered by status
   * and matter; one more than `limit` tells whether there is a next page.
   */
  async listByHall(
    hall: string,
    limit: number,
    after: { createdAt: Date; id: string } | null,
    filter: { status?: 'OPEN' | 'CLOSED' | null; matter?: string | null },
  ): Promise<StoredCase[]> {
    const rows: CaseRow[] = await this.dataSource.query(
      `SELECT id, case_number AS "caseNumber", hall, region, matter_code AS "matterCode", status, opened_by AS "openedBy",
              created_at AS "createdAt", closed_at AS "closedAt"
         FROM onegate."case"
        WHERE hall = $1
          AND ($2::timestamptz IS NULL OR (created_at, id) < ($2::timestamptz, $3::uuid))
          AND ($4::varchar IS NULL OR status = $4::varchar)
          AND ($5::varchar IS NULL OR matter_code = $5::varchar)
        ORDER BY created_at DESC, id DESC
        LIMIT $6`,
      [hall, after?.createdAt ?? null, after?.id ?? null, filter.status ?? null, filter.matter ?? null, limit],
    );
    if (rows.length === 0) return [];
    const parties = await this.dataSource.getRepository(CasePartyEntity).find({
      where: rows.map((r) => ({ caseId: r.id })),
      order: { position: 'ASC' },
    });
    return rows.map((row) => ({ ...row, parties: parties.filter((p) => p.caseId === row.id).map(partyRow) }));
  }

  private async partiesOf(manager: EntityManager, id: string): Promise<CasePartyRow[]> {
    return (await manager.getRepository(CasePartyEntity).find({ where: { caseId: id }, order: { position: 'ASC' } })).map(partyRow);
  }
}

function withoutRelation(entity: CaseEntity): CaseRow {
  const { matter: _matter, ...row } = entity;
  return row;
}

function partyRow(entity: CasePartyEntity): CasePartyRow {
  const { case: _case, ...row } = entity;
  return row;
}
