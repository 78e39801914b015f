import { computeCreditCodeCheck } from '../common/identifiers/credit-code.js';
import { computeIdNumberCheck } from '../common/identifiers/id-number.js';
import { DEMO_CITIZENS, DEMO_ENTERPRISES } from './demo-citizens.js';
import {
  emptyDepartmentRows,
  type DepartmentRows,
  type DepartmentTable,
  type InsuranceStatus,
  type LicenceFormat,
  type LicenceType,
  type MaritalStatus,
  type PropertyShare,
  type PropertyUse,
  type RelationToHead,
  type ResidentRow,
  type Sex,
} from './department-rows.js';

/*
 * Deterministic synthetic population for the department sources. The same seed gives the same rows
 * in the same order, independent of how many citizens are asked for (a longer run extends a shorter
 * one, apart from its last household). Rows come out in batches of whole households, so memory stays
 * flat however many citizens are generated.
 *
 * The data is consistent across departments: spouses point at each other, children's parents (on
 * the birth certificate and in the household register), co-owners and legal representatives are
 * generated people, and a death shows in every department
 * (death certificate, cancelled identity card and household entry, sealed insurance account, no
 * current marital status, surviving spouse WIDOWED).
 */

export interface SyntheticOptions {
  /** How many residents to generate. */
  citizens: number;
  seed: string;
  /** Residents per yielded batch (a batch may exceed it by one household). */
  batchSize?: number;
}

/** The generator's "today": every synthetic birth, marriage, death and registration is on or before it. */
export const SYNTHETIC_TODAY = '2025-12-31';
/** Earliest synthetic birth date. */
export const SYNTHETIC_EARLIEST_BIRTH = '1930-01-01';

export function* generateDepartmentRows(options: SyntheticOptions): Generator<DepartmentRows> {
  const { citizens, seed } = options;
  const batchSize = options.batchSize ?? 5_000;
  if (!Number.isSafeInteger(citizens) || citizens < 0) throw new RangeError('citizens must be a non-negative integer');
  if (!Number.isSafeInteger(batchSize) || batchSize < 1) throw new RangeError('batchSize must be a positive integer');

  const population = new SyntheticPopulation(seed);
  let remaining = citizens;
  let batch = emptyDepartmentRows();
  while (remaining > 0) {
    remaining -= population.appendUnit(batch, remaining);
    if (batch.resident.length >= batchSize) {
      yield batch;
      batch = emptyDepartmentRows();
    }
  }
  if (batch.resident.length > 0) yield batch;
}

// ------------------------------------------------------------------------------------------ randomness

/** sfc32 seeded through cyrb128: small, fast and well distributed; never Math.random, so runs repeat. */
export class SeededRandom {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  constructor(seed: string) {
    let h1 = 1779033703;
    let h2 = 3144134277;
    let h3 = 1013904242;
    let h4 = 2773480762;
    for (let i = 0; i < seed.length; i++) {
      const k = seed.charCodeAt(i);
      h1 = h2 ^ Math.imul(h1 ^ k, 597399067);
      h2 = h3 ^ Math.imul(h2 ^ k, 2869860233);
      h3 = h4 ^ Math.imul(h3 ^ k, 951274213);
      h4 = h1 ^ Math.imul(h4 ^ k, 2716044179);
    }
    h1 = Math.imul(h3 ^ (h1 >>> 18), 597399067);
    h2 = Math.imul(h4 ^ (h2 >>> 22), 2869860233);
    h3 = Math.imul(h1 ^ (h3 >>> 17), 951274213);
    h4 = Math.imul(h2 ^ (h4 >>> 19), 2716044179);
    this.a = (h1 ^ h2 ^ h3 ^ h4) >>> 0;
    this.b = (h2 ^ h1) >>> 0;
    this.c = (h3 ^ h1) >>> 0;
    this.d = (h4 ^ h1) >>> 0;
    for (let i = 0; i < 15; i++) this.next();
  }

  /** Uniform in [0, 1). */
  next(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return (t >>> 0) / 4294967296;
  }

