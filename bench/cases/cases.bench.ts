// `npm run bench:cases [-- --citizens 10000,1000000 --seconds 20 --warmup 5 --clerks 8,16,32 --sample 2000]`:
// a clerk's complete newborn-registration case. The clerk opens a NEWBORN_REGISTRATION case with
// three parties (CHILD, MOTHER, FATHER; both parents' relation to the child judged from the records,
// RELATION_CHECK entries), the parents' consents for the hall (each parent's own and the mother's on
// the child's behalf) are found by the case, and one request reads every party's records under the
// case (one audited DATA_ACCESS entry per party). Complete cases per second and the latency of a
// complete case (p50/p99), from virtual clerks in their own process (bench/cases/clerks.ts) against
// the gateway and PostgreSQL as separate processes on loopback, at each number of seeded citizens,
// in the databases bench:exchange keeps (`onegate_bench_<size>`). After every run the cases and
// the ledger entries that run made are counted: every case answered must be there, audited.
// Writes bench/results/cases.json and the cases table in bench/README.md.
import { checkRead } from './case-answer.js';
import { CASE_ID_PLACEHOLDER, MATTER, OPEN_MUTATION, PARTY_READS, READ_QUERY, openBody, readBody, type Clerk, type Family } from './cases-setup.js';
import {
  CONSENTS_NOTE,
  auditCases,
  caseAuditProblems,
  type CaseAudit,
  OPEN_CASE_NOTE,
  failFor,
  familyRecords,
  incompleteCell,
  main,
  openVerifiedCase,
  post,
  round,
  runClerkBench,
  runRow,
  runsNote,
  sizeNotes,
  stepCells,
  targetNotes,
  usageOf,
  type ClerkBench,
  type Summarize,
} from './clerk-bench.js';

const USAGE = usageOf('bench:cases', 'opening a case and reading it');

/** Target (issue 23): complete cases per second at a p99 of at most this many ms. */
const TARGET = { perSecond: 400, p99Ms: 100 };

type Audit = CaseAudit;
type Verified = { audit: Audit };

/** Every case answered audited (caseAuditProblems), and three reads for every complete read. */
function auditProblems(audit: Audit, counts: Readonly<Record<string, number>>): string[] {
  const readComplete = counts.readComplete ?? 0;
  const problems = caseAuditProblems(audit, counts.opened ?? 0);
  if (audit.readEntries < 3 * readComplete) problems.push(`${readComplete} complete reads but ${audit.readEntries} DATA_ACCESS entries, fewer than 3 each`);
  return problems;
}

/**
 * Before measuring: the first families' cases, one at a time, must open with both relations
 * proven, read complete, and answer the names and the birth hospital the departments hold; and the
 * ledger must hold exactly their entries (one OPEN, two relations proven, three reads each).
 */
async function verify(url: string, ownerUrl: string, clerks: Map<string, Clerk>, checked: readonly Family[], prefix: string): Promise<{ audit: Audit }> {
  const sources = await familyRecords(ownerUrl, checked);
  for (const [i, family] of checked.entries()) {
    const authorization = clerks.get(family.province)!.authorization;
    const fail = failFor('case', i);
    const caseId = await openVerifiedCase(url, family, authorization, fail);
    const read = await post(url, readBody(family).replace(CASE_ID_PLACEHOLDER, caseId), authorization);
    if (read.status !== 200 || read.body.errors) fail('the read has errors', read.text);
    const incomplete = checkRead(read.body, PARTY_READS);
    if (incomplete) fail(incomplete, read.text);
    const data = read.body.data as Record<string, { person: { name: string }; birth?: { hospital: string } }>;
    for (const [alias, id] of [
      ['child', family.child],
      ['mother', family.mother],
      ['father', family.father],
    ] as const) {
      if (data[alias]!.person.name !== sources.names.get(id)) fail(`${alias}'s name differs from the resident record`, read.text);
    }
    if (data.child!.birth!.hospital !== sources.hospitals.get(family.child)) fail("the child's birth hospital differs from the birth certificate", read.text);
  }
  const audit = await auditCases(ownerUrl, prefix);
  const n = checked.length;
  if (audit.cases !== n || audit.openEntries !== n || audit.relationEntries !== 2 * n || audit.readEntries !== 3 * n || audit.otherEntries !== 0) {
    throw new Error(`the ledger does not hold exactly the verified cases' entries (${n} cases): ${JSON.stringify(audit)}; no figures were recorded`);
  }
  return { audit };
}

