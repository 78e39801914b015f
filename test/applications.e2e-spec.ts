/**
 * Applications of one things and their department tasks, on a real PostgreSQL with the demo
 * departments and pg-boss: Zhang Xiaoyu's NEWBORN from the window to four approved tasks, decisions
 * the applicant follows, refusals recorded in the ledger, forms refused per field, submissions that
 * are all or nothing, and the overdue flag set by a deadline job run by one of two gateways.
 */
import pg from 'pg';
import { ApplicationRepository } from '../src/applications/application.repository.js';
import { createTestApp, type GraphQLResponse, type TestApp } from './harness/test-app.js';

const LI_WEI = '330825198803142023';
const ZHANG_HAO = '330825198611021315';
const ZHANG_XIAOYU = '330825202609180842';
const GUAN_JIANGUO = '31010519660520037X';

const BIRTH = 'NEWBORN_BIRTH_REGISTRATION';
const HOUSEHOLD = 'NEWBORN_HOUSEHOLD_ENTRY';
const CARD = 'NEWBORN_SOCIAL_SECURITY_CARD';
const INSURANCE = 'NEWBORN_MEDICAL_INSURANCE';

const TASK_FIELDS =
  'id department departmentName departmentNameZh matter matterName matterNameZh subject status after promisedDays dueAt overdue note openedAt decidedAt';
const APPLICATION_FIELDS = `id oneThing caseId caseNumber hall hallName hallNameZh status answers matters prefill { key label labelZh value source } form corrections { key recordValue value }
  tasks { ${TASK_FIELDS} } createdAt submittedAt`;
const OPEN = `mutation($input: OpenApplicationInput!) { openApplication(input: $input) { ${APPLICATION_FIELDS} } }`;
const SUBMIT = `mutation($id: ID!, $form: JSON!) { submitApplication(id: $id, form: $form) { ${APPLICATION_FIELDS} } }`;
const DECIDE = `mutation($id: ID!, $decision: TaskDecision!, $note: String) {
  decideTask(id: $id, decision: $decision, note: $note) { ${TASK_FIELDS} application { id status tasks { matter status dueAt } } } }`;
const TASKS = `query($filter: DepartmentTaskFilter, $first: Int, $after: String) {
  departmentTasks(filter: $filter, first: $first, after: $after) { edges { cursor node { ${TASK_FIELDS} application { id caseNumber } } } pageInfo { hasNextPage endCursor } } }`;
const APPLICATION = `query($id: ID!) { application(id: $id) { ${APPLICATION_FIELDS} } }`;
// Every task field, `after` too: the citizen's screen reads its applications with their tasks in one query, within the cost limit.
const MINE = `{ myApplications { id oneThing oneThingName oneThingNameZh caseId caseNumber hall status submittedAt createdAt
  tasks { id department departmentName departmentNameZh matter matterName matterNameZh subject status after promisedDays dueAt overdue note openedAt decidedAt } } }`;

interface Task {
  id: string;
  department: string;
  departmentName: string;
  departmentNameZh: string;
  matter: string;
  subject: string;
  status: string;
  after: string[];
  promisedDays: number;
  dueAt: string | null;
  overdue: boolean;
  note: string | null;
  openedAt: string | null;
  decidedAt: string | null;
}
interface Application {
  id: string;
  caseId: string;
  caseNumber: string;
  status: string;
  answers: Record<string, string>;
  matters: string[];
  prefill: Array<{ key: string; label: string; labelZh: string; value: string | boolean | null; source: string }>;
  form: Record<string, unknown> | null;
  corrections: Array<{ key: string; recordValue: unknown; value: unknown }>;
  tasks: Task[];
  submittedAt: string | null;
}

const DAY_MS = 86_400_000;

