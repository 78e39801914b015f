import { Injectable } from '@nestjs/common';
import { DataSource, IsNull, MoreThan, Raw } from 'typeorm';
import { ConsentGrantEntity } from './entities/consent-grant.entity.js';

/** A grant as stored: its columns, without the relation. */
export type ConsentGrantRow = Omit<ConsentGrantEntity, 'matter'>;

/** A grant's columns under ConsentGrantRow's names, for the queries written in SQL. */
const GRANT_COLUMNS = `id, citizen_id_number AS "citizenIdNumber", on_behalf_of AS "onBehalfOf", matter_code AS "matterCode", case_number AS "caseNumber",
       halls, departments, granted_at AS "grantedAt", expires_at AS "expiresAt", revoked_at AS "revokedAt"`;

/** The place a grant names: a hall (clerks) or a department (department systems). */
export interface GrantPlace {
  column: 'halls' | 'departments';
  code: string;
}

/**
 * Every query of `onegate.consent_grant`. A change's ledger entry is awaited inside the change's
 * transaction (`beforeCommit`): when it cannot be written, the change is rolled back.
 */
@Injectable()
export class ConsentGrantRepository {
  constructor(private readonly dataSource: DataSource) {}

  async insert(grant: ConsentGrantRow, beforeCommit: () => Promise<unknown>): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      await manager.getRepository(ConsentGrantEntity).insert(grant);
      await beforeCommit();
    });
  }

  /**
   * Sets `revokedAt` on the citizen's grant, unless it is already revoked: then it is returned as it
   * is and `beforeCommit` is not called. Null: the citizen has no grant of that id.
   */
  revoke(id: string, citizen: string, now: Date, beforeCommit: (revoked: ConsentGrantRow) => Promise<unknown>): Promise<ConsentGrantRow | null> {
    return this.dataSource.transaction(async (manager) => {
      const grants = manager.getRepository(ConsentGrantEntity);
      const grant = await grants.findOne({ where: { id, citizenIdNumber: citizen }, lock: { mode: 'pessimistic_write' } });
      if (!grant) return null;
      if (grant.revokedAt === null) {
        grant.revokedAt = now;
        await grants.update({ id: grant.id }, { revokedAt: now });
        await beforeCommit(grant);
      }
      return grant;
    });
  }

  /** The citizen's grants, newest first. */
  listByCitizen(citizen: string, limit: number): Promise<ConsentGrantRow[]> {
    return this.dataSource.getRepository(ConsentGrantEntity).find({
      where: { citizenIdNumber: citizen },
      order: { grantedAt: 'DESC', id: 'DESC' },
      take: limit,
    });
  }

  /** The citizen's grants for a matter that are neither revoked nor expired at `now` and name `place`, newest first. */
  listActiveNaming(citizen: string, matter: string, place: GrantPlace, now: Date, limit: number): Promise<ConsentGrantRow[]> {
    return this.dataSource.getRepository(ConsentGrantEntity).find({
      where: {
        citizenIdNumber: citizen,
        // A grant on someone else's behalf is never the citizen's own consent.
        onBehalfOf: IsNull(),
        matterCode: matter,
        revokedAt: IsNull(),
        expiresAt: MoreThan(now),
        [place.column]: Raw((column) => `${column} @> ARRAY[:place]::varchar[]`, { place: place.code }),
      },
      order: { grantedAt: 'DESC', id: 'DESC' },
      take: limit,
    });
  }

  /**
   * The grants of these citizens for a matter that name the hall, newest first, at most `limitEach`
   * of each citizen (revoked and expired ones too, so that a case can say why none covers): what a
   * case judges its parties' consent from, for every party of the case in one query.
   */
  async listForCase(citizens: readonly string[], matter: string, hall: string, limitEach: number): Promise<ConsentGrantRow[]> {
    if (citizens.length === 0) return [];
    return this.dataSource.query<ConsentGrantRow[]>(
      `SELECT ${GRANT_COLUMNS}
         FROM (SELECT g.*, row_number() OVER (PARTITION BY g.citizen_id_number ORDER BY g.granted_at DESC, g.id DESC) AS nth
                 FROM onegate.consent_grant g
                WHERE g.citizen_id_number = ANY($1::varchar[]) AND g.matter_code = $2 AND g.halls @> ARRAY[$3]::varchar[]) AS ranked
        WHERE nth <= $4
        ORDER BY granted_at DESC, id DESC`,
      [citizens, matter, hall, limitEach],
    );
  }

  /** Grants by id, in one query (the consent lookups of concurrent requests). */
  async findByIds(ids: readonly string[]): Promise<ConsentGrantRow[]> {
    return this.dataSource.query<ConsentGrantRow[]>(`SELECT ${GRANT_COLUMNS} FROM onegate.consent_grant WHERE id = ANY($1::uuid[])`, [ids]);
  }

  /**
   * Binds a grant naming nobody (no hall, no department, not revoked) to `hall`. False when the
   * grant is not such a grant any more (another window bound it first); `beforeCommit` runs only
   * when it was bound.
   */
  bindToHall(id: string, hall: string, beforeCommit: () => Promise<unknown>): Promise<boolean> {
    return this.dataSource.transaction(async (manager) => {
      const rows: unknown[] = await manager.query(
        `UPDATE onegate.consent_grant SET halls = ARRAY[$2]::varchar[]
          WHERE id = $1 AND cardinality(halls) = 0 AND cardinality(departments) = 0 AND revoked_at IS NULL
          RETURNING id`,
        [id, hall],
      );
      if (rows.length === 0) return false;
      await beforeCommit();
      return true;
    });
  }
}