  /** Uniform integer in [min, max]. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  chance(probability: number): boolean {
    return this.next() < probability;
  }

  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)]!;
  }
}

// ------------------------------------------------------------------------------------------ dates as day numbers

// Dates are days since 1970-01-01, with a calendar table over the range the generator uses: the
// date arithmetic below runs several times per person, and Date objects made it the hot spot.
const MS_PER_DAY = 86_400_000;
const CALENDAR_FIRST_DAY = dayOf('1900-01-01');
const CALENDAR_DAYS = dayOf('2100-01-01') - CALENDAR_FIRST_DAY;
const calendarYear = new Uint16Array(CALENDAR_DAYS);
const calendarMonth = new Uint8Array(CALENDAR_DAYS); // 0-11
const calendarDate = new Uint8Array(CALENDAR_DAYS); // 1-31
for (let i = 0; i < CALENDAR_DAYS; i++) {
  const date = new Date((CALENDAR_FIRST_DAY + i) * MS_PER_DAY);
  calendarYear[i] = date.getUTCFullYear();
  calendarMonth[i] = date.getUTCMonth();
  calendarDate[i] = date.getUTCDate();
}
const isoCache: string[] = [];
const compactCache: string[] = [];

/** Days since 1970-01-01 of an ISO date. */
function dayOf(iso: string): number {
  return Date.parse(iso) / MS_PER_DAY;
}

function isoDate(day: number): string {
  const i = day - CALENDAR_FIRST_DAY;
  return (isoCache[i] ??= `${calendarYear[i]}-${pad(calendarMonth[i]! + 1, 2)}-${pad(calendarDate[i]!, 2)}`);
}

/** `YYYYMMDD`, as in an ID number. */
function compactDate(day: number): string {
  const i = day - CALENDAR_FIRST_DAY;
  return (compactCache[i] ??= isoDate(day).replaceAll('-', ''));
}

function yearOf(day: number): number {
  return calendarYear[day - CALENDAR_FIRST_DAY]!;
}

/** The same calendar day `years` later (29 February rolls to 1 March). */
function addYears(day: number, years: number): number {
  const i = day - CALENDAR_FIRST_DAY;
  return Date.UTC(calendarYear[i]! + years, calendarMonth[i]!, calendarDate[i]!) / MS_PER_DAY;
}

/** Age in completed years on `day`. */
function ageOn(birthDay: number, day: number): number {
  const b = birthDay - CALENDAR_FIRST_DAY;
  const d = day - CALENDAR_FIRST_DAY;
  const beforeBirthday = calendarMonth[d]! < calendarMonth[b]! || (calendarMonth[d] === calendarMonth[b] && calendarDate[d]! < calendarDate[b]!);
  return calendarYear[d]! - calendarYear[b]! - (beforeBirthday ? 1 : 0);
}

const TODAY = dayOf(SYNTHETIC_TODAY);
const EARLIEST_BIRTH = dayOf(SYNTHETIC_EARLIEST_BIRTH);
/** Medical birth certificates exist from 1996 on. */
const FIRST_MEDICAL_BIRTH_CERTIFICATE = dayOf('1996-01-01');
/** Commodity-housing property registration as kept today starts in the late 1990s. */
const FIRST_PROPERTY_REGISTRATION = dayOf('1998-01-01');
const FIRST_INSURANCE_ACCOUNT = dayOf('1993-01-01');
const FIRST_ENTERPRISE_REGISTRATION = dayOf('1995-01-01');
const DAYS_PER_YEAR = 365.25;

// ------------------------------------------------------------------------------------------ vocabulary

interface Region {
  code: string;
  county: string;
  city: string;
  /** Prefix of property certificate numbers, as in `ZJ(2019)...`. */
  provinceAbbreviation: string;
  rural: boolean;
}

// Real county-level codes (GB/T 2260), including the demo people's.
const REGIONS: readonly Region[] = [
  { code: '330825', county: 'Longyou County', city: 'Quzhou', provinceAbbreviation: 'ZJ', rural: true },
  { code: '330782', county: 'Yiwu', city: 'Jinhua', provinceAbbreviation: 'ZJ', rural: false },
  { code: '330106', county: 'Xihu District', city: 'Hangzhou', provinceAbbreviation: 'ZJ', rural: false },
  { code: '310105', county: 'Changning District', city: 'Shanghai', provinceAbbreviation: 'HU', rural: false },
  { code: '310106', county: "Jing'an District", city: 'Shanghai', provinceAbbreviation: 'HU', rural: false },
  { code: '310115', county: 'Pudong New Area', city: 'Shanghai', provinceAbbreviation: 'HU', rural: false },
  { code: '320113', county: 'Qixia District', city: 'Nanjing', provinceAbbreviation: 'SU', rural: false },
  { code: '320106', county: 'Gulou District', city: 'Nanjing', provinceAbbreviation: 'SU', rural: false },
  { code: '640106', county: 'Jinfeng District', city: 'Yinchuan', provinceAbbreviation: 'NX', rural: false },
  { code: '640121', county: 'Yongning County', city: 'Yinchuan', provinceAbbreviation: 'NX', rural: true },
  { code: '440105', county: 'Haizhu District', city: 'Guangzhou', provinceAbbreviation: 'YUE', rural: false },
  { code: '440604', county: 'Chancheng District', city: 'Foshan', provinceAbbreviation: 'YUE', rural: false },
  { code: '110105', county: 'Chaoyang District', city: 'Beijing', provinceAbbreviation: 'JING', rural: false },
  { code: '510107', county: 'Wuhou District', city: 'Chengdu', provinceAbbreviation: 'CHUAN', rural: false },
  { code: '511321', county: 'Nanbu County', city: 'Nanchong', provinceAbbreviation: 'CHUAN', rural: true },
  { code: '420106', county: 'Wuchang District', city: 'Wuhan', provinceAbbreviation: 'E', rural: false },
  { code: '370102', county: 'Lixia District', city: 'Jinan', provinceAbbreviation: 'LU', rural: false },
  { code: '610113', county: 'Yanta District', city: "Xi'an", provinceAbbreviation: 'SHAAN', rural: false },
  { code: '350203', county: 'Siming District', city: 'Xiamen', provinceAbbreviation: 'MIN', rural: false },
  { code: '430104', county: 'Yuelu District', city: 'Changsha', provinceAbbreviation: 'XIANG', rural: false },
  { code: '410105', county: 'Jinshui District', city: 'Zhengzhou', provinceAbbreviation: 'YU', rural: false },
  { code: '410522', county: 'Anyang County', city: 'Anyang', provinceAbbreviation: 'YU', rural: true },
  { code: '341321', county: 'Dangshan County', city: 'Suzhou', provinceAbbreviation: 'WAN', rural: true },
  { code: '530102', county: 'Wuhua District', city: 'Kunming', provinceAbbreviation: 'DIAN', rural: false },
  { code: '220104', county: 'Chaoyang District', city: 'Changchun', provinceAbbreviation: 'JI', rural: false },
];

const SURNAMES = [
  'Wang',
  'Li',
  'Zhang',
  'Liu',
  'Chen',
  'Yang',
  'Huang',
  'Zhao',
  'Wu',
  'Zhou',
  'Xu',
  'Sun',
  'Ma',
  'Zhu',
  'Hu',
  'Guo',
  'He',
  'Gao',
  'Lin',
  'Luo',
  'Zheng',
  'Liang',
  'Xie',
  'Song',
  'Tang',
  'Han',
  'Feng',
  'Deng',
  'Cao',
  'Peng',
  'Zeng',
  'Xiao',
  'Tian',
  'Dong',
  'Pan',
  'Yuan',
  'Cai',
  'Jiang',
  'Yu',
  'Du',
  'Ye',
  'Cheng',
  'Wei',
  'Su',
  'Lyu',
  'Ding',
  'Ren',
  'Shen',
  'Yao',
  'Lu',
  'Guan',
  'Shi',
] as const;
const GIVEN_NAMES: Record<Sex, readonly string[]> = {
  M: [
    'Wei',
    'Hao',
    'Jun',
    'Qiang',
    'Lei',
    'Yang',
    'Jie',
    'Tao',
    'Ming',
    'Chao',
    'Bin',
    'Peng',
    'Gang',
    'Hui',
    'Jian',
    'Jianguo',
    'Zhiqiang',
    'Haoran',
    'Yuxuan',
    'Zihao',
    'Junjie',
    'Wenbo',
    'Dawei',
    'Xiaoming',
    'Guoqiang',
    'Jianhua',
    'Zhiwei',
    'Yong',
    'Bo',
    'Kai',
    'Long',
    'Fei',
    'Rui',
    'Yanbin',
    'Haoyu',
    'Minghui',
  ],
  F: [
    'Fang',
    'Na',
    'Min',
    'Jing',
    'Li',
    'Yan',
    'Xiuying',
    'Guiying',
    'Juan',
    'Xia',
    'Ping',
    'Hong',
    'Ling',
    'Xin',
    'Ting',
    'Yue',
    'Lan',
    'Mei',
    'Qian',
    'Xue',
    'Yuqi',
    'Zixuan',
    'Xinyi',
    'Shuang',
    'Dan',
    'Lili',
    'Jingjing',
    'Xiaoyu',
    'Yuting',
    'Wenjing',
    'Haiyan',
    'Chunmei',
    'Xiaohong',
    'Yuxin',
    'Ruoxi',
    'Shumin',
  ],
};
const STREETS = [
  'Jiefang',
  'Renmin',
  'Zhongshan',
  'Jianshe',
  'Heping',
  'Xinhua',
  'Dongfeng',
  'Wenhua',
  'Shengli',
  'Yingbin',
  'Huancheng',
  'Binjiang',
  'Fuqian',
  'Xueyuan',
  'Rongchang',
  'Dongsheng',
  'Qingnian',
  'Gongyuan',
  'Changjiang',
  'Huaihai',
  "Yan'an",
  'Beijing',
  'Nanjing',
  'Jinxiu',
  'Minzhu',
  'Xingfu',
  'Tianmu',
  'Kaiyuan',
  'Guangming',
];
const VILLAGES = [
  'Hefeng',
  'Dongcun',
  'Xishan',
  'Nanwan',
  'Beiling',
  'Qianjin',
  'Shuangqiao',
  'Liujia',
  'Huangtu',
  'Taoyuan',
  'Shanghe',
  'Xiaozhuang',
  'Wangjia',
  'Dayuan',
  'Qinghe',
  'Baishi',
  'Longtan',
  'Sanli',
];
const TRADE_NAMES = [
  'Jiahe',
  'Hengda',
  'Xinyuan',
  'Huamei',
  'Ruifeng',
  'Tianyi',
  'Jinhui',
  'Minsheng',
  'Kangtai',
  'Yongfeng',
  'Lianhe',
  'Hongxing',
  'Dingsheng',
  'Huaxin',
  'Anda',
  'Shunfa',
  'Baili',
  'Zhongxing',
  'Fuyuan',
  'Wanjia',
];
const EMPLOYER_KINDS = [
  'Trading Co.',
  'Machinery Co.',
  'Logistics Co.',
  'Software Co.',
  'Textile Co.',
  'Food Co.',
  'Construction Co.',
  'Electronics Co.',
  'Property Services Co.',
  'Power Supply Co.',
  'Auto Parts Co.',
  'Pharmaceutical Co.',
];
const COLLECTIVE_HOSTS = [
  { name: 'Talent Service Center', elderly: false },
  { name: 'University Student Collective', elderly: false },
  { name: 'Enterprise Staff Dormitory', elderly: false },
  { name: 'Social Welfare Institute', elderly: true },
] as const;

interface EnterpriseProfile {
  industry: string;
  licences: ReadonlyArray<{ type: LicenceType; formats: readonly LicenceFormat[] }>;
}
const ENTERPRISE_PROFILES: readonly EnterpriseProfile[] = [
  {
    industry: 'Supermarket',
    licences: [{ type: 'FOOD_DISTRIBUTION', formats: ['STANDARD_SUPERMARKET', 'CONVENIENCE_STORE', 'FOOD_STORE'] }],
  },
  { industry: 'Catering Management', licences: [{ type: 'FOOD_SERVICE', formats: ['RESTAURANT', 'CANTEEN', 'TAKEAWAY'] }] },
  {
    industry: 'Pharmacy',
    licences: [
      { type: 'PHARMACEUTICAL_RETAIL', formats: ['PHARMACY', 'PHARMACY_CHAIN_STORE'] },
      { type: 'MEDICAL_DEVICE_RETAIL', formats: ['MEDICAL_DEVICE_STORE'] },
    ],
  },
  { industry: 'Medical Equipment', licences: [{ type: 'MEDICAL_DEVICE_RETAIL', formats: ['MEDICAL_DEVICE_STORE'] }] },
  { industry: 'Technology', licences: [] },
  { industry: 'Logistics', licences: [] },
  { industry: 'Construction', licences: [] },
];

// ------------------------------------------------------------------------------------------ identifiers

const DAY_SPAN = TODAY - EARLIEST_BIRTH + 1;
/** Sequence numbers per region, birth date and sex: odd 001-997 for men, even 002-998 for women. */
const SEQUENCES_PER_SLOT = 499;

/**
 * Hands out unique ID numbers: a counter per (region, birth date, sex) slot, walked through a fixed
 * permutation so sequence numbers look scattered. The demo people's numbers are never handed out.
 */
class IdNumberAllocator {
  private readonly issued = new Uint16Array(REGIONS.length * DAY_SPAN * 2);
  private readonly reserved = new Set(DEMO_CITIZENS.map((citizen) => citizen.idNumber));

