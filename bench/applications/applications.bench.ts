// `npm run bench:applications [-- --citizens 10000,1000000 --seconds 20 --warmup 5 --clerks 8,16,32 --sample 2000]`:
// a clerk's complete NEWBORN application at the window. The clerk opens the newborn-registration
// case as bench:cases does (CHILD, MOTHER, FATHER, both relations judged from the records), runs
// `guide` for NEWBORN on the case (the parties' records read under it), answers the questions the
// records left open, opens the application (`openApplication`: the guidance run on the case again,
// the form prefilled) and submits the prefilled form with the contact phone typed
// (`submitApplication`: one task per matter in the same transaction, the first OPEN with its
// deadline jobs, the others WAITING, as NEWBORN declares). Complete applications per second and the
// latency of a complete application and of each step (p50/p99), from virtual clerks in their own
// process (bench/cases/clerks.ts) against the gateway and PostgreSQL as separate processes on
// loopback, in the databases bench:exchange keeps. After every run the applications, their tasks,
// their deadline jobs and their ledger entries are counted: every application answered must be
// there, complete and audited, or the benchmark fails. Writes bench/results/applications.json and
// the applications table in bench/README.md.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { projectRoot } from '../../src/common/project-root.js';
import type { OneThingDefinition } from '../../src/one-things/one-thing-definition.js';
import { MATTER, OPEN_MUTATION, openBody, type Clerk, type Family } from '../cases/cases-setup.js';
import {
  CONSENTS_NOTE,
  OPEN_CASE_NOTE,
  auditCases,
  caseAuditProblems,
  familyRecords,
  failFor,
  incompleteCell,
  main,
  post,
  round,
  runClerkBench,
  runRow,
  runsNote,
  sizeNotes,
  stepCells,
  targetNotes,
  usageOf,
  type CaseAudit,
  type ClerkBench,
  type Fail,
  type Summarize,
} from '../cases/clerk-bench.js';
import { parseAnswer, type StepAnswer, type UnitContext } from '../cases/workflow.js';
import { withClient } from '../harness.js';
import {
  GUIDE_QUERY,
  OPEN_APPLICATION_MUTATION,
  SUBMIT_APPLICATION_MUTATION,
  applicationWorkflow,
  type ApplicationOptions,
  type DeclaredTask,
} from './application-workflow.js';

const USAGE = usageOf('bench:applications', 'opening a case, guiding, opening and submitting its NEWBORN application');

/** Goal (issue 24): complete applications per second at a p99 of at most this many ms. */
const TARGET = { perSecond: 200, p99Ms: 150 };
const ONE_THING = 'NEWBORN';
/** The contact phone the applicant types. */
const PHONE = '13905701234';
/** Entries of the applications' own kind, under their cases. */
const APPLICATION_KINDS = ['APPLICATION_CHANGE'];
/** Deadline jobs per OPEN task (pg-boss): its overdue flag and its reminder. */
const JOBS_PER_OPEN_TASK = 2;
/** Guidance runs per application (`guide`, then `openApplication`'s), each reading the three parties under the case. */
const READS_PER_APPLICATION = 6;

/** The tasks NEWBORN declares for every application, in its order of matters: OPEN when waiting for no other matter, else WAITING. */
function declaredTasks(): DeclaredTask[] {
  const file = join(projectRoot(), 'schemas', 'one-things', `${ONE_THING}.json`);
  const definition = JSON.parse(readFileSync(file, 'utf8')) as OneThingDefinition;
  return definition.matters.filter((m) => m.when === 'ALWAYS').map((m) => ({ matter: m.code, status: m.after.length === 0 ? 'OPEN' : 'WAITING' }));
}

const OPTIONS: ApplicationOptions = { oneThing: ONE_THING, tasks: declaredTasks(), phone: PHONE, date: new Date().toISOString().slice(0, 10) };

/** What the database holds of the applications one run's clerks opened, beside their cases (CaseAudit). */
interface ApplicationAudit {
  applications: number;
  submitted: number;
  /** Submitted applications whose tasks are exactly the declared ones (matter and status). */
  asDeclared: number;
  /** Drafts holding a task (never: an application and all its tasks, or none). */
  draftsWithTasks: number;
  tasks: number;
  openTasks: number;
  /** pg-boss jobs (overdue and reminder) of the OPEN tasks. */
  deadlineJobs: number;
  /** APPLICATION_CHANGE entries, GRANTED, action OPEN and SUBMIT. */
  openApplicationEntries: number;
  submitEntries: number;
  /** Applications without exactly one OPEN entry naming them, or submitted without exactly one SUBMIT entry. */
  unaudited: number;
}

