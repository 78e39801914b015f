import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { LedgerService } from '../audit/ledger.service.js';

export interface Readiness {
  status: 'ready' | 'unavailable';
  checks: { database: 'up' | 'down'; migrations: 'applied' | 'pending' | 'unknown'; ledger: 'writable' | 'failing' };
}

@Injectable()
export class HealthService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly ledger: LedgerService,
  ) {}

  /**
   * Ready when the database answers as the runtime role, no known migration is pending and the
   * last ledger write did not just fail: a gateway that cannot log takes no traffic.
   */
  async readiness(): Promise<Readiness> {
    const checks: Readiness['checks'] = { database: 'down', migrations: 'unknown', ledger: this.ledger.writable ? 'writable' : 'failing' };
    try {
      await this.dataSource.query('SELECT 1');
      checks.database = 'up';
      checks.migrations = (await this.dataSource.showMigrations()) ? 'pending' : 'applied';
    } catch {
      // Reported through the checks; details would only leak infrastructure to an unauthenticated probe.
    }
    const ready = checks.database === 'up' && checks.migrations === 'applied' && checks.ledger === 'writable';
    return { status: ready ? 'ready' : 'unavailable', checks };
  }
}
