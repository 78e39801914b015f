import type { TokenRequest } from './dev-issuer.js';

/**
 * The demo people a development console signs in as (the fixed demo citizens, and staff of the demo
 * halls). Only these: the development sign-in never mints a token for claims a caller chose.
 */
export interface DevPersona {
  code: string;
  /** What the picker shows. */
  label: string;
  token: Omit<TokenRequest, 'ttlSeconds'>;
}

export const DEV_PERSONAS: readonly DevPersona[] = [
  { code: 'CLERK_LONGYOU', label: 'Clerk, Longyou County Service Hall', token: { role: 'clerk', sub: 'C-LY-007', hall: 'LONGYOU-01' } },
  { code: 'CLERK_CHANGNING', label: 'Clerk, Changning District Service Center', token: { role: 'clerk', sub: 'C-CN-001', hall: 'CHANGNING-01' } },
  { code: 'AUDITOR', label: 'Auditor', token: { role: 'auditor', sub: 'AUD-001' } },
  { code: 'CITIZEN_LI_WEI', label: 'Citizen Li Wei (330825198803142023)', token: { role: 'citizen', sub: '330825198803142023' } },
  // Department systems working their inbox of one-thing tasks (decideTask) in the console.
  { code: 'DEPARTMENT_HEALTH', label: 'Health Commission, task inbox', token: { role: 'department', sub: 'D-HEALTH-01', department: 'HEALTH' } },
  {
    code: 'DEPARTMENT_PUBLIC_SECURITY',
    label: 'Public Security Bureau, task inbox',
    token: { role: 'department', sub: 'D-PS-01', department: 'PUBLIC_SECURITY' },
  },
];

/** How long a development sign-in lasts. */
export const DEV_SESSION_SECONDS = 8 * 3600;
