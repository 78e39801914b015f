/**
 * The clerk's case window in a real browser (Debian's Chromium driven by playwright-core) against a
 * real gateway: a Longyou clerk handles Zhang Xiaoyu's birth registration as a case — opened by
 * keyboard with the newborn and her mother, their consents shown at the window, the father added
 * from the birth record's suggestion, every party's records, the data verification sheet and the
 * one-time notice (screen, print view and PDF) — then "next customer" clears the screen; a stranger
 * as mother is refused with the relation message; reading shows as such, a department down and the
 * gateway down are said with a retry; an enterprise by its credit code; and the deceased's records
 * under a banner. Screenshots and PDFs go to test/artifacts/ (not committed).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { chromium, type Browser, type Page } from 'playwright-core';
import { projectRoot } from '../src/common/project-root.js';
import { createTestApp, type TestApp } from './harness/test-app.js';
import { BROWSER_ARGS, CHROMIUM, describeInBrowser } from './support/browser.js';

const LI_WEI = '330825198803142023';
const ZHANG_HAO = '330825198611021315';
const ZHANG_XIAOYU = '330825202609180842';
const WANG_FANG = '320113199007071462';
const CHEN_MING = '440105194002290556';
const CHEN_LAN = '440105196808080661';
const JIAHE = '91330782MA2E00017B';
const ARTIFACTS = join(projectRoot(), 'test', 'artifacts');
const GRANT = 'mutation($input: GrantConsentInput!) { grantConsent(input: $input) { id token } }';

describeInBrowser('the case window in a browser', () => {
  let t: TestApp;
  let browser: Browser;
  let base: string;
  let owner: pg.Client;

  beforeAll(async () => {
    // The console is served from the build (dist/console); build it when a test run comes first.
    if (!existsSync(join(projectRoot(), 'dist', 'console', 'index.html'))) {
      execFileSync(process.execPath, [join(projectRoot(), 'scripts', 'run.mjs'), '--build-only'], { stdio: 'inherit' });
    }
    mkdirSync(ARTIFACTS, { recursive: true });
    t = await createTestApp({ LEDGER_CHECKPOINT_INTERVAL_SECONDS: '0', DEPARTMENT_TIMEOUT_MS: '1000' });
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    base = (await t.app.getUrl()).replace('[::1]', '127.0.0.1');
    owner = new pg.Client({ connectionString: t.databaseUrl });
    await owner.connect();
    browser = await chromium.launch({ executablePath: CHROMIUM, args: BROWSER_ARGS });
  });

  afterAll(async () => {
    await browser?.close();
    await owner?.end();
    await t?.close();
  });

  /** A citizen's consent, given through the API (as on their phone). */
  async function grant(who: string, input: Record<string, unknown>): Promise<{ id: string; token: string }> {
    const res = await t.graphql<{ grantConsent: { id: string; token: string } }>(GRANT, { input }, await t.token({ role: 'citizen', sub: who }));
    expect(res.body.errors).toBeUndefined();
    return res.body.data!.grantConsent;
  }

  /** A desktop page of the console (Chinese, the hall's default) signed in as the Longyou clerk, on the case window. */
  async function clerkWindow(): Promise<{ page: Page; problems: string[] }> {
    const page = await (await browser.newContext({ locale: 'zh-CN', viewport: { width: 1366, height: 900 } })).newPage();
    const problems: string[] = [];
    page.on('pageerror', (error) => problems.push(error.message));
    page.on('console', (message) => {
      // Requests the tests make fail on purpose (the gateway "down") are reported by Chromium too.
      if (message.type() === 'error' && !message.text().startsWith('Failed to load resource')) problems.push(message.text());
    });
    await page.goto(`${base}/console/`);
    await page.locator('[data-persona="CLERK_LONGYOU"]').click();
    await page.getByRole('heading', { name: '办件窗口', exact: true }).waitFor();
    await page.locator('#case-matter:focus').waitFor();
    return { page, problems };
  }

  /** Opens a case through the form (fields filled, then Enter) and waits for it. */
  async function openCase(page: Page, matter: string, parties: Record<string, string>): Promise<void> {
    await page.fill('#case-matter', matter);
    for (const [role, id] of Object.entries(parties)) await page.fill(`#party-${role}`, id);
    await page.press(`#party-${Object.keys(parties)[0]}`, 'Enter');
    await page.locator('#case-title').waitFor();
  }

  const party = (page: Page, role: string) => page.locator(`article.party[data-role="${role}"]`);

  /** Every party's read has come back. */
  async function partiesRead(page: Page): Promise<void> {
    await page.locator('#case-parties').waitFor();
    await page.locator('article.party[data-state="loading"]').first().waitFor({ state: 'detached' });
  }

  /** The sheet open on screen, then as printed (A4 width, print styles) and as a PDF. */
  async function keepSheet(page: Page, name: string): Promise<void> {
    await page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: true });
    const viewport = page.viewportSize()!;
    await page.setViewportSize({ width: 794, height: 1123 });
    await page.emulateMedia({ media: 'print' });
    await page.screenshot({ path: join(ARTIFACTS, `${name}-print.png`), fullPage: true });
    await page.pdf({ path: join(ARTIFACTS, `${name}.pdf`), format: 'A4', printBackground: true });
    await page.emulateMedia({ media: 'screen' });
    await page.setViewportSize(viewport);
  }

  it("a Longyou clerk handles Zhang Xiaoyu's birth registration as a case, from the keyboard to both sheets, then clears the screen", async () => {
    const { page, problems } = await clerkWindow();
    // By keyboard: the matter by its Chinese name, Tab to the newborn and the mother, Enter opens the case.
    await page.keyboard.type('新生儿出生一件事');
    await expect(page.locator('#case-matter-hint').textContent()).resolves.toBe('新生儿出生一件事 · NEWBORN_REGISTRATION');
    await page.keyboard.press('Tab');
    expect(await page.evaluate('document.activeElement?.id')).toBe('party-CHILD');
    await page.keyboard.type('330825202609180843');
    await expect(page.locator('#party-CHILD-hint').textContent()).resolves.toBe('校验位不符：可能输错了一位，请逐位核对');
    await page.keyboard.press('Backspace');
    await page.keyboard.type('2');
    await expect(page.locator('#party-CHILD-hint').textContent()).resolves.toBe('号码有效');
    await page.keyboard.press('Tab');
    expect(await page.evaluate('document.activeElement?.id')).toBe('party-MOTHER');
    await page.keyboard.type(LI_WEI);
    await page.keyboard.press('Enter');
    await page.locator('#case-title:focus').waitFor();
    const caseNumber = (await page.locator('#case-number').textContent())!;
    expect(caseNumber).toMatch(/^LONGYOU-01-\d{4}-\d{6}$/);
    const caseId = await page.evaluate(`sessionStorage.getItem('onegate.clerk.case')`);
    await partiesRead(page);

    // Nothing is read without consent, and each party says whose consent is needed; no father is suggested yet.
    await expect(party(page, 'CHILD').locator('.consent-needed').textContent()).resolves.toContain('需要母亲或父亲代为授权');
    await expect(party(page, 'MOTHER').locator('.consent-needed').textContent()).resolves.toContain('需要本人授权：请市民出示授权二维码，或查找已登记的授权');
    await expect(party(page, 'MOTHER').locator('[data-relation]').textContent()).resolves.toBe('关系：新生儿的母亲，已由记录证实');
    expect(await page.locator('#suggested').count()).toBe(0);
    await expect(page.locator('#missing-roles').textContent()).resolves.toBe('必需的当事人已齐全');
    await page.screenshot({ path: join(ARTIFACTS, 'console-case-no-consent.png'), fullPage: true });

    // Li Wei consents for herself (for this hall) and for her daughter; the latter she shows at the window (its token, typed by a scanner).
    await grant(LI_WEI, { matter: 'NEWBORN_REGISTRATION', hall: 'LONGYOU-01' });
    const forChild = await grant(LI_WEI, { matter: 'NEWBORN_REGISTRATION', onBehalfOf: ZHANG_XIAOYU });
    await page.locator('#case-consent').focus();
    await page.keyboard.insertText(forChild.token);
    await page.keyboard.press('Enter');
    await party(page, 'CHILD').locator('[data-consent="GIVEN"]').waitFor();
    await expect(page.locator('#case-message').textContent()).resolves.toBe('授权已附加到本办件');
    await expect(party(page, 'CHILD').locator('[data-consent]').textContent()).resolves.toBe('授权：已由母亲代为授权');
    await expect(party(page, 'MOTHER').locator('[data-consent]').textContent()).resolves.toBe('授权：本人已授权');

    // The birth record names the father: suggested, and added with one keypress.
    const suggestion = page.locator(`#suggested [data-suggest-role="FATHER"][data-suggest-id="${ZHANG_HAO}"]`);
    await expect(suggestion.textContent()).resolves.toBe(`添加为父亲：${ZHANG_HAO}出生医学证明记载的父母`);
    await suggestion.focus();
    await page.keyboard.press('Enter');
    await party(page, 'FATHER').waitFor();
    await expect(page.locator('#case-message').textContent()).resolves.toBe('已添加父亲');
    await expect(party(page, 'FATHER').locator('[data-relation]').textContent()).resolves.toBe('关系：新生儿的父亲，已由记录证实');
    await partiesRead(page);
    expect(await party(page, 'FATHER').getAttribute('data-state')).toBe('skipped');
    expect(await page.locator('#suggested').count()).toBe(0);

    // Until Zhang Hao consents, the notice asks for his papers, once each.
    await page.locator('#sheet-notice').click();
    const toBring = page.locator('#notice-sheet #notice-list li');
    await expect(toBring.evaluateAll((lines) => lines.map((l) => `${l.getAttribute('data-material')}/${l.getAttribute('data-role')}`))).resolves.toEqual([
      'IDENTITY/FATHER',
      'HOUSEHOLD_EXTRACT/FATHER',
    ]);
    await expect(toBring.first().textContent()).resolves.toBe(`父母居民身份证（父亲 ${ZHANG_HAO}）`);
    await keepSheet(page, 'console-case-notice-to-bring');
    await page.keyboard.press('Escape');
    await page.locator('#sheet-notice:focus').waitFor();

    // Zhang Hao consents on his phone; the clerk finds his recorded consent.
    await grant(ZHANG_HAO, { matter: 'NEWBORN_REGISTRATION', hall: 'LONGYOU-01' });
    await page.locator('#find-recorded').click();
    await party(page, 'FATHER').locator('[data-consent="GIVEN"]').waitFor();
    await expect(page.locator('#case-message').textContent()).resolves.toBe('已找到覆盖本办件的授权');
    await partiesRead(page);

    // Every party's records, under a header naming the person, the role and the case.
    const child = party(page, 'CHILD');
    await expect(child.locator('.party-header h3').textContent()).resolves.toBe('Zhang Xiaoyu新生儿');
    await expect(child.locator('.party-meta').textContent()).resolves.toContain(`公民身份号码 ${ZHANG_XIAOYU} · 受理编号 ${caseNumber}`);
    await expect(child.locator('[data-item="birth"]').textContent()).resolves.toContain('Q330825-2026-07731');
    await expect(child.locator('[data-item="birth"]').textContent()).resolves.toContain('卫生健康委员会');
    await expect(child.locator('[data-item="household"]').textContent()).resolves.toContain('330825-004417');
    await expect(party(page, 'MOTHER').locator('[data-item="marriage"]').textContent()).resolves.toContain('J330825-2014-001288');
    await expect(party(page, 'MOTHER').locator('[data-item="marriage"]').textContent()).resolves.toContain('已婚');
    await expect(party(page, 'FATHER').locator('.party-header h3').textContent()).resolves.toBe('Zhang Hao父亲');
    for (const role of ['CHILD', 'MOTHER', 'FATHER']) {
      const cards = await party(page, role)
        .locator('.card')
        .evaluateAll((list) => list.map((c) => c.getAttribute('data-item')));
      expect(cards).toEqual(role === 'CHILD' ? ['person', 'birth', 'household'] : ['person', 'household', 'marriage']);
    }
    expect(await page.locator('.deceased-banner').count()).toBe(0);
    const satisfied = await page.locator('#case-materials tbody tr').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-satisfied')));
    expect(new Set(satisfied)).toEqual(new Set(['BY_DATA']));
    await page.screenshot({ path: join(ARTIFACTS, 'console-case-newborn.png'), fullPage: true });

    // 数据核验单: the case, the hall, the clerk, and per party the items verified with their department and the read's ledger entry.
    await page.locator('#sheet-verification').click();
    const sheet = page.locator('#verification-sheet');
    await expect(sheet.locator('#sheet-case-number').textContent()).resolves.toBe(caseNumber);
    await expect(sheet.locator('#sheet-clerk').textContent()).resolves.toBe('C-LY-007');
    await expect(sheet.textContent()).resolves.toContain('龙游县政务服务中心');
    const sections = sheet.locator('.sheet-party');
    expect(await sections.evaluateAll((list) => list.map((s) => s.getAttribute('data-role')))).toEqual(['CHILD', 'MOTHER', 'FATHER']);
    await expect(sections.first().locator('[data-item="birth"]').textContent()).resolves.toContain('卫生健康委员会');
    for (const [index, role] of ['CHILD', 'MOTHER', 'FATHER'].entries()) {
      const ref = sections.nth(index).locator('.ledger-ref');
      const leaf = Number(await ref.getAttribute('data-ledger-index'));
      const entry = await owner.query<{ kind: string; case_number: string; detail: Record<string, unknown>; hash: string }>(
        `SELECT kind, case_number, detail, encode(leaf_hash, 'base64') AS hash FROM onegate.ledger_entry WHERE leaf_index = $1`,
        [leaf],
      );
      expect(entry.rows[0]).toMatchObject({ kind: 'DATA_ACCESS', case_number: caseNumber, detail: expect.objectContaining({ caseId, partyRole: role }) });
      await expect(ref.textContent()).resolves.toBe(`审计日志条目：第 ${leaf} 条，叶哈希 ${entry.rows[0]!.hash}`);
    }
    await keepSheet(page, 'console-case-verification-sheet');
    await page.getByRole('button', { name: '返回（Esc）' }).click();

    // 一次性告知单 now: nothing else to bring.
    await page.locator('#sheet-notice').click();
    await expect(page.locator('#notice-sheet #notice-none').textContent()).resolves.toBe('无需提交其他材料');
    await keepSheet(page, 'console-case-notice');

    // Next customer (F2): the sheet, the case and its people are gone; the focus is on the new case's first field.
    await page.keyboard.press('F2');
    await page.locator('#case-matter:focus').waitFor();
    expect(await page.locator('#print-sheet').count()).toBe(0);
    const screen = (await page.locator('main').textContent())!;
    for (const gone of [caseNumber, 'Zhang Xiaoyu', 'Li Wei', LI_WEI, ZHANG_HAO]) expect(screen).not.toContain(gone);
    expect(await page.inputValue('#case-matter')).toBe('');
    expect(await page.evaluate(`sessionStorage.getItem('onegate.clerk.case')`)).toBeNull();
    await expect(page.locator('#next-customer-help').textContent()).resolves.toContain('F2');
    await page.screenshot({ path: join(ARTIFACTS, 'console-case-next-customer.png'), fullPage: true });
    expect(problems).toEqual([]);
  });

  it('a stranger as mother is refused with what the records do not show and what to do, and nothing is opened', async () => {
    const { page, problems } = await clerkWindow();
    const before = await owner.query(`SELECT count(*)::int AS n FROM onegate."case"`);
    await page.fill('#case-matter', '新生儿出生一件事');
    await page.fill('#party-CHILD', ZHANG_XIAOYU);
    await page.fill('#party-MOTHER', WANG_FANG);
    await page.press('#party-MOTHER', 'Enter');
    const refusal = page.locator('#open-message .error');
    await refusal.waitFor();
    await expect(refusal.textContent()).resolves.toBe('户籍/出生记录不能证明该人是新生儿的母亲，请核对身份证号');
    await page.locator('#party-MOTHER:focus').waitFor();
    expect(await page.getAttribute('#party-MOTHER', 'aria-invalid')).toBe('true');
    expect(await page.locator('#case').count()).toBe(0);
    expect((await owner.query(`SELECT count(*)::int AS n FROM onegate."case"`)).rows[0]).toEqual(before.rows[0]);
    await page.screenshot({ path: join(ARTIFACTS, 'console-case-relation-refused.png'), fullPage: true });

    // The same in English.
    await page.getByRole('button', { name: 'English' }).click();
    await page.getByRole('heading', { name: 'Case window', exact: true }).waitFor();
    await page.locator('#case-matter:focus').waitFor();
    await page.locator('#case-matter').fill('Newborn: birth, household and social security registration');
    await page.fill('#party-CHILD', ZHANG_XIAOYU);
    await page.fill('#party-MOTHER', WANG_FANG);
    await page.press('#party-MOTHER', 'Enter');
    await expect(page.locator('#open-message .error').textContent()).resolves.toBe(
      'The resident and birth records do not show this person as the mother of the newborn: check the ID number',
    );
    // Next customer clears the refusal and the numbers typed.
    await page.getByRole('button', { name: 'Next customer (F2)' }).click();
    await page.locator('#case-matter:focus').waitFor();
    expect(await page.locator('#open-message').textContent()).toBe('');
    expect(await page.locator('#party-MOTHER').count()).toBe(0);
    expect(problems).toEqual([]);
  });

  it('shows the reading in progress, and a department or the gateway down in Chinese with a retry', async () => {
    await grant(LI_WEI, { matter: 'NEWBORN_REGISTRATION', hall: 'LONGYOU-01' });
    await grant(LI_WEI, { matter: 'NEWBORN_REGISTRATION', hall: 'LONGYOU-01', onBehalfOf: ZHANG_XIAOYU });
    const { page, problems } = await clerkWindow();
    await openCase(page, '新生儿出生一件事', { CHILD: ZHANG_XIAOYU, MOTHER: LI_WEI });
    await partiesRead(page);

    // The parties' records take a while: each party says it is being read, and so does the window.
    let release: () => void = () => undefined;
    const held = new Promise<void>((resolve) => (release = resolve));
    await page.route('**/graphql', async (route) => {
      if (route.request().postData()?.includes('PartyRecords')) await held;
      await route.continue();
    });
    await page.locator('#case-refresh').click();
    await party(page, 'MOTHER').locator('.loading').waitFor();
    await expect(page.locator('#case-status').textContent()).resolves.toBe('正在向各部门读取记录…');
    expect(await party(page, 'MOTHER').getAttribute('aria-busy')).toBe('true');
    await page.screenshot({ path: join(ARTIFACTS, 'console-case-loading.png'), fullPage: true });
    release();
    await partiesRead(page);
    await page.unroute('**/graphql');

    // Civil Affairs hangs (its table locked past the department timeout): the marriage card says so, with a retry.
    const locker = new pg.Client({ connectionString: t.databaseUrl });
    await locker.connect();
    try {
      await locker.query('BEGIN');
      await locker.query('LOCK TABLE dept_civil_affairs.marital_status IN ACCESS EXCLUSIVE MODE');
      await page.locator('#case-refresh').click();
      const marriage = party(page, 'MOTHER').locator('[data-item="marriage"].failed');
      await marriage.waitFor();
      await expect(marriage.locator('.error p').textContent()).resolves.toBe('民政局暂时无法应答（超时）：请稍后点“重试”');
      // The other departments answered.
      await expect(party(page, 'MOTHER').locator('[data-item="household"]').textContent()).resolves.toContain('330825-004417');
      await page.screenshot({ path: join(ARTIFACTS, 'console-case-department-down.png'), fullPage: true });
      // Its materials would read "to bring": the notice says it is not complete, and does not print.
      await page.locator('#sheet-notice').click();
      await expect(page.locator('#notice-incomplete').textContent()).resolves.toContain('民政局未应答，本单暂不完整，请勿打印');
      expect(await page.locator('#sheet-print').isDisabled()).toBe(true);
      await page.keyboard.press('Escape');
    } finally {
      await locker.query('ROLLBACK');
      await locker.end();
    }
    await party(page, 'MOTHER').locator('[data-item="marriage"] button[data-action="retry"]').click();
    await party(page, 'MOTHER').locator('[data-item="marriage"]:not(.failed)').waitFor();
    await expect(party(page, 'MOTHER').locator('[data-item="marriage"]').textContent()).resolves.toContain('J330825-2014-001288');

    // The gateway is down: said in Chinese, with a retry that brings the case back.
    await page.route('**/graphql', (route) => route.abort('connectionrefused'));
    await page.locator('#case-refresh').click();
    const down = page.locator('#case-error');
    await down.waitFor();
    await expect(down.locator('p').textContent()).resolves.toBe('无法连接数据共享平台（网络或服务中断）：请检查网络，稍后点“重试”');
    await page.screenshot({ path: join(ARTIFACTS, 'console-case-gateway-down.png'), fullPage: true });
    await page.unroute('**/graphql');
    await down.getByRole('button', { name: '重试' }).click();
    await page.locator('#case-error').waitFor({ state: 'detached' });
    await partiesRead(page);
    await expect(party(page, 'CHILD').locator('[data-item="birth"]').textContent()).resolves.toContain('Q330825-2026-07731');
    expect(problems).toEqual([]);
  });

  it("an enterprise by its credit code: Yiwu Jiahe Supermarket's registration and licences, beside its legal representative", async () => {
    await grant(ZHANG_HAO, { matter: 'BUSINESS_LICENSE', hall: 'LONGYOU-01' });
    const { page, problems } = await clerkWindow();
    await page.fill('#case-matter', '营业执照办理');
    await page.fill('#party-ENTERPRISE', JIAHE.toLowerCase());
    await expect(page.locator('#party-ENTERPRISE-hint').textContent()).resolves.toBe('代码有效');
    await page.fill('#party-LEGAL_REPRESENTATIVE', ZHANG_HAO);
    await page.press('#party-LEGAL_REPRESENTATIVE', 'Enter');
    await page.locator('#case-title').waitFor();
    await partiesRead(page);
    const enterprise = party(page, 'ENTERPRISE');
    await expect(enterprise.locator('.party-header h3').textContent()).resolves.toBe('Yiwu Jiahe Supermarket Co., Ltd.企业');
    await expect(enterprise.locator('.party-meta').textContent()).resolves.toContain(`统一社会信用代码 ${JIAHE}`);
    await expect(enterprise.locator('[data-consent]').textContent()).resolves.toBe('授权：无需授权');
    await expect(enterprise.locator('[data-item="registration"]').textContent()).resolves.toContain('存续（在营）');
    expect(await enterprise.locator('[data-item="licences"] dl').count()).toBeGreaterThan(0);
    await expect(party(page, 'LEGAL_REPRESENTATIVE').locator('[data-relation]').textContent()).resolves.toBe('关系：企业的法定代表人，已由记录证实');
    await page.screenshot({ path: join(ARTIFACTS, 'console-case-enterprise.png'), fullPage: true });
    expect(problems).toEqual([]);
  });

  it("Chen Ming's affairs at Haizhu: his records under a banner that he has died, read with his daughter's consent", async () => {
    await grant(CHEN_LAN, { matter: 'DECEASED_AFFAIRS', hall: 'HAIZHU-01' });
    const page = await (await browser.newContext({ locale: 'zh-CN', viewport: { width: 1366, height: 900 } })).newPage();
    const problems: string[] = [];
    page.on('pageerror', (error) => problems.push(error.message));
    await page.goto(`${base}/console/`);
    // A Haizhu clerk (no demo persona): signed in with a pasted token.
    await page.fill('#token', await t.token({ role: 'clerk', sub: 'C-HZ-004', hall: 'HAIZHU-01', region: '440105' }));
    await page.getByRole('button', { name: '登录', exact: true }).click();
    await page.locator('#case-matter:focus').waitFor();
    await openCase(page, '身后一件事', { DECEASED: CHEN_MING, APPLICANT: CHEN_LAN });
    await partiesRead(page);
    const deceased = party(page, 'DECEASED');
    await expect(deceased.locator('.deceased-banner').textContent()).resolves.toContain('当事人已死亡');
    await expect(deceased.locator('.deceased-banner').textContent()).resolves.toContain('D440105-2026-01177');
    await expect(deceased.locator('[data-consent]').textContent()).resolves.toBe('授权：已由申请人（近亲属）代为授权');
    await expect(deceased.locator('[data-item="death"]').textContent()).resolves.toContain('2026-10-01');
    expect(await party(page, 'APPLICANT').locator('.deceased-banner').count()).toBe(0);
    await page.screenshot({ path: join(ARTIFACTS, 'console-case-deceased.png'), fullPage: true });
    await page.locator('#sheet-verification').click();
    await expect(page.locator('#verification-sheet .sheet-party[data-role="DECEASED"] .deceased-line').textContent()).resolves.toContain('当事人已死亡');
    await keepSheet(page, 'console-case-deceased-verification-sheet');
    expect(problems).toEqual([]);
  });
});
