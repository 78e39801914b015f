import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { MatterDataItemEntity } from './entities/matter-data-item.entity.js';
import { MatterEntity } from './entities/matter.entity.js';
import type { MatterDefinition } from './matter-definition.js';

/** A matter as stored, with the codes of its data items (sorted). */
export type MatterRow = Omit<MatterEntity, 'dataItems'> & { dataItemCodes: string[] };

/** Thrown inside a deletion's transaction so that it rolls back; never leaves the repository. */
class MatterInUse extends Error {}

/**
 * Every query of `onegate.matter` and `onegate.matter_data_item` as the runtime role runs them (the
 * start-up sync from the catalog files is catalog-sync.ts's, as the owner). A change's ledger entry
 * is awaited inside the change's transaction (`beforeCommit`): no entry, no change.
 */
@Injectable()
export class MatterRepository {
  constructor(private readonly dataSource: DataSource) {}

  async list(): Promise<MatterRow[]> {
    const [matters, items] = await Promise.all([
      this.dataSource.getRepository(MatterEntity).find({ order: { code: 'ASC' } }),
      this.dataSource.getRepository(MatterDataItemEntity).find({ order: { dataItemCode: 'ASC' } }),
    ]);
    const codes = new Map<string, string[]>();
    for (const item of items) {
      const list = codes.get(item.matterCode);
      if (list) list.push(item.dataItemCode);
      else codes.set(item.matterCode, [item.dataItemCode]);
    }
    return matters.map((matter) => ({ ...matter, dataItemCodes: codes.get(matter.code) ?? [] }));
  }

  async find(code: string): Promise<MatterRow | null> {
    const matter = await this.dataSource.getRepository(MatterEntity).findOneBy({ code });
    if (!matter) return null;
    const items = await this.dataSource.getRepository(MatterDataItemEntity).find({ where: { matterCode: code }, order: { dataItemCode: 'ASC' } });
    return { ...matter, dataItemCodes: items.map((item) => item.dataItemCode) };
  }

  /**
   * Creates the matter or replaces the one with the same code, as managed by an admin from now on
   * (the start-up sync leaves it alone); `beforeCommit` is told whether it existed.
   */
  async save(definition: MatterDefinition, beforeCommit: (existed: boolean) => Promise<unknown>): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      const existed = await manager.getRepository(MatterEntity).exists({ where: { code: definition.code } });
      await manager.getRepository(MatterEntity).save({
        code: definition.code,
        name: definition.name,
        nameZh: definition.nameZh,
        description: definition.description,
        subject: definition.subject,
        consentRequired: definition.consentRequired,
        roles: definition.roles,
        jurisdiction: definition.jurisdiction,
        subjectConditions: definition.subjectConditions,
        materials: definition.materials,
        parties: definition.parties,
        managedBy: 'ADMIN',
      });
      await manager.getRepository(MatterDataItemEntity).delete({ matterCode: definition.code });
      await manager.getRepository(MatterDataItemEntity).insert(definition.dataItems.map((dataItemCode) => ({ matterCode: definition.code, dataItemCode })));
      await beforeCommit(existed);
    });
  }

  /**
   * Deletes the matter (its data items go with it). NOT_FOUND: there is none; IN_USE: consent grants
   * name it (they are kept as they were given, so it is kept too). `beforeCommit` runs only once
   * the matter is deleted.
   */
  async delete(code: string, beforeCommit: () => Promise<unknown>): Promise<'DELETED' | 'NOT_FOUND' | 'IN_USE'> {
    try {
      return await this.dataSource.transaction(async (manager) => {
        const { affected } = await manager
          .getRepository(MatterEntity)
          .delete({ code })
          .catch((error: unknown) => {
            // 23001 restrict_violation (ON DELETE RESTRICT), 23503 foreign_key_violation.
            if (['23001', '23503'].includes((error as { driverError?: { code?: string } }).driverError?.code ?? '')) throw new MatterInUse();
            throw error;
          });
        if (!affected) return 'NOT_FOUND';
        await beforeCommit();
        return 'DELETED';
      });
    } catch (error) {
      if (error instanceof MatterInUse) return 'IN_USE';
      throw error;
    }
  }
}
