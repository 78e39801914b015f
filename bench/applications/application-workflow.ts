// bench:applications' unit of work for the virtual clerks (bench/cases/clerks.ts): a complete
// one-thing application at the window. The clerk opens the newborn-registration case as bench:cases
// does (openCaseStep), runs the guidance on it (the parties' records read under the case), answers
// the questions the records left open, opens the application (the guidance run again on the case,
// the form prefilled), and submits the prefilled form with the fields nothing filled typed (the
// contact phone): the answer must show one task per declared matter, OPEN or WAITING as declared.
import { openCaseStep, OPEN_CASE_REASONS } from '../cases/case-workflow.js';
import { dataOf, failure, type Workflow } from '../cases/workflow.js';

/** The guidance as the clerk's funnel asks it: the questions left, the matters, the form's fields with their types. */
export const GUIDE_QUERY =
  'query Guide($in: GuideInput!) { guide(input: $in) { caseId answeredByRecords questions { key options { value } } ' +
  'matters { code } form { fields { key type required options { value } } } } }';
export const OPEN_APPLICATION_MUTATION =
  'mutation OpenApplication($in: OpenApplicationInput!) { openApplication(input: $in) { id status matters prefill { key value source } } }';
export const SUBMIT_APPLICATION_MUTATION =
  'mutation SubmitApplication($id: ID!, $form: JSON!) { submitApplication(id: $id, form: $form) { id status submittedAt tasks { id matter status after } } }';

export interface ApplicationUnit {
  /** openCase's body (bench/cases/cases-setup.ts openBody). */
  open: string;
  authorization: string;
}

/** A task the one thing declares: its matter, and OPEN when it waits for no other matter, else WAITING. */
export interface DeclaredTask {
  matter: string;
  status: 'OPEN' | 'WAITING';
}

export interface ApplicationOptions {
  oneThing: string;
  /** The tasks a submission must answer, in the one thing's order of matters. */
  tasks: DeclaredTask[];
  /** What the applicant types in a phone field. */
  phone: string;
  /** What the applicant types in a date field nothing filled (YYYY-MM-DD). */
  date: string;
}

interface GuidedField {
  key: string;
  type: string;
  required: boolean;
  options: Array<{ value: string }> | null;
}

type FormValue = string | boolean | null;

/** The value the applicant types for a field nothing filled; null when it cannot be typed (an ID number). */
function typedValue(field: GuidedField | undefined, options: ApplicationOptions): FormValue {
  switch (field?.type ?? 'text') {
    case 'phone':
      return options.phone;
    case 'date':
      return options.date;
    case 'select':
      return field?.options?.[0]?.value ?? null;
    case 'boolean':
      return false;
    case 'idNumber':
      return null;
    default:
      return '窗口录入';
  }
}

/**
 * The form as submitted: every prefilled value confirmed, and each field the records and answers
 * left empty typed when it is to be typed or required. Also how many fields were typed.
 */
export function confirmedForm(
  prefill: ReadonlyArray<{ key: string; value: FormValue; source: string }>,
  fields: readonly GuidedField[],
  options: ApplicationOptions,
): { form: Record<string, FormValue>; typed: number } {
  const byKey = new Map(fields.map((f) => [f.key, f]));
  let typed = 0;
  const form = Object.fromEntries(
    prefill.map(({ key, value, source }) => {
      if (value !== null || (source !== 'TYPED' && !byKey.get(key)?.required)) return [key, value];
      typed++;
      return [key, typedValue(byKey.get(key), options)];
    }),
  );
  return { form, typed };
}

const same = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((x, i) => x === b[i]);

export const applicationWorkflow: Workflow<ApplicationUnit, ApplicationOptions> = {
  steps: ['openCase', 'guide', 'openApplication', 'submitApplication'],
  reasons: [...OPEN_CASE_REASONS, 'guideErrors', 'guideIncomplete', 'openApplicationRefused', 'submitRefused', 'tasksWrong'],
  counters: ['opened', 'guided', 'questionsAsked', 'answeredByRecords', 'applicationsOpened', 'typedFields', 'submitted', 'tasks'],
  async run(unit, options, context) {
    const matters = options.tasks.map((t) => t.matter);
    const opened = await openCaseStep(context, unit.open, unit.authorization);
    if ('why' in opened) return opened;
    const { caseId } = opened;

    const guided = await context.request(
      'guide',
      JSON.stringify({ query: GUIDE_QUERY, variables: { in: { oneThing: options.oneThing, case: caseId } } }),
      unit.authorization,
    );
    const guidance = dataOf(guided)?.guide as
      | {
          caseId: string;
          answeredByRecords: string[];
          questions: Array<{ key: string; options: Array<{ value: string }> }>;
          matters: Array<{ code: string }>;
          form: { fields: GuidedField[] };
        }
      | undefined;
    if (!guidance) return failure('guideErrors', 'guide', guided);
    if (
      guidance.caseId !== caseId ||
      !same(
        guidance.matters.map((m) => m.code),
        matters,
      )
    )
      return failure('guideIncomplete', 'guide', guided);
    context.count('guided');
    context.count('answeredByRecords', guidance.answeredByRecords.length);
    context.count('questionsAsked', guidance.questions.length);
    // The applicant answers what the records left open: the first option (for NEWBORN, the mother's household).
    const answers = Object.fromEntries(guidance.questions.map((q) => [q.key, q.options[0]!.value]));

    const opening = await context.request(
      'openApplication',
      JSON.stringify({ query: OPEN_APPLICATION_MUTATION, variables: { in: { oneThing: options.oneThing, case: caseId, answers } } }),
      unit.authorization,
    );
    const draft = opening.body?.data?.openApplication as
      { id?: string; status: string; matters: string[]; prefill: Array<{ key: string; value: FormValue; source: string }> } | undefined;
    if (draft?.id) context.count('applicationsOpened');
    if (!dataOf(opening) || !draft?.id || draft.status !== 'DRAFT' || !same(draft.matters, matters))
      return failure('openApplicationRefused', 'openApplication', opening);

    const { form, typed } = confirmedForm(draft.prefill, guidance.form.fields, options);
    context.count('typedFields', typed);
    const submitting = await context.request(
      'submitApplication',
      JSON.stringify({ query: SUBMIT_APPLICATION_MUTATION, variables: { id: draft.id, form } }),
      unit.authorization,
    );
    const submitted = submitting.body?.data?.submitApplication as
      { id: string; submittedAt: string | null; tasks: Array<{ matter: string; status: string }> } | undefined;
    if (submitted?.submittedAt) {
      context.count('submitted');
      context.count('tasks', submitted.tasks.length);
    }
    if (!dataOf(submitting) || !submitted?.submittedAt) return failure('submitRefused', 'submitApplication', submitting);
    const declared = options.tasks.map((t) => `${t.matter}:${t.status}`);
    if (
      !same(
        submitted.tasks.map((t) => `${t.matter}:${t.status}`),
        declared,
      )
    )
      return failure('tasksWrong', 'submitApplication', submitting);
    return null;
  },
};
