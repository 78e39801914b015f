import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { StatusListEntity } from './entities/status-list.entity.js';

/**
 * Every query of `onegate.status_list`: a department's list numbers and which of them is open for
 * new certificates. The entries themselves are the certificates' (CertificateRepository.statusListEntries).
 */
@Injectable()
export class StatusListRepository {
  constructor(private readonly dataSource: DataSource) {}

  exists(issuer: string, number: number): Promise<boolean> {
    return this.dataSource.getRepository(StatusListEntity).existsBy({ issuer, number });
  }

  /** The department's lowest open list; a new one of `size` entries is opened when none is. */
  openListNumber(issuer: string, size: number): Promise<number> {
    return this.dataSource.transaction(async (manager) => {
      const lists = manager.getRepository(StatusListEntity);
      const open = await lists.findOne({ where: { issuer, state: 'OPEN' }, order: { number: 'ASC' } });
      if (open) return open.number;
      const [{ next }] = (await manager.query(`SELECT COALESCE(MAX(number), 0) + 1 AS next FROM onegate.status_list WHERE issuer = $1`, [issuer])) as Array<{
        next: number;
      }>;
      // Two instances opening at once: the primary key lets one in; both then use the lowest open list.
      await manager.query(
        `INSERT INTO onegate.status_list (issuer, number, size, state, created_at) VALUES ($1, $2, $3, 'OPEN', now()) ON CONFLICT DO NOTHING`,
        [issuer, next, size],
      );
      const opened = await lists.findOne({ where: { issuer, state: 'OPEN' }, order: { number: 'ASC' } });
      return opened!.number;
    });
  }

  /** Closes a list for new certificates. */
  async markFull(issuer: string, number: number): Promise<void> {
    await this.dataSource.getRepository(StatusListEntity).update({ issuer, number }, { state: 'FULL' });
  }
}
