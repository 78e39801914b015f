import { Injectable } from '@nestjs/common';
import { DataSource, LessThanOrEqual } from 'typeorm';
import { PresentationLinkEntity } from './entities/presentation-link.entity.js';

/** A holder's presentation behind a short link, as stored. */
export type PresentationLinkRow = Omit<PresentationLinkEntity, 'certificate'>;

/** Every query of `onegate.presentation_link`. */
@Injectable()
export class PresentationLinkRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** Stores a link; the links expired by `now` go in the same transaction (what holders showed is not kept once unusable). */
  async create(link: PresentationLinkRow, now: Date): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      const links = manager.getRepository(PresentationLinkEntity);
      await links.delete({ expiresAt: LessThanOrEqual(now) });
      await links.insert(link);
    });
  }

  findByRef(ref: string): Promise<PresentationLinkRow | null> {
    return this.dataSource.getRepository(PresentationLinkEntity).findOneBy({ ref });
  }
}