  /** Returns the number and the birth date it encodes: the next day, should this one be full. */
  allocate(regionIndex: number, birthDay: number, sex: Sex): { idNumber: string; birthDay: number } {
    const male = sex === 'M' ? 1 : 0;
    for (let day = birthDay; ; day = day < TODAY ? day + 1 : EARLIEST_BIRTH) {
      const slot = (regionIndex * DAY_SPAN + (day - EARLIEST_BIRTH)) * 2 + male;
      while (this.issued[slot]! < SEQUENCES_PER_SLOT) {
        const n = this.issued[slot]!++;
        // 37 is coprime with 499, so this visits every sequence number of the slot exactly once.
        const k = (n * 37 + slot) % SEQUENCES_PER_SLOT;
        const sequence = 2 * k + (male ? 1 : 2);
        const first17 = REGIONS[regionIndex]!.code + compactDate(day) + pad(sequence, 3);
        const idNumber = first17 + computeIdNumberCheck(first17);
        if (!this.reserved.has(idNumber)) return { idNumber, birthDay: day };
      }
    }
  }
}

// Unified social credit code alphabet (GB 32100): no I, O, S, V, Z.
const CREDIT_CODE_ALPHABET = '0123456789ABCDEFGHJKLMNPQRTUWXY';

function pad(value: number, width: number): string {
  return String(value).padStart(width, '0');
}

// ------------------------------------------------------------------------------------------ the population

interface Person {
  idNumber: string;
  name: string;
  surname: string;
  sex: Sex;
  birthDay: number;
  /** Null while alive. */
  deathDay: number | null;
}

interface Marriage {
  certificateNumber: string;
  day: number;
}

type MaritalHistory = 'SINGLE' | MaritalStatus;

interface Family {
  region: Region;
  regionIndex: number;
  householdNumber: string;
  address: string;
  head: Person;
  headAge: number;
  history: MaritalHistory;
  /** The living or late spouse; null when single or divorced. */
  partner: Person | null;
  marriage: Marriage | null;
  /** The children's parents in the data: the head and the partner; null for a divorced head's ex. */
  father: Person | null;
  mother: Person | null;
  children: Person[];
}

const TABLES = Object.keys(emptyDepartmentRows()) as DepartmentTable[];

class SyntheticPopulation {
  private readonly random: SeededRandom;
  private readonly ids = new IdNumberAllocator();
  // Synthetic record numbers have longer serials than the demo records', so they cannot collide;
  // credit codes and licence numbers have a fixed layout and are checked against the demo set.
  private readonly reservedCreditCodes = new Set(DEMO_ENTERPRISES.map((e) => e.creditCode));
  private readonly reservedLicenceNumbers = new Set(DEMO_ENTERPRISES.map((e) => e.license.number));
  private householdSerial = 0;
  private collectiveSerial = 0;
  private marriageSerial = 0;
  private propertySerial = 0;
  private accountSerial = 0;
  private birthSerial = 0;
  private deathSerial = 0;
  private enterpriseSerial = 0;
  private licenceSerial = 0;

