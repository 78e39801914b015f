/**
 * The web console in a real browser (Debian's Chromium driven by playwright-core) against a real
 * gateway: the clerk's house-transfer story for Li Wei, without and with her consent. Screenshots
 * go to test/artifacts/ (not committed). Without /usr/bin/chromium the file is skipped locally;
 * in CI (CI set) it runs and .ci/run installs Chromium first.
 */
import { execFileSync } from 'node:child_process';
import pg from 'pg';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { projectRoot } from '../src/common/project-root.js';
import { createTestApp, type TestApp } from './harness/test-app.js';

const CHROMIUM = '/usr/bin/chromium';
const LI_WEI = '330825198803142023';
const ARTIFACTS = join(projectRoot(), 'test', 'artifacts');
const describeInBrowser = existsSync(CHROMIUM) || process.env.CI ? describe : describe.skip;

describeInBrowser('the web console in a browser', () => {
  let t: TestApp;
  let browser: Browser;
  let base: string;

  beforeAll(async () => {
    // The console is served from the build (dist/console); build it when a test run comes first.
    if (!existsSync(join(projectRoot(), 'dist', 'console', 'index.html'))) {
      execFileSync(process.execPath, [join(projectRoot(), 'scripts', 'run.mjs'), '--build-only'], { stdio: 'inherit' });
    }
    mkdirSync(ARTIFACTS, { recursive: true });
    // No scheduled checkpoints: the auditor's story signs them when it needs them (createLedgerCheckpoint).
    t = await createTestApp({ LEDGER_CHECKPOINT_INTERVAL_SECONDS: '0', DEPARTMENT_TIMEOUT_MS: '1000' });
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    base = (await t.app.getUrl()).replace('[::1]', '127.0.0.1');
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-quic', '--no-first-run', '--disable-component-update', '--disable-sync'],
    });
  });

  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  /** A new page at `path`, switched from Chinese (the default) to English; any script error or CSP violation it reports lands in `problems`. */
  async function openInEnglish(path: string): Promise<{ page: Page; problems: string[] }> {
    const context = await browser.newContext({ locale: 'en-US' });
    const page = await context.newPage();
    const problems: string[] = [];
    page.on('pageerror', (error) => problems.push(error.message));
    page.on('console', (message) => {
      if (message.type() === 'error') problems.push(message.text());
    });
    await page.goto(`${base}${path}`);
    await page.getByRole('button', { name: 'English' }).click();
    return { page, problems };
  }

  /** Signs in as a demo persona and waits for that role's screen. */
  async function signInAs(page: Page, persona: string, heading: string): Promise<void> {
    await page.locator(`[data-persona="${persona}"]`).click();
    await page.getByRole('heading', { name: heading, exact: true }).waitFor();
  }

  it('serves the console under /console/ with a strict Content-Security-Policy and no inline script', async () => {
    const res = await t.http().get('/console/');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/html/);
    expect(res.headers['content-security-policy']).toContain("script-src 'self'");
    expect(res.headers['content-security-policy']).toContain("default-src 'none'");
    expect(res.text).not.toMatch(/<script(?![^>]*\bsrc=)/);
    expect((await t.http().get('/console/no-such-file.js')).status).toBe(404);
    expect((await t.http().get('/console/../package.json')).status).toBe(404);
  });

  it("a clerk signs in, sees Li Wei's records withheld without her consent, and her household, marriage and flat with it", async () => {
    const { page, problems } = await openInEnglish('/console/');
    await signInAs(page, 'CLERK_LONGYOU', 'Window lookup');
    // The ID field has the focus, and checks the number as it is typed.
    expect(await page.evaluate('document.activeElement?.id')).toBe('id-number');
    await page.keyboard.type('330825198803142024');
    await expect(page.locator('#id-hint').textContent()).resolves.toMatch(/check/i);
    await page.fill('#id-number', LI_WEI);
    await expect(page.locator('#id-hint').textContent()).resolves.toBe('Valid ID number');

    await page.selectOption('#matter', 'HOUSE_TRANSFER');
    await page.fill('#case', 'LY-2026-2001');
    await page.press('#case', 'Enter');
    const household = page.locator('[data-item="household"]');
    await household.waitFor();
    await expect(household.textContent()).resolves.toContain('Not available for this matter');
    await expect(household.textContent()).resolves.toContain("the citizen's consent is required");
    await page.screenshot({ path: join(ARTIFACTS, 'console-clerk-without-consent.png'), fullPage: true });

    // Li Wei consents to this case at this hall; the clerk enters the grant and asks again.
    const liWei = await t.token({ role: 'citizen', sub: LI_WEI });
    const granted = await t.graphql<{ grantConsent: { id: string } }>(
      'mutation($input: GrantConsentInput!) { grantConsent(input: $input) { id } }',
      { input: { matter: 'HOUSE_TRANSFER', caseNumber: 'LY-2026-2001', hall: 'LONGYOU-01' } },
      liWei,
    );
    await page.fill('#consent', granted.body.data!.grantConsent.id);
    await page.press('#consent', 'Enter');
    await page.locator('[data-department="PUBLIC_SECURITY"] [data-item="household"]').waitFor();
    const text = await page.locator('#results').textContent();
    expect(text).toContain('330825-004417');
    expect(text).toContain('J330825-2014-001288');
    expect(text).toContain('Unit 3-502, 88 Dongsheng Road, Longyou County');
    expect(text).not.toContain('Not available for this matter');
    await page.screenshot({ path: join(ARTIFACTS, 'console-clerk-with-consent.png'), fullPage: true });

    // Li Wei signs in and sees that access: the hall, the matter and case, the items; she revokes the grant.
    await page.getByRole('button', { name: 'Sign out' }).click();
    await signInAs(page, 'CITIZEN_LI_WEI', 'Who read my data');
    const accesses = await page.locator('#accesses tbody tr').allTextContents();
    expect(accesses.some((row) => row.includes('HOUSE_TRANSFER · LY-2026-2001') && row.includes('household.registration') && row.includes('GRANTED'))).toBe(true);
    expect(accesses.some((row) => row.includes('Longyou'))).toBe(true);
    const grantId = granted.body.data!.grantConsent.id;
    await page.locator(`[data-revoke="${grantId}"]`).click();
    await page.locator(`[data-grant="${grantId}"]`, { hasText: 'Revoked' }).waitFor();
    await page.screenshot({ path: join(ARTIFACTS, 'console-citizen.png'), fullPage: true });
    expect(problems).toEqual([]);
  });

  it('a department that does not answer is shown as such with a retry, and the retry brings its data once it is back', async () => {
    const { page, problems } = await openInEnglish('/console/');
    await signInAs(page, 'CLERK_LONGYOU', 'Window lookup');
    const locker = new pg.Client({ connectionString: t.databaseUrl });
    await locker.connect();
    try {
      // Civil Affairs hangs: its table is locked, so its query runs into the department timeout.
      await locker.query('BEGIN');
      await locker.query('LOCK TABLE dept_civil_affairs.marital_status IN ACCESS EXCLUSIVE MODE');
      const granted = await t.graphql<{ grantConsent: { id: string } }>(
        'mutation($input: GrantConsentInput!) { grantConsent(input: $input) { id } }',
        { input: { matter: 'HOUSE_TRANSFER', caseNumber: 'LY-2026-2002' } },
        await t.token({ role: 'citizen', sub: LI_WEI }),
      );
      await page.fill('#id-number', LI_WEI);
      await page.selectOption('#matter', 'HOUSE_TRANSFER');
      await page.fill('#case', 'LY-2026-2002');
      await page.fill('#consent', granted.body.data!.grantConsent.id);
      await page.press('#case', 'Enter');
      const marriage = page.locator('[data-item="marriage"]');
      await marriage.waitFor();
      await expect(marriage.textContent()).resolves.toContain('The department did not answer: Civil Affairs Bureau');
      // The other departments' data arrived.
      await expect(page.locator('[data-department="PUBLIC_SECURITY"] [data-item="person"]').textContent()).resolves.toContain('Li Wei');
      await page.screenshot({ path: join(ARTIFACTS, 'console-clerk-department-down.png'), fullPage: true });
    } finally {
      await locker.query('ROLLBACK');
      await locker.end();
    }
    await page.getByRole('button', { name: 'Retry' }).click();
    await page.locator('[data-department="CIVIL_AFFAIRS"] [data-item="marriage"]').waitFor();
    await expect(page.locator('#results').textContent()).resolves.toContain('J330825-2014-001288');
    expect(problems).toEqual([]);
  });

  it("an auditor finds a clerk's access to Li Wei, checks it in the browser against the signed checkpoint, and checks the ledger grew append-only", async () => {
    const clerk = await t.token({ role: 'clerk', sub: 'C-LY-007', hall: 'LONGYOU-01' });
    const auditorToken = await t.token({ role: 'auditor', sub: 'A-900' });
    const sign = async () => {
      const signed = await t.graphql<{ createLedgerCheckpoint: { treeSize: number } }>('mutation { createLedgerCheckpoint { treeSize } }', undefined, auditorToken);
      return signed.body.data!.createLedgerCheckpoint.treeSize;
    };
    const lookup = await t.graphql(`{ citizen(idNumber: "${LI_WEI}", purpose: { matter: "SENIOR_CERTIFICATE", caseNumber: "LY-2026-2003" }) { person { name } } }`, undefined, clerk);
    expect(lookup.body.errors).toBeUndefined();
    const firstSize = await sign();

    const { page, problems } = await openInEnglish('/console/');
    await signInAs(page, 'AUDITOR', 'Audit');
    await page.locator('#verify-ledger').click();
    await page.locator('#consistency', { hasText: 'First checkpoint seen here' }).waitFor();
    expect(Number(await page.locator('#checkpoint-size').textContent())).toBe(firstSize);

    await page.fill('#audit-subject', LI_WEI);
    await page.fill('#audit-case', 'LY-2026-2003');
    await page.press('#audit-case', 'Enter');
    const rows = page.locator('#entries tbody tr');
    await rows.first().waitFor();
    expect(await rows.count()).toBe(1);
    await expect(rows.first().textContent()).resolves.toMatch(/clerk · C-LY-007 · LONGYOU-01.*DATA_ACCESS · SENIOR_CERTIFICATE · LY-2026-2003.*GRANTED/);
    await rows.first().getByRole('button', { name: 'Details' }).click();
    await page.locator('#inclusion.ok').waitFor();
    await expect(page.locator('#inclusion').textContent()).resolves.toBe(`Checked in this browser: the entry is in the signed checkpoint (Entries ${firstSize})`);

    // The auditor's search was itself a ledger entry: the next checkpoint is larger, and must extend the one seen.
    const secondSize = await sign();
    expect(secondSize).toBeGreaterThan(firstSize);
    await page.locator('#verify-ledger').click();
    await page.locator('#checkpoint-size', { hasText: String(secondSize) }).waitFor();
    await expect(page.locator('#consistency').textContent()).resolves.toBe(`Consistent (append-only) with the checkpoint seen before, of size ${firstSize}`);
    expect(await page.locator('#consistency').getAttribute('class')).toContain('ok');
    await page.screenshot({ path: join(ARTIFACTS, 'console-auditor.png'), fullPage: true });
    expect(problems).toEqual([]);
  });

  it('the public verification page shows a valid certificate as valid with its claims, and the same certificate revoked as not valid', async () => {
    const civilAffairs = await t.token({ role: 'department', sub: 'civil-affairs-registry', department: 'CIVIL_AFFAIRS' });
    const issued = await t.graphql<{ issueCertificate: { id: string; credential: string } }>(
      'mutation($input: IssueCertificateInput!) { issueCertificate(input: $input) { id credential } }',
      { input: { type: 'MARRIAGE_CERTIFICATE', holder: LI_WEI, idempotencyKey: 'console-verify-1' } },
      civilAffairs,
    );
    expect(issued.body.errors).toBeUndefined();
    const { id, credential } = issued.body.data!.issueCertificate;

    const { page, problems } = await openInEnglish('/console/verify');
    await page.getByRole('heading', { name: 'Verify a certificate' }).waitFor();
    await page.fill('#credential', credential);
    await page.getByRole('button', { name: 'Verify', exact: true }).click();
    await page.locator('#overall', { hasText: 'Valid: the certificate is genuine and in force' }).waitFor();
    for (const verdict of ['integrity', 'certStatus', 'issuer']) expect(await page.locator(`[data-verdict="${verdict}"]`).getAttribute('class')).toContain('ok');
    await expect(page.locator('#claims').textContent()).resolves.toContain('2014-05-20');
    await page.screenshot({ path: join(ARTIFACTS, 'console-verify-valid.png'), fullPage: true });

    const revoked = await t.graphql('mutation($id: ID!, $reason: String!) { revokeCertificate(id: $id, reason: $reason) { id } }', { id, reason: 'issued in error' }, civilAffairs);
    expect(revoked.body.errors).toBeUndefined();
    await page.getByRole('button', { name: 'Verify', exact: true }).click();
    await page.locator('#overall', { hasText: 'Not valid: do not rely on this certificate' }).waitFor();
    expect(await page.locator('[data-verdict="certStatus"]').getAttribute('class')).toContain('bad');
    await expect(page.locator('[data-verdict="certStatus"]').textContent()).resolves.toMatch(/revoked/i);
    expect(await page.locator('[data-verdict="integrity"]').getAttribute('class')).toContain('ok');
    await page.screenshot({ path: join(ARTIFACTS, 'console-verify-revoked.png'), fullPage: true });
    expect(problems).toEqual([]);
  });
});
