import { readFileSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { projectRoot } from '../common/project-root.js';
import type { AppConfig } from '../config/app-config.js';
import { isHallCode, isRegionCode, SERVICE_HALLS, type ServiceHall } from './halls.js';

/**
 * The service halls a deployment knows: from HALLS_FILE, else the demo halls while the development
 * issuer is on, else none (`configured` false: an external issuer's hall codes are checked for
 * format only). Where a registry is configured, a clerk token must name a hall in it and carry that
 * hall's region, and a consent may only name halls in it.
 */
export class HallRegistry {
  private readonly byCode: ReadonlyMap<string, ServiceHall>;

  constructor(
    readonly halls: readonly ServiceHall[],
    readonly configured: boolean,
  ) {
    this.byCode = new Map(halls.map((hall) => [hall.code, hall]));
  }

  static fromConfig(config: Pick<AppConfig, 'HALLS_FILE' | 'devIssuerEnabled'>): HallRegistry {
    if (config.HALLS_FILE) {
      const path = isAbsolute(config.HALLS_FILE) ? config.HALLS_FILE : resolve(projectRoot(), config.HALLS_FILE);
      return new HallRegistry(parseHalls(JSON.parse(readFileSync(path, 'utf8')) as unknown), true);
    }
    return config.devIssuerEnabled ? new HallRegistry(SERVICE_HALLS, true) : new HallRegistry([], false);
  }

  find(code: string): ServiceHall | undefined {
    return this.byCode.get(code);
  }

  /**
   * Why a clerk's hall and region are not acceptable, or null when they are (or no registry is
   * configured). The message names the claim, never its value.
   */
  clerkProblem(hall: string, region: string): string | null {
    if (!this.configured) return null;
    const known = this.byCode.get(hall);
    if (!known) return 'clerk token names a hall that is not in the hall registry';
    if (known.regionCode !== region) return "clerk token region is not its hall's region";
    return null;
  }

  /** Hall codes a consent may name: in the registry where one is configured, else well-formed. */
  unknownHalls(codes: readonly string[]): string[] {
    return codes.filter((code) => !isHallCode(code) || (this.configured && !this.byCode.has(code)));
  }
}

/** Validates a HALLS_FILE's content; throws naming the first problem. */
export function parseHalls(value: unknown): ServiceHall[] {
  if (!Array.isArray(value) || value.length === 0) throw new Error('HALLS_FILE must hold a non-empty JSON array of halls');
  const seen = new Set<string>();
  return value.map((entry: unknown, i) => {
    const hall = entry as Record<string, unknown>;
    if (typeof hall !== 'object' || hall === null) throw new Error(`HALLS_FILE[${i}] is not an object`);
    if (!isHallCode(hall.code)) throw new Error(`HALLS_FILE[${i}].code is not a hall code (e.g. LONGYOU-01)`);
    if (seen.has(hall.code)) throw new Error(`HALLS_FILE[${i}].code repeats an earlier hall`);
    seen.add(hall.code);
    if (typeof hall.name !== 'string' || hall.name.length === 0 || hall.name.length > 200) throw new Error(`HALLS_FILE[${i}].name is missing`);
    const nameZh = hall.nameZh === undefined ? hall.name : hall.nameZh;
    if (typeof nameZh !== 'string' || nameZh.length === 0 || nameZh.length > 200) throw new Error(`HALLS_FILE[${i}].nameZh is not a name`);
    if (!isRegionCode(hall.regionCode)) throw new Error(`HALLS_FILE[${i}].regionCode is not a 6-digit division code`);
    return Object.freeze({ code: hall.code, name: hall.name, nameZh, regionCode: hall.regionCode });
  });
}