  constructor(seed: string) {
    this.random = new SeededRandom(seed);
  }

  /**
   * Appends one household unit (the household, a moved-out child's own household, and everything
   * the other departments hold about its people) holding at most `capacity` residents; returns how
   * many residents it added.
   */
  appendUnit(rows: DepartmentRows, capacity: number): number {
    const before = rows.resident.length;
    const marks = TABLES.map((table) => rows[table].length);
    if (this.random.chance(0.02)) this.collectiveHousehold(rows);
    else this.familyHousehold(rows);
    if (rows.resident.length - before > capacity) {
      // Too big for what is left: roll back and close with a one-person household instead.
      TABLES.forEach((table, i) => (rows[table].length = marks[i]!));
      this.singlePersonHousehold(rows);
    }
    return rows.resident.length - before;
  }

  // ---------------------------------------------------------------------------- household kinds

  private familyHousehold(rows: DepartmentRows): void {
    const family = this.formFamily(rows);
    const headRecord = this.registerHousehold(rows, family);
    this.recordMaritalStatus(rows, family);
    this.recordFamilyProperty(rows, family);
    const { head, partner, children, region } = family;
    for (const person of [head, ...(partner ? [partner] : []), ...children]) {
      this.insuranceAccount(rows, person, region);
      if (person.deathDay !== null) this.deathCertificate(rows, person, region);
    }
    this.maybeElderlyParent(rows, family, headRecord);
    if (head.deathDay === null && family.headAge >= 25 && family.headAge <= 70 && this.random.chance(0.035)) {
      this.enterprise(rows, region, head);
    }
  }