type Audit = CaseAudit & ApplicationAudit;
type Verified = { audit: Audit };

async function auditRun(ownerUrl: string, prefix: string): Promise<Audit> {
  const declared = OPTIONS.tasks
    .map((t) => `${t.matter}:${t.status}`)
    .sort()
    .join(' ');
  const cases = await auditCases(ownerUrl, prefix, APPLICATION_KINDS);
  const applications = await withClient(ownerUrl, async (client) => {
    const { rows } = await client.query<ApplicationAudit>(
      `WITH apps AS (SELECT id, submitted_at IS NOT NULL AS submitted FROM onegate.application WHERE opened_by LIKE $1 || '%'),
            tasks AS (SELECT t.id, t.application_id, t.status, t.matter_code FROM onegate.application_task t JOIN apps a ON a.id = t.application_id),
            per_app AS (SELECT application_id, string_agg(matter_code || ':' || status, ' ' ORDER BY matter_code || ':' || status) AS plan
                          FROM tasks GROUP BY application_id),
            entries AS (SELECT detail ->> 'applicationId' AS app,
                               count(*) FILTER (WHERE detail ->> 'action' = 'OPEN') AS opened,
                               count(*) FILTER (WHERE detail ->> 'action' = 'SUBMIT') AS submitted
                          FROM onegate.ledger_entry
                         WHERE actor_kind = 'clerk' AND actor_id LIKE $1 || '%' AND kind = 'APPLICATION_CHANGE' AND outcome = 'GRANTED'
                         GROUP BY 1),
            open_tasks AS (SELECT id::text AS id FROM tasks WHERE status = 'OPEN')
       SELECT count(*)::int AS applications,
              count(*) FILTER (WHERE a.submitted)::int AS submitted,
              count(*) FILTER (WHERE a.submitted AND p.plan = $2)::int AS "asDeclared",
              count(*) FILTER (WHERE NOT a.submitted AND p.plan IS NOT NULL)::int AS "draftsWithTasks",
              (SELECT count(*)::int FROM tasks) AS tasks,
              (SELECT count(*)::int FROM open_tasks) AS "openTasks",
              (SELECT count(*)::int FROM pgboss.job j WHERE j.data ->> 'taskId' IN (SELECT id FROM open_tasks)) AS "deadlineJobs",
              coalesce(sum(e.opened), 0)::int AS "openApplicationEntries",
              coalesce(sum(e.submitted), 0)::int AS "submitEntries",
              count(*) FILTER (WHERE coalesce(e.opened, 0) <> 1 OR (a.submitted AND coalesce(e.submitted, 0) <> 1))::int AS unaudited
         FROM apps a LEFT JOIN per_app p ON p.application_id = a.id LEFT JOIN entries e ON e.app = a.id::text`,
      [prefix, declared],
    );
    return rows[0]!;
  });
  return { ...cases, ...applications };
}

/**
 * Every case answered audited (caseAuditProblems); every application and submission answered in
 * the database, each submitted one with exactly its declared tasks, its OPEN task's deadline jobs,
 * its OPEN and SUBMIT entries, and its parties read under the case twice (guide, openApplication);
 * no draft holding a task. An application can be made whose answer was lost (a timeout), so the
 * database may hold more than was answered.
 */
function auditProblems(audit: Audit, counts: Readonly<Record<string, number>>): string[] {
  const count = (name: string) => counts[name] ?? 0;
  const problems = caseAuditProblems(audit, count('opened'));
  if (audit.applications < count('applicationsOpened'))
    problems.push(`${count('applicationsOpened')} applications answered but ${audit.applications} in the database`);
  if (audit.submitted < count('submitted')) problems.push(`${count('submitted')} submissions answered but ${audit.submitted} submitted in the database`);
  if (audit.asDeclared !== audit.submitted) problems.push(`${audit.submitted} submitted but ${audit.asDeclared} with exactly the tasks ${ONE_THING} declares`);
  if (audit.tasks !== OPTIONS.tasks.length * audit.submitted)
    problems.push(`${audit.submitted} submitted but ${audit.tasks} tasks, not ${OPTIONS.tasks.length} each`);
  if (audit.draftsWithTasks > 0) problems.push(`${audit.draftsWithTasks} drafts hold tasks`);
  if (audit.deadlineJobs !== JOBS_PER_OPEN_TASK * audit.openTasks)
    problems.push(`${audit.openTasks} open tasks but ${audit.deadlineJobs} deadline jobs, not ${JOBS_PER_OPEN_TASK} each`);
  if (audit.unaudited > 0) problems.push(`${audit.unaudited} applications without their OPEN and SUBMIT entries`);
  if (audit.readEntries < READS_PER_APPLICATION * count('submitted'))
    problems.push(`${count('submitted')} submitted but ${audit.readEntries} DATA_ACCESS entries, fewer than ${READS_PER_APPLICATION} each`);
  return problems;
}

