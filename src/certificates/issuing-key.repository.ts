import { Injectable } from '@nestjs/common';
import { DataSource, MoreThan } from 'typeorm';
import { IssuingKeyEntity } from './entities/issuing-key.entity.js';

/** A department issuing key as stored: certificate, sealed private key, validity and state. */
export type IssuingKeyRow = IssuingKeyEntity;

/** Every query of `onegate.issuing_key`. */
@Injectable()
export class IssuingKeyRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** The department's ACTIVE key (at most one: a partial unique index). */
  findActive(department: string): Promise<IssuingKeyRow | null> {
    return this.dataSource.getRepository(IssuingKeyEntity).findOneBy({ department, state: 'ACTIVE' });
  }

  /** Keys whose certificates have not expired by `now`, active and retired, by department and newest first. */
  listUnexpired(now: Date): Promise<IssuingKeyRow[]> {
    return this.dataSource.getRepository(IssuingKeyEntity).find({ where: { notAfter: MoreThan(now) }, order: { department: 'ASC', createdAt: 'DESC' } });
  }

  /**
   * Makes `key` its department's active key in one transaction: the current active key (locked) is
   * retired at `key.createdAt`, the new one inserted, and `beforeCommit` awaited with the retired
   * key's id (the rotation's ledger entry) — when it fails, nothing changes. Rejects with the
   * database's unique violation (23505) when another instance inserted an active key meanwhile.
   */
  rotate(key: IssuingKeyRow, beforeCommit: (retiredKid: string | null) => Promise<unknown>): Promise<void> {
    return this.dataSource.transaction(async (manager) => {
      const keys = manager.getRepository(IssuingKeyEntity);
      const previous = await keys.findOne({ where: { department: key.department, state: 'ACTIVE' }, lock: { mode: 'pessimistic_write' } });
      if (previous) await keys.update({ kid: previous.kid }, { state: 'RETIRED', retiredAt: key.createdAt });
      await keys.insert(key);
      await beforeCommit(previous?.kid ?? null);
    });
  }
}