const summarize: Summarize<Audit, Verified> = (sizes, settings) => {
  const headers = [
    'citizens',
    'clerks',
    'complete cases/s',
    'p50 ms',
    'p99 ms',
    'openCase p50 / p99 ms',
    'read p50 / p99 ms',
    'incomplete',
    'ledger entries per case',
    'CPU cores: gateway / postgres / load / idle',
  ];
  const rows = sizes.flatMap((size) =>
    size.runs.map((run) => {
      const entries = run.audit.openEntries + run.audit.relationEntries + run.audit.readEntries + run.audit.otherEntries;
      return runRow(size, run, [...stepCells(run), incompleteCell(run), String(round(entries / Math.max(1, run.audit.cases), 2))]);
    }),
  );
  const { notes, targets } = targetNotes(sizes, TARGET, 'complete cases');
  notes.push(
    'Audit: after every run the cases its clerks opened and their ledger entries were counted (each run has its own clerk tokens): ' +
      sizes
        .flatMap((size) =>
          size.runs.map(
            (r) =>
              `${size.citizens.toLocaleString('en-US')} citizens, ${r.clerks} clerks: ${r.counts.opened} cases answered, ${r.audit.cases} made ` +
              `(${r.audit.parties} parties), ${r.audit.openEntries} CASE_CHANGE OPEN, ${r.audit.relationEntries} RELATION_CHECK proven, ` +
              `${r.audit.readEntries} DATA_ACCESS for ${r.counts.readComplete} complete reads, ${r.audit.otherEntries} other`,
          ),
        )
        .join('; ') +
      '. Every case answered is in the database with its three parties, one OPEN entry and both relations proven, and every complete read has its three reads in the ledger, or the benchmark fails.',
    ...sizeNotes(sizes, 'cases'),
    `One complete case: ${OPEN_CASE_NOTE} then one request with the case's parties and their consents and each party's records through ` +
      "`citizen(purpose: { case })` (the child's identity, household and birth record; each parent's identity, household and marriage record: three audited " +
      `DATA_ACCESS entries). ${CONSENTS_NOTE} A case counts as complete ` +
      'when openCase answers without errors with both relations proven and the read answers without errors with the case open, every consent GIVEN and every ' +
      "party's identity (and the child's birth record) present. " +
      runsNote(settings, 'a case', 'from openCase sent to the read answered'),
  );
  return { headers, rows, notes, targets };
};

const bench: ClerkBench<Audit, Verified> = {
  name: 'cases',
  unit: 'case',
  verify,
  workload: (families, clerks) => ({
    workflow: 'case',
    units: families.map((f) => ({ open: openBody(f), read: readBody(f), authorization: clerks.get(f.province)!.authorization })),
    options: { placeholder: CASE_ID_PLACEHOLDER, required: PARTY_READS },
  }),
  audit: (ownerUrl, prefix) => auditCases(ownerUrl, prefix),
  auditProblems,
  describeAudit: (a) => `${a.cases} cases, ${a.openEntries} OPEN, ${a.relationEntries} RELATION_CHECK, ${a.readEntries} DATA_ACCESS entries`,
};

main('cases', () =>
  runClerkBench(
    process.argv.slice(2),
    bench,
    USAGE,
    {
      description:
        "A clerk's complete newborn-registration case: `openCase` (NEWBORN_REGISTRATION; CHILD, MOTHER, FATHER, the parents' relations judged from the records), " +
        "then one request reading every party's records under the case with the consents the parents gave for the hall, every step audited in the ledger; " +
        'from concurrent virtual clerks in their own process. Gateway, load generator and PostgreSQL are separate processes on one machine.',
      settings: { matter: MATTER, openMutation: OPEN_MUTATION, readQuery: READ_QUERY },
    },
    summarize,
  ),
);