  /** Head, partner, marriage, children and deaths; registers the marriage and the births. */
  private formFamily(rows: DepartmentRows): Family {
    const r = this.random;
    const regionIndex = r.int(0, REGIONS.length - 1);
    const region = REGIONS[regionIndex]!;
    const head = this.newPerson(regionIndex, r.chance(0.5) ? 'M' : 'F', r.int(dayOf('1932-01-01'), dayOf('2003-12-31')));
    const headAge = ageOn(head.birthDay, TODAY);
    const history = this.maritalHistory(headAge);

    // Partner: a living spouse (MARRIED) or a late one (WIDOWED); a divorced head's ex is not in the data.
    let partner: Person | null = null;
    let marriage: Marriage | null = null;
    if (history !== 'SINGLE') {
      const partnerSex: Sex = head.sex === 'M' ? 'F' : 'M';
      // Husbands are mostly a little older; both must reach the legal age (men 22, women 20) by today.
      const gap = Math.round(r.int(-2, 6) * DAYS_PER_YEAR) * (head.sex === 'M' ? 1 : -1);
      const latestPartnerBirth = addYears(TODAY, partnerSex === 'M' ? -22 : -20);
      let partnerBirth = clamp(head.birthDay + gap + r.int(-120, 120), EARLIEST_BIRTH, latestPartnerBirth);
      if (history !== 'DIVORCED') {
        partner = this.newPerson(regionIndex, partnerSex, partnerBirth);
        partnerBirth = partner.birthDay;
      }
      const [husbandBirth, wifeBirth] = head.sex === 'M' ? [head.birthDay, partnerBirth] : [partnerBirth, head.birthDay];
      const earliest = Math.max(addYears(husbandBirth, 22), addYears(wifeBirth, 20));
      const day = Math.min(earliest + r.int(0, Math.round(10 * DAYS_PER_YEAR)), TODAY);
      marriage = { certificateNumber: this.marriageCertificateNumber(region, day), day };
      rows.marriageRegistration.push({
        certificateNumber: marriage.certificateNumber,
        registeredOn: isoDate(day),
        office: `${region.county} Marriage Registry`,
      });
    }
    // Null for the parent a divorced head no longer lives with.
    const mother = head.sex === 'F' ? head : partner;
    const father = head.sex === 'M' ? head : partner;
    const children = marriage ? this.children(rows, regionIndex, head, mother, father, marriage) : [];
    const lastBirth = children.reduce((latest, child) => Math.max(latest, child.birthDay), 0);

    if (history === 'WIDOWED' && partner && marriage) {
      const earliestDeath = Math.max(marriage.day + 365, lastBirth, addYears(partner.birthDay, 30));
      partner.deathDay = earliestDeath <= TODAY ? r.int(earliestDeath, TODAY) : TODAY;
    }
    // Some of the very old have died since; their household entry stays, cancelled.
    if (headAge >= 80 && history !== 'MARRIED' && r.chance(0.2)) {
      const earliestDeath = Math.max(addYears(head.birthDay, 75), lastBirth, partner?.deathDay ?? 0, marriage?.day ?? 0);
      if (earliestDeath < TODAY) head.deathDay = r.int(earliestDeath + 1, TODAY);
    }
    return {
      region,
      regionIndex,
      householdNumber: this.familyHouseholdNumber(region),
      address: this.homeAddress(region),
      head,
      headAge,
      history,
      partner,
      marriage,
      father,
      mother,
      children,
    };
  }

  /**
   * The household register; grown children have often moved out into a household of their own.
   * Children's records name their parents in the data. Returns the head's resident record.
   */
  private registerHousehold(rows: DepartmentRows, family: Family): ResidentRow {
    const r = this.random;
    const { region, householdNumber, head, partner, marriage, father, mother } = family;
    rows.household.push({ householdNumber, householdType: 'FAMILY', address: family.address, regionCode: region.code });
    const headRecord = this.resident(rows, head, region.code);
    this.membership(rows, householdNumber, head, 'HEAD', Math.min(addYears(head.birthDay, 18), TODAY));
    if (partner && marriage) {
      this.resident(rows, partner, region.code);
      this.membership(rows, householdNumber, partner, 'SPOUSE', marriage.day);
    }
    for (const child of family.children) {
      const relation: RelationToHead = child.sex === 'M' ? 'SON' : 'DAUGHTER';
      this.resident(rows, child, region.code, father, mother);
      const movesOut = ageOn(child.birthDay, TODAY) >= 26 && child.deathDay === null && r.chance(0.45);
      if (!movesOut) {
        this.membership(rows, householdNumber, child, relation, child.birthDay);
        continue;
      }
      const leftDay = Math.min(addYears(child.birthDay, r.int(22, 25)), TODAY);
      rows.householdMember.push({
        householdNumber,
        idNumber: child.idNumber,
        relationToHead: relation,
        status: 'MOVED_OUT',
        joinedOn: isoDate(child.birthDay),
        leftOn: isoDate(leftDay),
      });
      const ownNumber = this.familyHouseholdNumber(region);
      const ownAddress = this.homeAddress(region);
      rows.household.push({ householdNumber: ownNumber, householdType: 'FAMILY', address: ownAddress, regionCode: region.code });
      this.membership(rows, ownNumber, child, 'HEAD', leftDay);
      if (r.chance(0.3)) this.property(rows, region, ownAddress, [child], 'SOLE', leftDay);
    }
    return headRecord;
  }

  /** The living keep a current status; the dead have none. */
  private recordMaritalStatus(rows: DepartmentRows, { head, partner, marriage, history }: Family): void {
    if (!marriage || history === 'SINGLE') return;
    if (head.deathDay === null) {
      rows.maritalStatus.push({
        idNumber: head.idNumber,
        status: history,
        spouseIdNumber: history === 'MARRIED' ? partner!.idNumber : null,
        certificateNumber: marriage.certificateNumber,
      });
    }
    if (history === 'MARRIED') {
      rows.maritalStatus.push({
        idNumber: partner!.idNumber,
        status: 'MARRIED',
        spouseIdNumber: head.idNumber,
        certificateNumber: marriage.certificateNumber,
      });
    }
  }