describe('applications', () => {
  let t: TestApp;
  let owner: pg.Client;
  let longyou: string;
  let jingan: string;
  const departments: Record<string, string> = {};
  let caseId: string;
  let caseNumber: string;

  const ok = <T>(res: GraphQLResponse<T>): T => {
    expect(res.body.errors).toBeUndefined();
    return res.body.data!;
  };
  const open = async (app = t, answers: Record<string, string> = { householdOf: 'MOTHER' }) =>
    ok(await app.graphql<{ openApplication: Application }>(OPEN, { input: { oneThing: 'NEWBORN', case: caseId, answers } }, longyou)).openApplication;
  /** The form as the applicant confirms it: every prefilled value, and the phone typed. */
  const confirmed = (application: Application, changes: Record<string, unknown> = {}) => ({
    ...Object.fromEntries(application.prefill.map((f) => [f.key, f.value])),
    phone: '13905701234',
    ...changes,
  });
  const submit = (id: string, form: Record<string, unknown>, app = t) => app.graphql<{ submitApplication: Application }>(SUBMIT, { id, form }, longyou);
  const decide = (department: string, id: string, decision: string, note?: string) =>
    t.graphql<{ decideTask: Task & { application: { id: string; status: string; tasks: Array<{ matter: string; status: string; dueAt: string | null }> } } }>(
      DECIDE,
      { id, decision, note },
      departments[department],
    );
  const taskOf = (application: Application, matter: string) => application.tasks.find((task) => task.matter === matter)!;
  const entries = async (where: string, params: unknown[]) =>
    (
      await owner.query<{ kind: string; outcome: string; actor_department: string | null; case_number: string | null; detail: Record<string, unknown> }>(
        `SELECT kind, outcome, actor_department, case_number, detail FROM onegate.ledger_entry WHERE ${where} ORDER BY leaf_index`,
        params,
      )
    ).rows;

  beforeAll(async () => {
    t = await createTestApp({ LEDGER_CHECKPOINT_INTERVAL_SECONDS: '0', TASK_JOBS_POLL_SECONDS: '1' });
    owner = new pg.Client({ connectionString: t.databaseUrl });
    await owner.connect();
    longyou = await t.token({ role: 'clerk', sub: 'C-LY-031', hall: 'LONGYOU-01', region: '330825' });
    jingan = await t.token({ role: 'clerk', sub: 'C-JA-002', hall: 'JINGAN-01', region: '310106' });
    for (const code of ['HEALTH', 'PUBLIC_SECURITY', 'HUMAN_RESOURCES', 'HEALTHCARE_SECURITY']) {
      departments[code] = await t.token({ role: 'department', sub: `svc-${code.toLowerCase()}`, department: code });
    }

    // Zhang Xiaoyu's case at the Longyou window, with both parents' consents and the mother's on her behalf.
    const opened = ok(
      await t.graphql<{ openCase: { id: string; caseNumber: string } }>(
        `mutation($input: OpenCaseInput!) { openCase(input: $input) { id caseNumber } }`,
        {
          input: {
            matter: 'NEWBORN_REGISTRATION',
            parties: [
              { role: 'CHILD', idNumber: ZHANG_XIAOYU },
              { role: 'MOTHER', idNumber: LI_WEI },
              { role: 'FATHER', idNumber: ZHANG_HAO },
            ],
          },
        },
        longyou,
      ),
    ).openCase;
    caseId = opened.id;
    caseNumber = opened.caseNumber;
    const grant = async (who: string, input: Record<string, unknown>) =>
      ok(
        await t.graphql<{ grantConsent: { id: string; token: string } }>(
          `mutation($input: GrantConsentInput!) { grantConsent(input: $input) { id token } }`,
          { input },
          await t.token({ role: 'citizen', sub: who }),
        ),
      ).grantConsent;
    await grant(LI_WEI, { matter: 'NEWBORN_REGISTRATION', hall: 'LONGYOU-01' });
    await grant(ZHANG_HAO, { matter: 'NEWBORN_REGISTRATION', hall: 'LONGYOU-01' });
    const forChild = await grant(LI_WEI, { matter: 'NEWBORN_REGISTRATION', onBehalfOf: ZHANG_XIAOYU });
    ok(await t.graphql(`mutation($id: ID!, $c: String!) { attachConsent(caseId: $id, consent: $c) { id } }`, { id: caseId, c: forChild.token }, longyou));
  });
  afterAll(async () => {
    await owner?.end();
    await t?.close();
  });

  describe("Zhang Xiaoyu's NEWBORN", () => {
    let draft: Application;
    let submitted: Application;

    it('opens as a draft on the case: the four matters, and the form prefilled from the records read under the case', async () => {
      draft = await open();
      expect(draft).toMatchObject({
        status: 'DRAFT',
        caseId,
        caseNumber,
        hall: 'LONGYOU-01',
        hallName: 'Longyou County One-Window Hall',
        hallNameZh: '龙游县政务服务中心',
        answers: { householdOf: 'MOTHER' },
        tasks: [],
        submittedAt: null,
      });
      expect(draft.matters).toEqual([BIRTH, HOUSEHOLD, CARD, INSURANCE]);
      const prefill = new Map(draft.prefill.map((f) => [f.key, f]));
      // Each field with its labels from the one thing's form template, for a department's inbox.
      expect(prefill.get('childName')).toEqual({ key: 'childName', label: "Child's name", labelZh: '新生儿姓名', value: 'Zhang Xiaoyu', source: 'RECORD' });
      expect(prefill.get('motherIdNumber')).toEqual({
        key: 'motherIdNumber',
        label: "Mother's ID number",
        labelZh: '母亲公民身份号码',
        value: LI_WEI,
        source: 'RECORD',
      });
      expect(prefill.get('householdOf')).toMatchObject({ value: 'MOTHER' });
      expect(prefill.get('phone')).toEqual({ key: 'phone', label: 'Contact phone', labelZh: '联系电话', value: null, source: 'TYPED' });
      const filled = draft.prefill.filter((f) => f.value !== null).length;
      expect(filled / draft.prefill.length).toBeGreaterThanOrEqual(0.8);
      // The records were read under the case (one audited read per party), then the opening recorded.
      const mine = await entries(`detail->>'caseId' = $1 AND kind IN ('DATA_ACCESS', 'APPLICATION_CHANGE')`, [caseId]);
      expect(mine.filter((e) => e.kind === 'DATA_ACCESS' && e.outcome !== 'DENIED').length).toBeGreaterThanOrEqual(3);
      expect(mine.at(-1)).toMatchObject({
        kind: 'APPLICATION_CHANGE',
        outcome: 'GRANTED',
        case_number: caseNumber,
        detail: { action: 'OPEN', applicationId: draft.id },
      });
    });

    it('is submitted once: the birth registration opens, due in its promised days, and the other matters wait for it', async () => {
      const before = Date.now();
      submitted = ok(await submit(draft.id, confirmed(draft, { hospital: 'Longyou Maternity Hospital' }))).submitApplication;
      expect(submitted.status).toBe('SUBMITTED');
      expect(submitted.form).toMatchObject({ childName: 'Zhang Xiaoyu', phone: '13905701234' });
      // The correction is kept beside the record's value.
      expect(submitted.corrections).toEqual([{ key: 'hospital', recordValue: "Longyou County People's Hospital", value: 'Longyou Maternity Hospital' }]);
      expect(submitted.tasks.map((task) => [task.matter, task.department, task.status, task.after])).toEqual([
        [BIRTH, 'HEALTH', 'OPEN', []],
        [HOUSEHOLD, 'PUBLIC_SECURITY', 'WAITING', [BIRTH]],
        [CARD, 'HUMAN_RESOURCES', 'WAITING', [HOUSEHOLD]],
        [INSURANCE, 'HEALTHCARE_SECURITY', 'WAITING', [HOUSEHOLD]],
      ]);
      const birth = taskOf(submitted, BIRTH);
      expect(new Date(birth.dueAt!).getTime() - new Date(birth.openedAt!).getTime()).toBe(3 * DAY_MS);
      expect(new Date(birth.openedAt!).getTime()).toBeGreaterThanOrEqual(before - 1000);
      expect(taskOf(submitted, HOUSEHOLD)).toMatchObject({ dueAt: null, openedAt: null, subject: ZHANG_XIAOYU });
      expect((await entries(`detail->>'applicationId' = $1 AND kind = 'APPLICATION_CHANGE'`, [draft.id])).map((e) => [e.detail.action, e.outcome])).toEqual([
        ['OPEN', 'GRANTED'],
        ['SUBMIT', 'GRANTED'],
      ]);
      // The open task's deadline and reminder were scheduled with it; none yet for the waiting ones.
      const jobs = await owner.query<{ name: string }>(`SELECT name FROM pgboss.job WHERE data->>'taskId' = $1 ORDER BY name`, [birth.id]);
      expect(jobs.rows.map((j) => j.name)).toEqual(['department-task-overdue', 'department-task-reminder']);
    });

    it('is in the Health Commission’s inbox, and the hall sees all four tasks; another hall sees none', async () => {
      const inbox = ok(
        await t.graphql<{ departmentTasks: { edges: Array<{ node: Task & { application: { id: string } } }> } }>(TASKS, {}, departments.HEALTH),
      ).departmentTasks.edges.map((e) => e.node);
      expect(inbox.find((task) => task.application.id === submitted.id)).toMatchObject({
        matter: BIRTH,
        status: 'OPEN',
        subject: ZHANG_XIAOYU,
        departmentNameZh: '卫生健康委员会',
      });
      expect(inbox.every((task) => task.department === 'HEALTH')).toBe(true);
      const waiting = ok(
        await t.graphql<{ departmentTasks: { edges: Array<{ node: Task }> } }>(TASKS, { filter: { status: ['WAITING'] } }, departments.HEALTHCARE_SECURITY),
      ).departmentTasks.edges.map((e) => e.node);
      expect(waiting.map((task) => [task.matter, task.departmentName])).toContainEqual([INSURANCE, 'Healthcare Security Administration']);
      const hall = ok(
        await t.graphql<{ departmentTasks: { edges: Array<{ node: Task }> } }>(TASKS, { filter: { application: submitted.id }, first: 2 }, longyou),
      ).departmentTasks;
      // The open task first (it is due); the waiting ones after it.
      expect(hall.edges.map((e) => e.node.matter)[0]).toBe(BIRTH);
      const rest = ok(
        await t.graphql<{ departmentTasks: { edges: Array<{ node: Task }>; pageInfo: { hasNextPage: boolean } } }>(
          TASKS,
          { filter: { application: submitted.id }, first: 5, after: (hall as unknown as { pageInfo: { endCursor: string } }).pageInfo.endCursor },
          longyou,
        ),
      ).departmentTasks;
      expect([...hall.edges, ...rest.edges].map((e) => e.node.matter).sort()).toEqual([BIRTH, HOUSEHOLD, INSURANCE, CARD].sort());
      expect(rest.pageInfo.hasNextPage).toBe(false);
      const elsewhere = ok(await t.graphql<{ departmentTasks: { edges: unknown[] } }>(TASKS, { filter: { application: submitted.id } }, jingan));
      expect(elsewhere.departmentTasks.edges).toEqual([]);
    });

    it('opens the household entry only once the birth registration is approved, then the card and the insurance together, and completes', async () => {
      const birth = ok(await decide('HEALTH', taskOf(submitted, BIRTH).id, 'APPROVED')).decideTask;
      expect(birth).toMatchObject({ status: 'APPROVED', note: null, application: { status: 'IN_PROGRESS' } });
      const household = birth.application.tasks.find((task) => task.matter === HOUSEHOLD)!;
      expect(household.status).toBe('OPEN');
      expect(new Date(household.dueAt!).getTime() - new Date(birth.decidedAt!).getTime()).toBe(5 * DAY_MS);
      expect(birth.application.tasks.filter((task) => task.status === 'WAITING').map((task) => task.matter)).toEqual([CARD, INSURANCE]);

      const entry = ok(await decide('PUBLIC_SECURITY', taskOf(submitted, HOUSEHOLD).id, 'APPROVED')).decideTask;
      expect(entry.application.tasks.map((task) => [task.matter, task.status])).toEqual([
        [BIRTH, 'APPROVED'],
        [HOUSEHOLD, 'APPROVED'],
        [CARD, 'OPEN'],
        [INSURANCE, 'OPEN'],
      ]);
      ok(await decide('HUMAN_RESOURCES', taskOf(submitted, CARD).id, 'APPROVED'));
      // Healthcare security decides its task, though it holds no records.
      const last = ok(await decide('HEALTHCARE_SECURITY', taskOf(submitted, INSURANCE).id, 'APPROVED')).decideTask;
      expect(last.application.status).toBe('COMPLETED');

      const decisions = await entries(`detail->>'applicationId' = $1 AND kind = 'TASK_DECISION'`, [submitted.id]);
      expect(decisions.map((e) => [e.actor_department, e.outcome, e.detail.taskMatter, e.detail.opened, e.detail.applicationStatus])).toEqual([
        ['HEALTH', 'GRANTED', BIRTH, [HOUSEHOLD], 'IN_PROGRESS'],
        ['PUBLIC_SECURITY', 'GRANTED', HOUSEHOLD, [CARD, INSURANCE], 'IN_PROGRESS'],
        ['HUMAN_RESOURCES', 'GRANTED', CARD, [], 'IN_PROGRESS'],
        ['HEALTHCARE_SECURITY', 'GRANTED', INSURANCE, [], 'COMPLETED'],
      ]);
      expect(decisions.every((e) => e.case_number === caseNumber && e.detail.caseId === caseId)).toBe(true);
    });

    it('shows the application to the hall, its departments and the parties of the case, and to no one else', async () => {
      const see = async (token: string) =>
        (await t.graphql<{ application: Application | null }>(APPLICATION, { id: submitted.id }, token)).body.data?.application ?? null;
      expect((await see(longyou))?.status).toBe('COMPLETED');
      expect((await see(departments.HEALTHCARE_SECURITY))?.id).toBe(submitted.id);
      expect((await see(await t.token({ role: 'citizen', sub: LI_WEI })))?.id).toBe(submitted.id);
      expect(await see(jingan)).toBeNull();
      expect(await see(await t.token({ role: 'citizen', sub: GUAN_JIANGUO }))).toBeNull();
      const refused = await entries(`kind = 'APPLICATION_CHANGE' AND outcome = 'DENIED' AND detail->>'action' = 'READ'`, []);
      expect(refused.length).toBe(2);
    });
  });

  describe('what the applicant follows', () => {
    it("shows a task sent back for a material and a rejected one, each with the department's note, in the citizen's applications", async () => {
      const first = await open();
      const second = await open();
      const waitingForMaterial = taskOf(ok(await submit(first.id, confirmed(first))).submitApplication, BIRTH);
      const toReject = taskOf(ok(await submit(second.id, confirmed(second))).submitApplication, BIRTH);

      const noNote = await decide('HEALTH', toReject.id, 'REJECTED');
      expect(noNote.body.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', reason: 'NOTE_REQUIRED' });
      const material = ok(await decide('HEALTH', waitingForMaterial.id, 'NEEDS_MATERIAL', 'Please bring the original medical birth certificate')).decideTask;
      expect(material).toMatchObject({ status: 'NEEDS_MATERIAL', application: { status: 'NEEDS_MATERIAL' } });
      const rejected = ok(await decide('HEALTH', toReject.id, 'REJECTED', 'The birth is registered in another county')).decideTask;
      expect(rejected).toMatchObject({ status: 'REJECTED', application: { status: 'REJECTED' } });

      for (const who of [LI_WEI, ZHANG_XIAOYU]) {
        const mine = ok(
          await t.graphql<{ myApplications: Array<{ id: string; status: string; oneThingNameZh: string; tasks: Array<Record<string, unknown>> }> }>(
            MINE,
            undefined,
            await t.token({ role: 'citizen', sub: who }),
          ),
        ).myApplications;
        const byId = new Map(mine.map((a) => [a.id, a]));
        expect(byId.get(first.id)).toMatchObject({ status: 'NEEDS_MATERIAL', oneThingNameZh: expect.any(String) });
        expect(byId.get(first.id)!.tasks[0]).toMatchObject({
          matter: BIRTH,
          department: 'HEALTH',
          departmentName: 'Health Commission',
          departmentNameZh: '卫生健康委员会',
          status: 'NEEDS_MATERIAL',
          promisedDays: 3,
          note: 'Please bring the original medical birth certificate',
          dueAt: expect.any(String),
        });
        expect(byId.get(second.id)!.tasks[0]).toMatchObject({ status: 'REJECTED', note: 'The birth is registered in another county' });
        expect(byId.get(second.id)!.tasks[1]).toMatchObject({ matter: HOUSEHOLD, status: 'WAITING', dueAt: null, promisedDays: 5 });
      }
      const stranger = ok(await t.graphql<{ myApplications: unknown[] }>(MINE, undefined, await t.token({ role: 'citizen', sub: GUAN_JIANGUO })));
      expect(stranger.myApplications).toEqual([]);

      // A task sent back for a material is decided again once the material is in.
      const approved = ok(await decide('HEALTH', waitingForMaterial.id, 'APPROVED')).decideTask;
      expect(approved).toMatchObject({ status: 'APPROVED', note: null, application: { status: 'IN_PROGRESS' } });
    });
  });

  describe('refusals', () => {
    it("refuses another department's task, a task not open and an unknown task, each with its reason and a DENIED entry", async () => {
      const draft = await open();
      const submitted = ok(await submit(draft.id, confirmed(draft))).submitApplication;
      const birth = taskOf(submitted, BIRTH);

      const other = await decide('PUBLIC_SECURITY', birth.id, 'APPROVED');
      expect(other.body.errors?.[0]?.extensions).toMatchObject({ code: 'FORBIDDEN', reason: 'NOT_THE_TASK_DEPARTMENT' });
      const waiting = await decide('PUBLIC_SECURITY', taskOf(submitted, HOUSEHOLD).id, 'APPROVED');
      expect(waiting.body.errors?.[0]?.extensions).toMatchObject({ code: 'CONFLICT', reason: 'TASK_NOT_OPEN' });
      ok(await decide('HEALTH', birth.id, 'APPROVED'));
      const again = await decide('HEALTH', birth.id, 'REJECTED', 'changed our mind');
      expect(again.body.errors?.[0]?.extensions).toMatchObject({ code: 'CONFLICT', reason: 'TASK_NOT_OPEN' });
      const unknown = await decide('HEALTH', '0b9f6f0e-2d4b-4c55-9a8e-3f1f0c2b7a11', 'APPROVED');
      expect(unknown.body.errors?.[0]?.extensions).toMatchObject({ code: 'NOT_FOUND', reason: 'TASK_NOT_FOUND' });

      const denied = await entries(`kind = 'TASK_DECISION' AND outcome = 'DENIED' AND (detail->>'applicationId' = $1 OR detail->>'taskId' IS NULL)`, [
        submitted.id,
      ]);
      expect(denied.map((e) => [e.actor_department, e.detail.reason, e.detail.taskMatter ?? null])).toEqual([
        ['PUBLIC_SECURITY', 'NOT_THE_TASK_DEPARTMENT', BIRTH],
        ['PUBLIC_SECURITY', 'TASK_NOT_OPEN', HOUSEHOLD],
        ['HEALTH', 'TASK_NOT_OPEN', BIRTH],
        ['HEALTH', 'TASK_NOT_FOUND', null],
      ]);
      // The task itself is as the one decision left it.
      const [row] = (await owner.query(`SELECT status, decided_by FROM onegate.application_task WHERE id = $1`, [birth.id])).rows;
      expect(row).toEqual({ status: 'APPROVED', decided_by: 'svc-health' });
    });

    it('refuses to open on another hall’s case, for an unknown one thing or with an answer that is not an option, each recorded', async () => {
      const attempt = (input: Record<string, unknown>, token = longyou) => t.graphql(OPEN, { input: { oneThing: 'NEWBORN', case: caseId, ...input } }, token);
      expect((await attempt({}, jingan)).body.errors?.[0]?.extensions).toMatchObject({ code: 'NOT_FOUND', reason: 'CASE_NOT_FOUND' });
      expect((await attempt({ oneThing: 'NEW_HOUSE' })).body.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', reason: 'ONE_THING_UNKNOWN' });
      expect((await attempt({ oneThing: 'HOUSE_SALE' })).body.errors?.[0]?.extensions).toMatchObject({
        code: 'BAD_USER_INPUT',
        reason: 'ONE_THING_NOT_FOR_CASE',
      });
      const option = await attempt({ answers: { householdOf: 'GRANDMOTHER' } });
      expect(option.body.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', reason: 'OPTION_UNKNOWN' });
      const refused = await entries(`kind = 'APPLICATION_CHANGE' AND outcome = 'DENIED' AND detail->>'action' = 'OPEN'`, []);
      expect(refused.map((e) => [e.detail.reason, e.case_number])).toEqual([
        ['CASE_NOT_FOUND', null],
        ['ONE_THING_UNKNOWN', caseNumber],
        ['ONE_THING_NOT_FOR_CASE', caseNumber],
        ['OPTION_UNKNOWN', caseNumber],
      ]);
      expect(
        (
          await owner.query(
            `SELECT count(*)::int AS n FROM onegate.application WHERE case_id = $1 AND status = 'DRAFT' AND answers->>'householdOf' = 'GRANDMOTHER'`,
            [caseId],
          )
        ).rows[0].n,
      ).toBe(0);
    });

    it('refuses a form with a bad field, naming each field in English and Chinese, and creates nothing', async () => {
      const draft = await open();
      const { phone: _phone, ...withoutPhone } = confirmed(draft);
      const res = await submit(draft.id, { ...withoutPhone, motherIdNumber: '330825198803142024', householdOf: 'GRANDMOTHER' });
      const error = res.body.errors?.[0];
      expect(error?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', reason: 'FORM_INVALID' });
      const fields = error!.extensions!.fields as Array<{ key: string; message: string; messageZh: string }>;
      expect(fields.map((f) => f.key).sort()).toEqual(['householdOf', 'motherIdNumber', 'phone']);
      expect(fields.find((f) => f.key === 'phone')).toEqual({ key: 'phone', message: 'Contact phone is required', messageZh: '联系电话为必填项' });
      expect(JSON.stringify(error)).not.toContain('330825198803142024');

      const [row] = (await owner.query(`SELECT status, form, submitted_at FROM onegate.application WHERE id = $1`, [draft.id])).rows;
      expect(row).toEqual({ status: 'DRAFT', form: null, submitted_at: null });
      expect((await owner.query(`SELECT 1 FROM onegate.application_task WHERE application_id = $1`, [draft.id])).rowCount).toBe(0);
      expect(
        (await entries(`detail->>'applicationId' = $1 AND kind = 'APPLICATION_CHANGE'`, [draft.id])).map((e) => [
          e.detail.action,
          e.outcome,
          e.detail.reason ?? null,
        ]),
      ).toEqual([
        ['OPEN', 'GRANTED', null],
        ['SUBMIT', 'DENIED', 'FORM_INVALID'],
      ]);
    });

    it('creates nothing when a task cannot be written: no application change, no task, no deadline, no entry', async () => {
      const draft = await open();
      const jobsBefore = Number((await owner.query(`SELECT count(*) FROM pgboss.job`)).rows[0].count);
      // A real failure inside the submission's transaction: the database refuses the insurance task.
      await owner.query(`ALTER TABLE onegate.application_task ADD CONSTRAINT test_refuses_insurance CHECK (matter_code <> '${INSURANCE}') NOT VALID`);
      try {
        const res = await submit(draft.id, confirmed(draft));
        expect(res.body.errors?.[0]?.extensions?.code).toBe('INTERNAL_SERVER_ERROR');
      } finally {
        await owner.query(`ALTER TABLE onegate.application_task DROP CONSTRAINT test_refuses_insurance`);
      }
      const [row] = (await owner.query(`SELECT status, form, corrections FROM onegate.application WHERE id = $1`, [draft.id])).rows;
      expect(row).toEqual({ status: 'DRAFT', form: null, corrections: null });
      expect((await owner.query(`SELECT 1 FROM onegate.application_task WHERE application_id = $1`, [draft.id])).rowCount).toBe(0);
      expect(Number((await owner.query(`SELECT count(*) FROM pgboss.job`)).rows[0].count)).toBe(jobsBefore);
      expect((await entries(`detail->>'applicationId' = $1 AND detail->>'action' = 'SUBMIT'`, [draft.id])).length).toBe(0);

      // Nothing half-done stands in the way: the same draft submits whole.
      const submitted = ok(await submit(draft.id, confirmed(draft))).submitApplication;
      expect(submitted.tasks).toHaveLength(4);
    });

    it('lets an agency decide its tasks but read no records: the lookup is refused and recorded', async () => {
      const res = await t.graphql(
        `{ citizen(idNumber: "${LI_WEI}", purpose: { matter: "HOUSE_TRANSFER", caseNumber: "LY-2026-1101" }) { person { name } } }`,
        undefined,
        departments.HEALTHCARE_SECURITY,
      );
      expect(res.body.errors?.[0]?.extensions).toMatchObject({ code: 'FORBIDDEN', reason: 'AGENCY_HOLDS_NO_RECORDS' });
      const [entry] = await entries(`kind = 'DATA_ACCESS' AND actor_department = 'HEALTHCARE_SECURITY'`, []);
      expect(entry).toMatchObject({ outcome: 'DENIED' });
    });
  });

  describe('deadlines', () => {
    it('flags a task overdue at its due date, run by one of two gateways sharing the database, and reminds the department first', async () => {
      // A second gateway on the same database, whose promised days are seconds long.
      const fast = await createTestApp({ LEDGER_CHECKPOINT_INTERVAL_SECONDS: '0', TASK_JOBS_POLL_SECONDS: '1', TASK_DAY_SECONDS: '1' }, t);
      try {
        const draft = await open(fast);
        const submitted = ok(await submit(draft.id, confirmed(draft), fast)).submitApplication;
        const birth = taskOf(submitted, BIRTH);
        expect(new Date(birth.dueAt!).getTime() - new Date(birth.openedAt!).getTime()).toBe(3000);
        expect(birth.overdue).toBe(false);

        let flagged: Task | undefined;
        for (let i = 0; i < 40 && !flagged; i++) {
          await new Promise((resolve) => setTimeout(resolve, 500));
          const res = await t.graphql<{ departmentTasks: { edges: Array<{ node: Task }> } }>(
            TASKS,
            { filter: { application: submitted.id, overdue: true } },
            departments.HEALTH,
          );
          flagged = ok(res).departmentTasks.edges[0]?.node;
        }
        expect(flagged).toMatchObject({ id: birth.id, status: 'OPEN', overdue: true });
        expect(Date.now()).toBeGreaterThanOrEqual(new Date(birth.dueAt!).getTime());
        // The job's work is idempotent: run again (a retry, a second delivery), it finds nothing to flag.
        expect(await t.app.get(ApplicationRepository, { strict: false }).markOverdue(birth.id, new Date())).toBeNull();
        // The waiting tasks are not due yet, and are not flagged.
        const [row] = (await owner.query(`SELECT count(*)::int AS n FROM onegate.application_task WHERE application_id = $1 AND overdue`, [submitted.id])).rows;
        expect(row.n).toBe(1);

        // The reminder ran before it (the due date was less than a day away) on one of the gateways: a metric, never the applicant.
        const reminders = async (app: TestApp) => {
          const text = (await app.http().get('/metrics')).text;
          const line = text.split('\n').find((l) => l.startsWith('onegate_department_task_deadlines_total{department="HEALTH",event="reminder"}'));
          return line ? Number(line.split(' ').at(-1)) : 0;
        };
        expect((await reminders(t)) + (await reminders(fast))).toBeGreaterThanOrEqual(1);

        // An overdue task is still decided as any other.
        const decided = ok(await decide('HEALTH', birth.id, 'APPROVED')).decideTask;
        expect(decided).toMatchObject({ status: 'APPROVED', overdue: true });
      } finally {
        await fast.close();
      }
    });
  });
});
