import { describe, expect, it } from '@jest/globals';
import type { Principal } from '../identity/principal.js';
import { applicationReadDenial, taskDecisionDenial, taskListingScope } from './application-access.js';

const tokenExpiresAt = new Date('2026-12-07T20:00:00Z');
const LI_WEI = '330825198803142023';
const clerk = (hall: string): Principal => ({ kind: 'clerk', id: 'C-1', hall, region: '330825', tokenExpiresAt });
const department = (code: 'HEALTH' | 'PUBLIC_SECURITY' | 'HEALTHCARE_SECURITY'): Principal => ({
  kind: 'department',
  id: 'svc',
  department: code,
  tokenExpiresAt,
});
const citizen = (id: string): Principal => ({ kind: 'citizen', id, tokenExpiresAt });
const application = { hall: 'LONGYOU-01', parties: [LI_WEI], departments: ['HEALTH', 'HEALTHCARE_SECURITY'] };

describe('applicationReadDenial', () => {
  it('lets the hall, a department with a task in it and a party of the case see it', () => {
    expect(applicationReadDenial(clerk('LONGYOU-01'), application)).toBeNull();
    expect(applicationReadDenial(department('HEALTHCARE_SECURITY'), application)).toBeNull();
    expect(applicationReadDenial(citizen(LI_WEI), application)).toBeNull();
  });

  it('answers everyone else as if it did not exist', () => {
    expect(applicationReadDenial(clerk('JINGAN-01'), application)).toBe('APPLICATION_NOT_FOUND');
    expect(applicationReadDenial(department('PUBLIC_SECURITY'), application)).toBe('APPLICATION_NOT_FOUND');
    expect(applicationReadDenial(citizen('330825198611021315'), application)).toBe('APPLICATION_NOT_FOUND');
    expect(applicationReadDenial({ kind: 'auditor', id: 'A-1', tokenExpiresAt }, application)).toBe('APPLICATION_NOT_FOUND');
    expect(applicationReadDenial(clerk('LONGYOU-01'), null)).toBe('APPLICATION_NOT_FOUND');
  });
});

describe('taskDecisionDenial', () => {
  it('lets only the deciding department decide an open task, or one waiting for a material', () => {
    expect(taskDecisionDenial(department('HEALTH'), { department: 'HEALTH', status: 'OPEN' })).toBeNull();
    expect(taskDecisionDenial(department('HEALTH'), { department: 'HEALTH', status: 'NEEDS_MATERIAL' })).toBeNull();
    expect(taskDecisionDenial(department('PUBLIC_SECURITY'), { department: 'HEALTH', status: 'OPEN' })).toBe('NOT_THE_TASK_DEPARTMENT');
    expect(taskDecisionDenial(clerk('LONGYOU-01'), { department: 'HEALTH', status: 'OPEN' })).toBe('TASK_NOT_FOUND');
  });

  it.each(['WAITING', 'APPROVED', 'REJECTED'])('refuses a %s task', (status) => {
    expect(taskDecisionDenial(department('HEALTH'), { department: 'HEALTH', status })).toBe('TASK_NOT_OPEN');
  });

  it('refuses an unknown task', () => {
    expect(taskDecisionDenial(department('HEALTH'), null)).toBe('TASK_NOT_FOUND');
  });
});

describe('taskListingScope', () => {
  it("lists a department's own inbox, a clerk's hall's applications' tasks, and nothing for others", () => {
    expect(taskListingScope(department('HEALTHCARE_SECURITY'))).toEqual({ department: 'HEALTHCARE_SECURITY' });
    expect(taskListingScope(clerk('LONGYOU-01'))).toEqual({ hall: 'LONGYOU-01' });
    expect(taskListingScope(citizen(LI_WEI))).toBeNull();
  });
});