  /** A married couple holds its home jointly; a widow(er) often still with the late spouse. */
  private recordFamilyProperty(rows: DepartmentRows, family: Family): void {
    const r = this.random;
    const { region, head, partner, marriage, history } = family;
    if (family.headAge < 25 || !r.chance(region.rural ? 0.7 : 0.55)) return;
    const coOwned = partner !== null && marriage !== null && (history === 'MARRIED' || (history === 'WIDOWED' && r.chance(0.5)));
    const owners = coOwned ? [head, partner] : [head];
    const share: PropertyShare = coOwned ? 'JOINT' : 'SOLE';
    const homeAddress = r.chance(0.7) ? family.address : this.homeAddress(region);
    const homeUse: PropertyUse = region.rural ? 'RURAL_HOMESTEAD' : 'RESIDENTIAL';
    this.property(rows, region, homeAddress, owners, share, coOwned ? marriage.day : addYears(head.birthDay, 22), homeUse);
    if (!r.chance(0.15)) return;
    // A second property, sometimes bought in shares with a grown child.
    const adultChild = family.children.find((c) => ageOn(c.birthDay, TODAY) >= 22 && c.deathDay === null);
    const inCommon = adultChild !== undefined && r.chance(0.3);
    const use: PropertyUse = r.chance(0.7) ? 'RESIDENTIAL' : r.pick(['COMMERCIAL', 'OFFICE'] as const);
    this.property(
      rows,
      region,
      this.streetAddress(region),
      inCommon ? [...owners, adultChild] : owners,
      inCommon ? 'IN_COMMON' : share,
      coOwned ? marriage.day : addYears(head.birthDay, 25),
      use,
    );
  }

  /** Now and then an elderly, long-widowed parent lives with the head, whose record then names them. */
  private maybeElderlyParent(rows: DepartmentRows, { region, regionIndex, householdNumber, head, headAge }: Family, headRecord: ResidentRow): void {
    const r = this.random;
    if (headAge < 35 || headAge > 65 || head.deathDay !== null || !r.chance(0.07)) return;
    const parentBirth = addYears(head.birthDay, -r.int(22, 34));
    if (parentBirth < EARLIEST_BIRTH) return;
    const parentSex: Sex = r.chance(0.5) ? 'M' : 'F';
    // A father shares the head's surname; a mother keeps her own.
    const parent = this.newPerson(regionIndex, parentSex, parentBirth, parentSex === 'M' ? head.surname : undefined);
    this.resident(rows, parent, region.code);
    if (parentSex === 'M') headRecord.fatherIdNumber = parent.idNumber;
    else headRecord.motherIdNumber = parent.idNumber;
    this.membership(rows, householdNumber, parent, parentSex === 'M' ? 'FATHER' : 'MOTHER', r.int(addYears(head.birthDay, 18), TODAY));
    // The late spouse's own records predate the data set.
    const weddingDay = Math.min(addYears(parent.birthDay, r.int(20, 26)), head.birthDay);
    const certificateNumber = this.marriageCertificateNumber(region, weddingDay);
    rows.marriageRegistration.push({ certificateNumber, registeredOn: isoDate(weddingDay), office: `${region.county} Civil Affairs` });
    rows.maritalStatus.push({ idNumber: parent.idNumber, status: 'WIDOWED', spouseIdNumber: null, certificateNumber });
    this.insuranceAccount(rows, parent, region);
  }

  private collectiveHousehold(rows: DepartmentRows): void {
    const r = this.random;
    const regionIndex = r.int(0, REGIONS.length - 1);
    const region = REGIONS[regionIndex]!;
    const host = r.pick(COLLECTIVE_HOSTS);
    const householdNumber = `${region.code}-COLL-${pad(++this.collectiveSerial, 5)}`;
    const address = `Collective household, ${region.city} ${r.pick(TRADE_NAMES)} ${host.name}, ${region.county}, ${region.city}`;
    rows.household.push({ householdNumber, householdType: 'COLLECTIVE', address, regionCode: region.code });
    const size = r.int(4, 30);
    for (let i = 0; i < size; i++) {
      const birthDay = host.elderly ? r.int(dayOf('1930-01-01'), dayOf('1955-12-31')) : r.int(addYears(TODAY, -40), addYears(TODAY, -18));
      const member = this.newPerson(regionIndex, r.chance(0.5) ? 'M' : 'F', birthDay);
      const joinedDay = host.elderly ? r.int(addYears(member.birthDay, 65), TODAY) : Math.min(addYears(member.birthDay, r.int(18, 24)), TODAY);
      this.resident(rows, member, region.code);
      this.membership(rows, householdNumber, member, 'COLLECTIVE_MEMBER', joinedDay);
      this.insuranceAccount(rows, member, region);
    }
  }

  private singlePersonHousehold(rows: DepartmentRows): void {
    const r = this.random;
    const regionIndex = r.int(0, REGIONS.length - 1);
    const region = REGIONS[regionIndex]!;
    const householdNumber = this.familyHouseholdNumber(region);
    rows.household.push({ householdNumber, householdType: 'FAMILY', address: this.homeAddress(region), regionCode: region.code });
    const person = this.newPerson(regionIndex, r.chance(0.5) ? 'M' : 'F', r.int(dayOf('1950-01-01'), dayOf('2003-12-31')));
    this.resident(rows, person, region.code);
    this.membership(rows, householdNumber, person, 'HEAD', addYears(person.birthDay, 18));
    this.insuranceAccount(rows, person, region);
  }

  // ---------------------------------------------------------------------------- people

  private maritalHistory(age: number): MaritalHistory {
    if (age < 24) return 'SINGLE';
    const widowed = age >= 70 ? 0.3 : age >= 50 ? 0.08 : 0.02;
    const roll = this.random.next();
    if (roll < widowed) return 'WIDOWED';
    if (roll < widowed + 0.09) return 'DIVORCED';
    if (roll < widowed + 0.09 + 0.62) return 'MARRIED';
    return 'SINGLE';
  }

