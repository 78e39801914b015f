import { describe, expect, it } from '@jest/globals';
import { applicationStatusOf, dueDate, planTasks, tasksToOpen, type PlannedMatter } from './task-plan.js';

const NOW = new Date('2026-12-07T08:00:00Z');
const DAY = 86_400;
const NEWBORN: PlannedMatter[] = [
  { code: 'BIRTH', department: 'HEALTH', promisedDays: 3, after: [] },
  { code: 'HOUSEHOLD', department: 'PUBLIC_SECURITY', promisedDays: 5, after: ['BIRTH'] },
  { code: 'CARD', department: 'HUMAN_RESOURCES', promisedDays: 10, after: ['HOUSEHOLD'] },
  { code: 'INSURANCE', department: 'HEALTHCARE_SECURITY', promisedDays: 5, after: ['HOUSEHOLD'] },
];

describe('planTasks', () => {
  it('opens the matters without predecessors, due their promised days from now, and holds the others', () => {
    const tasks = planTasks(NEWBORN, NOW, DAY);
    expect(tasks.map((t) => [t.matterCode, t.status, t.dueAt?.toISOString() ?? null])).toEqual([
      ['BIRTH', 'OPEN', '2026-12-10T08:00:00.000Z'],
      ['HOUSEHOLD', 'WAITING', null],
      ['CARD', 'WAITING', null],
      ['INSURANCE', 'WAITING', null],
    ]);
  });

  it('lets a matter whose predecessor was not selected open at once', () => {
    const tasks = planTasks(NEWBORN.slice(1), NOW, DAY);
    expect(tasks.map((t) => [t.matterCode, t.status, t.after])).toEqual([
      ['HOUSEHOLD', 'OPEN', []],
      ['CARD', 'WAITING', ['HOUSEHOLD']],
      ['INSURANCE', 'WAITING', ['HOUSEHOLD']],
    ]);
  });

  it('counts a shortened day when told to', () => {
    expect(dueDate(NOW, 3, 2).toISOString()).toBe('2026-12-07T08:00:06.000Z');
  });
});

describe('tasksToOpen', () => {
  const tasks = (statuses: Record<string, string>) =>
    planTasks(NEWBORN, NOW, DAY).map((t) => ({ ...t, status: (statuses[t.matterCode] ?? t.status) as 'OPEN' }));

  it('opens the household entry once the birth registration is approved, then the card and insurance together', () => {
    expect(tasksToOpen(tasks({ BIRTH: 'OPEN' })).map((t) => t.matterCode)).toEqual([]);
    expect(tasksToOpen(tasks({ BIRTH: 'APPROVED' })).map((t) => t.matterCode)).toEqual(['HOUSEHOLD']);
    expect(tasksToOpen(tasks({ BIRTH: 'APPROVED', HOUSEHOLD: 'APPROVED' })).map((t) => t.matterCode)).toEqual(['CARD', 'INSURANCE']);
  });

  it('opens nothing after a rejection or a request for a material', () => {
    expect(tasksToOpen(tasks({ BIRTH: 'REJECTED' }))).toEqual([]);
    expect(tasksToOpen(tasks({ BIRTH: 'NEEDS_MATERIAL' }))).toEqual([]);
  });
});

describe('applicationStatusOf', () => {
  it.each<[string[], string]>([
    [['OPEN', 'WAITING'], 'SUBMITTED'],
    [['APPROVED', 'OPEN'], 'IN_PROGRESS'],
    [['APPROVED', 'NEEDS_MATERIAL'], 'NEEDS_MATERIAL'],
    [['REJECTED', 'NEEDS_MATERIAL'], 'REJECTED'],
    [['APPROVED', 'APPROVED'], 'COMPLETED'],
  ])('%j is %s', (statuses, expected) => {
    expect(applicationStatusOf(statuses.map((status) => ({ status: status as 'OPEN' })))).toBe(expected);
  });
});
