// bench:cases' unit of work for the virtual clerks (bench/cases/clerks.ts): open a newborn-
// registration case, then read every party's records under it. Its first step, openCase, is also
// the first step of an application (bench/applications/application-workflow.ts).
import { checkRead } from './case-answer.js';
import { dataOf, failure, type Failure, type UnitContext, type Workflow } from './workflow.js';

export interface CaseUnit {
  /** openCase's body (cases-setup.ts openBody). */
  open: string;
  /** The read's body, with the case id to put in place of CaseOptions.placeholder. */
  read: string;
  authorization: string;
}

export interface CaseOptions {
  placeholder: string;
  /** Per alias of the read query, the fields that must not be null for the case to count as complete. */
  required: Record<string, readonly string[]>;
}

/** Why a case may be incomplete; the first two are also an application's. */
export const OPEN_CASE_REASONS = ['openRefused', 'relationNotProven'] as const;

/**
 * Opens the case: its id, counted as `opened` when the answer carries one; a failure when openCase
 * answered with errors or without an id (openRefused) or a relation was not PROVEN (relationNotProven).
 */
export async function openCaseStep(context: UnitContext, body: string, authorization: string): Promise<{ caseId: string } | Failure> {
  const answer = await context.request('openCase', body, authorization);
  const openCase = answer.body?.data?.openCase as { id?: string; parties?: Array<{ role: string; relation: { status: string } | null }> } | undefined;
  if (openCase?.id) context.count('opened');
  if (!dataOf(answer) || !openCase?.id) return failure('openRefused', 'openCase', answer);
  if (openCase.parties?.some((p) => p.relation !== null && p.relation.status !== 'PROVEN')) return failure('relationNotProven', 'openCase', answer);
  return { caseId: openCase.id };
}

export const caseWorkflow: Workflow<CaseUnit, CaseOptions> = {
  steps: ['openCase', 'read'],
  reasons: [...OPEN_CASE_REASONS, 'readErrors', 'readIncomplete'],
  counters: ['opened', 'readComplete'],
  async run(unit, options, context) {
    const opened = await openCaseStep(context, unit.open, unit.authorization);
    if ('why' in opened) return opened;
    const answer = await context.request('read', unit.read.replace(options.placeholder, opened.caseId), unit.authorization);
    if (!dataOf(answer)) return failure('readErrors', 'read', answer);
    const problem = checkRead(answer.body!, options.required);
    if (problem) return failure('readIncomplete', 'read', `${problem}: ${answer.text}`);
    context.count('readComplete');
    return null;
  },
};