  /**
   * Children of the marriage, born while their mother was 20-42 and before any death in the family.
   * A medical birth certificate names both parents when both are in the data (a divorced mother's
   * certificate names no father); none exists for births before 1996 or when the mother is not here.
   */
  private children(rows: DepartmentRows, regionIndex: number, head: Person, mother: Person | null, father: Person | null, marriage: Marriage): Person[] {
    const r = this.random;
    const region = REGIONS[regionIndex]!;
    const roll = r.next();
    const count = roll < 0.2 ? 0 : roll < 0.65 ? 1 : roll < 0.9 ? 2 : 3;
    const bearer = mother ?? head;
    const from = Math.max(marriage.day + 300, addYears(bearer.birthDay, 20));
    const to = Math.min(addYears(bearer.birthDay, 42), TODAY);
    const children: Person[] = [];
    if (from > to) return children;
    const surname = (father ?? head).surname;
    for (let i = 0; i < count; i++) {
      const child = this.newPerson(regionIndex, r.chance(0.51) ? 'M' : 'F', r.int(from, to), surname, regionIndex);
      children.push(child);
      if (mother && child.birthDay >= FIRST_MEDICAL_BIRTH_CERTIFICATE) {
        rows.birthCertificate.push({
          medicalCertificateNumber: `Q${region.code}-${yearOf(child.birthDay)}-${pad(++this.birthSerial, 7)}`,
          childIdNumber: child.idNumber,
          childName: child.name,
          sex: child.sex,
          birthDate: isoDate(child.birthDay),
          hospital: r.chance(0.6) ? `${region.county} People's Hospital` : `${region.city} Maternal and Child Health Hospital`,
          motherIdNumber: mother.idNumber,
          fatherIdNumber: father?.idNumber ?? null,
        });
      }
    }
    return children.sort((a, b) => a.birthDay - b.birthDay);
  }

  /**
   * A new person. The ID number's region is where they were first registered: usually the
   * household's county (always, when `birthRegionIndex` is given), sometimes elsewhere.
   */
  private newPerson(regionIndex: number, sex: Sex, birthDay: number, surname?: string, birthRegionIndex?: number): Person {
    const r = this.random;
    const idRegion = birthRegionIndex ?? (r.chance(0.85) ? regionIndex : r.int(0, REGIONS.length - 1));
    const { idNumber, birthDay: encodedBirthDay } = this.ids.allocate(idRegion, clamp(birthDay, EARLIEST_BIRTH, TODAY), sex);
    const familyName = surname ?? r.pick(SURNAMES);
    return {
      idNumber,
      name: `${familyName} ${r.pick(GIVEN_NAMES[sex])}`,
      surname: familyName,
      sex,
      birthDay: encodedBirthDay,
      deathDay: null,
    };
  }

  // ---------------------------------------------------------------------------- rows

  /** The person's resident record, naming the parents given (null: not in the data); returned for later additions. */
  private resident(rows: DepartmentRows, person: Person, regionCode: string, father: Person | null = null, mother: Person | null = null): ResidentRow {
    const record: ResidentRow = {
      idNumber: person.idNumber,
      name: person.name,
      sex: person.sex,
      birthDate: isoDate(person.birthDay),
      regionCode,
      idCardStatus: person.deathDay === null ? 'ACTIVE' : 'CANCELLED_DECEASED',
      registeredOn: isoDate(Math.min(person.birthDay + this.random.int(0, 40), TODAY)),
      fatherIdNumber: father === null ? null : father.idNumber,
      motherIdNumber: mother === null ? null : mother.idNumber,
    };
    rows.resident.push(record);
    return record;
  }

  private membership(rows: DepartmentRows, householdNumber: string, person: Person, relation: RelationToHead, joinedDay: number): void {
    const deceased = person.deathDay !== null;
    const joined = deceased ? Math.min(joinedDay, person.deathDay!) : joinedDay;
    rows.householdMember.push({
      householdNumber,
      idNumber: person.idNumber,
      relationToHead: relation,
      status: deceased ? 'CANCELLED_DECEASED' : 'ACTIVE',
      joinedOn: isoDate(joined),
      leftOn: deceased ? isoDate(person.deathDay!) : null,
    });
  }

  private deathCertificate(rows: DepartmentRows, person: Person, region: Region): void {
    const day = person.deathDay!;
    rows.deathCertificate.push({
      medicalCertificateNumber: `D${region.code}-${yearOf(day)}-${pad(++this.deathSerial, 7)}`,
      idNumber: person.idNumber,
      dateOfDeath: isoDate(day),
      place: this.random.chance(0.75) ? `${region.county} People's Hospital` : `At home, ${region.county}, ${region.city}`,
    });
  }

  private insuranceAccount(rows: DepartmentRows, person: Person, region: Region): void {
    const r = this.random;
    const deceased = person.deathDay !== null;
    if (!deceased && r.chance(0.03)) return; // never enrolled
    const end = person.deathDay ?? TODAY;
    const age = ageOn(person.birthDay, end);
    const retirementAge = person.sex === 'M' ? 60 : 55;
    let status: InsuranceStatus;
    let employer: string | null = null;
    if (age < 18) status = 'RESIDENT_MEDICAL';
    else if (age >= retirementAge) status = r.chance(0.88) ? 'RETIRED' : 'RESIDENT_MEDICAL';
    else if (age === retirementAge - 1) status = 'RETIREMENT_PENDING';
    else if (age < 23 && r.chance(0.5)) status = 'RESIDENT_MEDICAL';
    else {
      const roll = r.next();
      status = roll < 0.8 ? 'CONTRIBUTING' : roll < 0.9 ? 'SUSPENDED' : 'RESIDENT_MEDICAL';
    }
    if ((status === 'CONTRIBUTING' || status === 'RETIREMENT_PENDING') && r.chance(0.85)) {
      employer = `${region.city} ${r.pick(TRADE_NAMES)} ${r.pick(EMPLOYER_KINDS)}`;
    }

    const working = status !== 'RESIDENT_MEDICAL' && age >= 18;
    const openedDay = working
      ? Math.min(Math.max(addYears(person.birthDay, r.int(18, 24)), FIRST_INSURANCE_ACCOUNT), end)
      : Math.min(person.birthDay + r.int(0, 90), end);
    let contributionMonths = 0;
    if (working) {
      const contributedUntil = Math.min(end, addYears(person.birthDay, retirementAge));
      const months = Math.max(0, Math.floor((contributedUntil - openedDay) / (DAYS_PER_YEAR / 12)));
      contributionMonths = Math.floor(months * (0.55 + 0.45 * r.next()));
    }
    rows.insuranceAccount.push({
      accountNumber: `SI-${region.code}-${pad(++this.accountSerial, 10)}`,
      idNumber: person.idNumber,
      status: deceased ? 'SEALED_DECEASED' : status,
      contributionMonths,
      employer: deceased ? null : employer,
      openedOn: isoDate(openedDay),
    });
  }

