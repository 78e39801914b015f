/**
 * Demo service halls (政务服务大厅) where clerks work. A clerk's token names its hall and the
 * hall's administrative division; the development token CLI derives the region from here.
 * This list is the hall registry of the development issuer; a deployment names its own with
 * HALLS_FILE (see hall-registry.ts). Where a registry applies, a clerk token naming a hall that is
 * not in it, or a region other than its hall's, is refused.
 */
export interface ServiceHall {
  readonly code: string;
  readonly name: string;
  /** The hall's name in Chinese, as the console shows it first. */
  readonly nameZh: string;
  /** 6-digit administrative division code (GB/T 2260) of the county-level area the hall serves. */
  readonly regionCode: string;
  /** When the hall's windows are open, if not DEFAULT_OPENING_HOURS. */
  readonly openingHours?: readonly OpeningPeriod[];
}

/** One opening period in the hall's local time (China Standard Time, UTC+8, no daylight saving). */
export interface OpeningPeriod {
  /** ISO day of week, 1 = Monday … 7 = Sunday. */
  readonly day: number;
  /** `HH:MM`, inclusive. */
  readonly opens: string;
  /** `HH:MM`, exclusive. */
  readonly closes: string;
}

export const HALL_TIME_ZONE = 'Asia/Shanghai';

const weekdays = (opens: string, closes: string): OpeningPeriod[] => [1, 2, 3, 4, 5].map((day) => ({ day, opens, closes }));

/** Monday to Friday 08:30–17:30, the usual government service hall hours; halls that differ say so. */
export const DEFAULT_OPENING_HOURS: readonly OpeningPeriod[] = Object.freeze(weekdays('08:30', '17:30'));

export const SERVICE_HALLS: readonly ServiceHall[] = Object.freeze(
  [
    {
      code: 'JINGAN-01',
      name: "Jing'an District Service Center",
      nameZh: '静安区政务服务中心',
      regionCode: '310106',
      // Open on Saturday mornings too.
      openingHours: [...weekdays('08:30', '17:30'), { day: 6, opens: '09:00', closes: '12:00' }],
    },
    { code: 'CHANGNING-01', name: 'Changning District Service Center', nameZh: '长宁区政务服务中心', regionCode: '310105' },
    { code: 'LONGYOU-01', name: 'Longyou County One-Window Hall', nameZh: '龙游县政务服务中心', regionCode: '330825' },
    { code: 'NANJING-QX-01', name: 'Qixia District Government Service Center', nameZh: '栖霞区政务服务中心', regionCode: '320113' },
    { code: 'YINCHUAN-HF-01', name: 'Hefeng Village agency point', nameZh: '和丰村便民服务代办点', regionCode: '640106' },
    { code: 'HAIZHU-01', name: 'Haizhu District Government Service Center', nameZh: '海珠区政务服务中心', regionCode: '440105' },
  ].map((hall) => Object.freeze(hall)),
);

const HALLS_BY_CODE = new Map(SERVICE_HALLS.map((hall) => [hall.code, hall]));

/** The hall's opening periods; halls not in the registry keep the default hours. */
export function openingHoursOf(code: string): readonly OpeningPeriod[] {
  return HALLS_BY_CODE.get(code)?.openingHours ?? DEFAULT_OPENING_HOURS;
}

export function findHall(code: string): ServiceHall | undefined {
  return HALLS_BY_CODE.get(code);
}

/** Hall codes: upper-case letters, digits and single hyphens, e.g. `NANJING-QX-01`. */
export const HALL_CODE_PATTERN = /^[A-Z0-9]+(?:-[A-Z0-9]+)*$/;
export const HALL_CODE_MAX_LENGTH = 32;

export function isHallCode(value: unknown): value is string {
  return typeof value === 'string' && value.length <= HALL_CODE_MAX_LENGTH && HALL_CODE_PATTERN.test(value);
}

/** A 6-digit administrative division code; the first two digits are a province-level code (11..82). */
export function isRegionCode(value: unknown): value is string {
  if (typeof value !== 'string' || !/^\d{6}$/.test(value)) return false;
  const province = Number(value.slice(0, 2));
  return province >= 11 && province <= 82;
}