/**
 * Before measuring: the first families' applications, one at a time, must be complete (the same
 * workflow the virtual clerks run), and their submitted forms in the database must hold the names
 * and the birth hospital the departments hold and the phone typed; the audit must find exactly their
 * cases, applications, tasks, deadline jobs and entries, and nothing else.
 */
async function verify(url: string, ownerUrl: string, clerks: Map<string, Clerk>, checked: readonly Family[], prefix: string): Promise<Verified> {
  const sources = await familyRecords(ownerUrl, checked);
  const counts: Record<string, number> = {};
  for (const [i, family] of checked.entries()) {
    const fail = failFor('application', i);
    const context: UnitContext = {
      async request(_step, body, authorization): Promise<StepAnswer> {
        const answer = await post(url, body, authorization);
        return { status: answer.status, text: answer.text, body: parseAnswer(answer.text) };
      },
      count(counter, n = 1) {
        counts[counter] = (counts[counter] ?? 0) + n;
      },
    };
    const failed = await applicationWorkflow.run({ open: openBody(family), authorization: clerks.get(family.province)!.authorization }, OPTIONS, context);
    if (failed) fail(failed.why, failed.detail);
  }
  const forms = await withClient(ownerUrl, async (client) =>
    (
      await client.query<{ form: Record<string, unknown> }>(`SELECT form FROM onegate.application WHERE opened_by LIKE $1 || '%' AND form IS NOT NULL`, [
        prefix,
      ])
    ).rows.map((r) => r.form),
  );
  for (const [i, family] of checked.entries()) {
    const form = forms.find((f) => f.childIdNumber === family.child);
    const fail: Fail = failFor('application', i);
    if (!form) fail('no submitted form in the database names the child', '');
    const expected: Record<string, unknown> = {
      childName: sources.names.get(family.child),
      motherName: sources.names.get(family.mother),
      motherIdNumber: family.mother,
      fatherName: sources.names.get(family.father),
      hospital: sources.hospitals.get(family.child),
      phone: PHONE,
    };
    for (const [key, value] of Object.entries(expected))
      if (form[key] !== value) fail(`the submitted form's ${key} differs from the records`, JSON.stringify(form));
  }
  const audit = await auditRun(ownerUrl, prefix);
  const n = checked.length;
  const exact =
    audit.cases === n &&
    audit.applications === n &&
    audit.submitted === n &&
    audit.otherEntries === 0 &&
    auditProblems(audit, counts).length === 0 &&
    audit.submitEntries === n &&
    audit.openApplicationEntries === n;
  if (!exact) throw new Error(`the database does not hold exactly the verified applications (${n}): ${JSON.stringify(audit)}; no figures were recorded`);
  return { audit };
}

