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