  private property(
    rows: DepartmentRows,
    region: Region,
    address: string,
    owners: readonly Person[],
    share: PropertyShare,
    earliest: number,
    use: PropertyUse = 'RESIDENTIAL',
  ): void {
    const r = this.random;
    // Registered while every owner was an adult and alive.
    const from = Math.max(earliest, FIRST_PROPERTY_REGISTRATION, ...owners.map((o) => addYears(o.birthDay, 20)));
    const to = Math.min(TODAY, ...owners.map((o) => o.deathDay ?? TODAY));
    if (from > to) return;
    const day = r.int(from, to);
    const certificateNumber = `${region.provinceAbbreviation}(${yearOf(day)})${region.code}-${pad(++this.propertySerial, 8)}`;
    const [minArea, maxArea] = use === 'RURAL_HOMESTEAD' ? [80, 260] : use === 'RESIDENTIAL' ? [38, 180] : [20, 320];
    rows.property.push({
      certificateNumber,
      address,
      areaSqm: r.int(minArea * 100, maxArea * 100) / 100,
      use,
      share,
      registeredOn: isoDate(day),
    });
    for (const owner of owners) rows.propertyOwner.push({ certificateNumber, idNumber: owner.idNumber });
  }

  private enterprise(rows: DepartmentRows, region: Region, representative: Person): void {
    const r = this.random;
    const profile = r.pick(ENTERPRISE_PROFILES);
    const company = r.chance(0.6);
    const creditCode = this.creditCode(company ? '91' : '92', region);
    const from = Math.max(addYears(representative.birthDay, 22), FIRST_ENTERPRISE_REGISTRATION);
    const registeredDay = r.int(from, TODAY);
    const statusRoll = r.next();
    rows.enterprise.push({
      creditCode,
      name: company
        ? `${region.city} ${r.pick(TRADE_NAMES)} ${profile.industry} Co., Ltd.`
        : `${region.county} ${representative.surname} Family ${profile.industry}`,
      legalRepresentativeIdNumber: representative.idNumber,
      registeredOn: isoDate(registeredDay),
      status: statusRoll < 0.88 ? 'OPERATING' : statusRoll < 0.96 ? 'DEREGISTERED' : 'REVOKED',
      address: this.streetAddress(region),
    });
    for (const licence of profile.licences) {
      if (licence !== profile.licences[0] && r.chance(0.5)) continue;
      const issuedDay = r.int(registeredDay, TODAY);
      rows.licence.push({
        licenceNumber: this.licenceNumber(licence.type, region),
        creditCode,
        type: licence.type,
        format: r.pick(licence.formats),
        // Licences run five years; older ones have lapsed.
        validUntil: isoDate(addYears(issuedDay, 5) - 1),
      });
    }
  }

  // ---------------------------------------------------------------------------- numbers and addresses

  private familyHouseholdNumber(region: Region): string {
    return `${region.code}-${pad(++this.householdSerial, 7)}`;
  }

  private marriageCertificateNumber(region: Region, day: number): string {
    return `J${region.code}-${yearOf(day)}-${pad(++this.marriageSerial, 7)}`;
  }

  /** Registration authority + category, region, a 9-character organisation code, check character. */
  private creditCode(prefix: '91' | '92', region: Region): string {
    for (;;) {
      let serial = ++this.enterpriseSerial;
      let organisation = '';
      for (let i = 0; i < 7; i++) {
        organisation = CREDIT_CODE_ALPHABET[serial % 31]! + organisation;
        serial = Math.floor(serial / 31);
      }
      const first17 = `${prefix}${region.code}MA${organisation}`;
      const code = first17 + computeCreditCodeCheck(first17);
      if (!this.reservedCreditCodes.has(code)) return code;
    }
  }

  private licenceNumber(type: LicenceType, region: Region): string {
    const prefix = type === 'FOOD_DISTRIBUTION' ? 'JY1' : type === 'FOOD_SERVICE' ? 'JY2' : type === 'PHARMACEUTICAL_RETAIL' ? 'YP' : 'YX';
    for (;;) {
      const number = `${prefix}${region.code}${pad(++this.licenceSerial, 7)}`;
      if (!this.reservedLicenceNumbers.has(number)) return number;
    }
  }

  private homeAddress(region: Region): string {
    const r = this.random;
    if (region.rural && r.chance(0.6)) {
      return `${r.pick(VILLAGES)} Village ${r.int(1, 12)}-${r.int(1, 60)}, ${region.county}, ${region.city}`;
    }
    return `Unit ${r.int(1, 12)}-${r.int(1, 32)}0${r.int(1, 4)}, ${this.streetAddress(region)}`;
  }

  private streetAddress(region: Region): string {
    const r = this.random;
    return `${r.int(1, 999)} ${r.pick(STREETS)} Road, ${region.county}, ${region.city}`;
  }
}

function clamp(value: number, min: number, max: number): number {
  return value < min ? min : value > max ? max : value;
}
