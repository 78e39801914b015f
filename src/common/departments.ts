/**
 * The departments whose records onegate federates. The code is the catalog key; each department
 * keeps its demo source in its own schema, read through its own read-only role.
 */
export const DEPARTMENT_CODES = ['PUBLIC_SECURITY', 'CIVIL_AFFAIRS', 'NATURAL_RESOURCES', 'HUMAN_RESOURCES', 'HEALTH', 'MARKET_REGULATION'] as const;

export type DepartmentCode = (typeof DEPARTMENT_CODES)[number];

export function isDepartmentCode(value: unknown): value is DepartmentCode {
  return typeof value === 'string' && (DEPARTMENT_CODES as readonly string[]).includes(value);
}

/** `dept_public_security`, ... */
export function departmentSchema(code: DepartmentCode): string {
  return `dept_${code.toLowerCase()}`;
}

/** `onegate_reader_public_security`, ...: the login role that may only read that department's schema. */
export function departmentReaderRole(code: DepartmentCode): string {
  return `onegate_reader_${code.toLowerCase()}`;
}

/** Departments' names in Chinese, as pages for the public show them first. */
export const DEPARTMENT_NAMES_ZH: Readonly<Record<DepartmentCode, string>> = Object.freeze({
  PUBLIC_SECURITY: '公安局',
  CIVIL_AFFAIRS: '民政局',
  NATURAL_RESOURCES: '不动产登记中心',
  HUMAN_RESOURCES: '人力资源和社会保障局',
  HEALTH: '卫生健康委员会',
  MARKET_REGULATION: '市场监督管理局',
});

/**
 * Bodies that decide a one thing's matters (its department tasks) but hold no records onegate reads:
 * the healthcare security bureau, the utility companies, fire rescue, taxation, city management.
 * Their systems sign in as departments to work their inbox; they never read records through onegate.
 */
export const AGENCY_CODES = ['HEALTHCARE_SECURITY', 'WATER_SUPPLY', 'POWER_SUPPLY', 'GAS_SUPPLY', 'FIRE_RESCUE', 'TAXATION', 'CITY_MANAGEMENT'] as const;

export type AgencyCode = (typeof AGENCY_CODES)[number];

/** Who decides a matter of a one thing: a department that holds records, or an agency. */
export type DecidingDepartment = DepartmentCode | AgencyCode;

export function isAgencyCode(value: unknown): value is AgencyCode {
  return typeof value === 'string' && (AGENCY_CODES as readonly string[]).includes(value);
}

export function isDecidingDepartment(value: unknown): value is DecidingDepartment {
  return isDepartmentCode(value) || isAgencyCode(value);
}

/** Names of every deciding department, in Chinese and English, for inboxes, tasks and the citizen's progress page. */
export const DECIDING_DEPARTMENT_NAMES: Readonly<Record<DecidingDepartment, { zh: string; en: string }>> = Object.freeze({
  PUBLIC_SECURITY: { zh: DEPARTMENT_NAMES_ZH.PUBLIC_SECURITY, en: 'Public Security Bureau' },
  CIVIL_AFFAIRS: { zh: DEPARTMENT_NAMES_ZH.CIVIL_AFFAIRS, en: 'Civil Affairs Bureau' },
  NATURAL_RESOURCES: { zh: DEPARTMENT_NAMES_ZH.NATURAL_RESOURCES, en: 'Real Estate Registration Center' },
  HUMAN_RESOURCES: { zh: DEPARTMENT_NAMES_ZH.HUMAN_RESOURCES, en: 'Human Resources and Social Security Bureau' },
  HEALTH: { zh: DEPARTMENT_NAMES_ZH.HEALTH, en: 'Health Commission' },
  MARKET_REGULATION: { zh: DEPARTMENT_NAMES_ZH.MARKET_REGULATION, en: 'Market Regulation Administration' },
  HEALTHCARE_SECURITY: { zh: '医疗保障局', en: 'Healthcare Security Administration' },
  WATER_SUPPLY: { zh: '供水公司', en: 'Water supply company' },
  POWER_SUPPLY: { zh: '供电公司', en: 'Power supply company' },
  GAS_SUPPLY: { zh: '燃气公司', en: 'Gas company' },
  FIRE_RESCUE: { zh: '消防救援支队', en: 'Fire and Rescue Detachment' },
  TAXATION: { zh: '税务局', en: 'Tax Bureau' },
  CITY_MANAGEMENT: { zh: '城市管理局', en: 'City Management Bureau' },
});
