import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { LedgerService } from '../ledger/ledger.service.js';

export interface Readiness {
  status: 'ready' | 'unavailable';
  checks: { database: 'up' | 'down'; migrations: 'applied' | 'pending' | 'unknown'; ledger: 'writable' | 'failing' | 'inconsistent' };
}

@Injectable()
export class HealthService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly ledger: LedgerService,
  ) {}

  /**
   * Ready when the database answers as the runtime role, no known migration is pending and an
   * entry can be appended to the ledger now — tried, not remembered: the writer takes the append
   * lock, checks the stored tree against the newest checkpoint and inserts a probe entry, then
   * rolls back (RELIABILITY-AND-SECURITY §I 52). A gateway that cannot log takes no traffic; one
   * whose ledger failed its integrity check answers `ledger: "inconsistent"` until it is restored.
   */
  async readiness(): Promise<Readiness> {
    const checks: Readiness['checks'] = { database: 'down', migrations: 'unknown', ledger: 'failing' };
    const [, ledger] = await Promise.all([
      (async () => {
        try {
          await this.dataSource.query('SELECT 1');
          checks.database = 'up';
          checks.migrations = (await this.dataSource.showMigrations()) ? 'pending' : 'applied';
        } catch {
          // Reported through the checks; details would only leak infrastructure to an unauthenticated probe.
        }
      })(),
      this.ledger.probeWritable(),
    ]);
    checks.ledger = ledger;
    const ready = checks.database === 'up' && checks.migrations === 'applied' && checks.ledger === 'writable';
    return { status: ready ? 'ready' : 'unavailable', checks };
  }
}