const summarize: Summarize<Audit, Verified> = (sizes, settings) => {
  const headers = [
    'citizens',
    'clerks',
    'complete applications/s',
    'p50 ms',
    'p99 ms',
    ...applicationWorkflow.steps.map((s) => `${s} p50 / p99 ms`),
    'incomplete',
    'ledger entries per application',
    'postgres per application: commits / rows read',
    'CPU cores: gateway / postgres / load / idle',
  ];
  const rows = sizes.flatMap((size) =>
    size.runs.map((run) => {
      const a = run.audit;
      const entries = a.openEntries + a.relationEntries + a.readEntries + a.openApplicationEntries + a.submitEntries + a.otherEntries;
      const per = (n: number) => String(round(n / Math.max(1, run.units), 1));
      return runRow(size, run, [
        ...stepCells(run),
        incompleteCell(run),
        String(round(entries / Math.max(1, a.applications), 2)),
        `${per(run.database.commits)} / ${per(run.database.rowsRead)}`,
      ]);
    }),
  );
  const { notes, targets } = targetNotes(sizes, TARGET, 'complete applications');
  notes.push(
    'Audit: after every run the cases and applications its clerks opened, their tasks, their deadline jobs and their ledger entries were counted ' +
      '(each run has its own clerk tokens): ' +
      sizes
        .flatMap((size) =>
          size.runs.map((r) => {
            const a = r.audit;
            return (
              `${size.citizens.toLocaleString('en-US')} citizens, ${r.clerks} clerks: ${r.counts.submitted} submissions answered; ${a.cases} cases ` +
              `(${a.openEntries} CASE_CHANGE OPEN, ${a.relationEntries} RELATION_CHECK proven), ${a.applications} applications ` +
              `(${a.openApplicationEntries} APPLICATION_CHANGE OPEN), ${a.submitted} submitted (${a.submitEntries} SUBMIT) with ${a.tasks} tasks ` +
              `(${a.asDeclared} applications exactly as declared, ${a.openTasks} OPEN with ${a.deadlineJobs} deadline jobs), ${a.readEntries} DATA_ACCESS, ` +
              `${a.otherEntries} other; ${r.counts.questionsAsked} questions asked, ${r.counts.answeredByRecords} answered by the records, ${r.counts.typedFields} fields typed`
            );
          }),
        )
        .join('; ') +
      `. Every application answered is in the database; every submitted one has exactly the ${OPTIONS.tasks.length} tasks ${ONE_THING} declares ` +
      `(${OPTIONS.tasks.map((t) => `${t.matter} ${t.status}`).join(', ')}), ${JOBS_PER_OPEN_TASK} deadline jobs per OPEN task, one OPEN and one SUBMIT entry, ` +
      `and ${READS_PER_APPLICATION} reads under its case; no draft holds a task; or the benchmark fails.`,
    ...sizeNotes(sizes, 'applications'),
    `One complete application: ${OPEN_CASE_NOTE} then \`guide\` for ${ONE_THING} on the case (each party's records read under the case: three ` +
      'audited DATA_ACCESS entries; the questions the records answer are not asked), `openApplication` with the answers to the questions left (the first ' +
      "option: the mother's household; the guidance run on the case again, three more reads, the form prefilled; an APPLICATION_CHANGE entry), then " +
      '`submitApplication` with every prefilled value confirmed and the fields nothing filled typed (the contact phone): the form checked against the ' +
      "one thing's template, one task per matter created in the same transaction with the OPEN task's deadline jobs (pg-boss) and the SUBMIT entry. " +
      `${CONSENTS_NOTE} An application counts as complete when every step answers without errors, the guidance read the case and selected the declared ` +
      'matters, the application opened as a DRAFT with them, and the submission answered every declared task in its declared status. ' +
      runsNote(settings, 'an application', 'from openCase sent to submitApplication answered'),
  );
  return { headers, rows, notes, targets };
};

const bench: ClerkBench<Audit, Verified> = {
  name: 'applications',
  unit: 'application',
  verify,
  workload: (families, clerks) => ({
    workflow: 'application',
    units: families.map((f) => ({ open: openBody(f), authorization: clerks.get(f.province)!.authorization })),
    options: OPTIONS,
  }),
  audit: auditRun,
  auditProblems,
  describeAudit: (a) =>
    `${a.cases} cases, ${a.applications} applications, ${a.submitted} submitted, ${a.tasks} tasks, ${a.deadlineJobs} deadline jobs, ` +
    `${a.readEntries} DATA_ACCESS, ${a.openApplicationEntries + a.submitEntries} APPLICATION_CHANGE entries`,
};

main('applications', () =>
  runClerkBench(
    process.argv.slice(2),
    bench,
    USAGE,
    {
      description:
        `A clerk's complete ${ONE_THING} application at the window: \`openCase\` (NEWBORN_REGISTRATION; CHILD, MOTHER, FATHER), \`guide\` on the case, ` +
        '`openApplication` (the form prefilled from the records read under the case) and `submitApplication` (the phone typed; the four department tasks ' +
        'created durably with their deadline jobs), every step audited in the ledger; from concurrent virtual clerks in their own process. Gateway, load ' +
        'generator and PostgreSQL are separate processes on one machine.',
      settings: {
        oneThing: ONE_THING,
        matter: MATTER,
        declaredTasks: OPTIONS.tasks,
        phone: PHONE,
        openMutation: OPEN_MUTATION,
        guideQuery: GUIDE_QUERY,
        openApplicationMutation: OPEN_APPLICATION_MUTATION,
        submitApplicationMutation: SUBMIT_APPLICATION_MUTATION,
      },
    },
    summarize,
  ),
);
