import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';

export interface Readiness {
  status: 'ready' | 'unavailable';
  checks: { database: 'up' | 'down'; migrations: 'applied' | 'pending' | 'unknown' };
}

@Injectable()
export class HealthService {
  constructor(private readonly dataSource: DataSource) {}

  /** Ready when the database answers as the runtime role and no known migration is pending. */
  async readiness(): Promise<Readiness> {
    const checks: Readiness['checks'] = { database: 'down', migrations: 'unknown' };
    try {
      await this.dataSource.query('SELECT 1');
      checks.database = 'up';
      checks.migrations = (await this.dataSource.showMigrations()) ? 'pending' : 'applied';
    } catch {
      // Reported through the checks; details would only leak infrastructure to an unauthenticated probe.
    }
    const ready = checks.database === 'up' && checks.migrations === 'applied';
    return { status: ready ? 'ready' : 'unavailable', checks };
  }
}
