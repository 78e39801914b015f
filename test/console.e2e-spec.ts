/**
 * The web console in a real browser (Debian's Chromium driven by playwright-core) against a real
 * gateway: the clerk's house-transfer story for Li Wei without and with her consent (picked from her
 * recorded grants, or scanned with the camera from her QR code), the materials checklist, a department
 * down, her certificates verified and printed at the window, Li Wei's own screen (accesses, consent
 * QR, certificate QR, SD-JWT download), the auditor's checks, and the public verification page (pasted,
 * or a photo of the QR code). Screenshots go to test/artifacts/ (not committed). Without
 * /usr/bin/chromium the file is skipped locally; in CI (CI set) it runs and .ci/run installs Chromium first.
 */
import { execFileSync } from 'node:child_process';
import pg from 'pg';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import QRCode from 'qrcode';
import { buildCertificateIdentifier } from '../src/certificates/certificate-identifier.js';
import { projectRoot } from '../src/common/project-root.js';
import { createTestApp, type TestApp } from './harness/test-app.js';
import { addIdentityCheckMatter } from './support/fixture-matters.js';
import { BROWSER_ARGS, CHROMIUM, describeInBrowser } from './support/browser.js';

const LI_WEI = '330825198803142023';
const ARTIFACTS = join(projectRoot(), 'test', 'artifacts');

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
    await addIdentityCheckMatter(t);
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    base = (await t.app.getUrl()).replace('[::1]', '127.0.0.1');
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: BROWSER_ARGS,
    });
  });

  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  /** Civil Affairs issues Li Wei's marriage certificate under MARRIAGE_REGISTRATION with her consent (its name and ID number are Public Security's). */
  async function marriageRegistration(caseNumber: string): Promise<{ matter: string; caseNumber: string; consent: string }> {
    const grant = await t.graphql<{ grantConsent: { id: string } }>(
      `mutation { grantConsent(input: { matter: "MARRIAGE_REGISTRATION", departments: ["CIVIL_AFFAIRS"] }) { id } }`,
      undefined,
      await t.token({ role: 'citizen', sub: LI_WEI }),
    );
    return { matter: 'MARRIAGE_REGISTRATION', caseNumber, consent: grant.body.data!.grantConsent.id };
  }

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

  /** Signs in as a demo persona and waits for that role's screen (a clerk's single lookup: the tab beside the case window). */
  async function signInAs(page: Page, persona: string, heading: string): Promise<void> {
    await page.locator(`[data-persona="${persona}"]`).click();
    if (heading === 'Window lookup' || heading === '窗口查询') await page.locator('#tab-lookup').click();
    await page.getByRole('heading', { name: heading, exact: true }).waitFor();
  }

  /** A Y4M video (what Chromium's fake camera plays) of `text` as a QR code, black on white. */
  async function qrVideo(text: string): Promise<string> {
    const qr = QRCode.create(text, { errorCorrectionLevel: 'M' });
    const [width, height] = [640, 480];
    const modules = qr.modules.size;
    const scale = Math.floor(Math.min(width, height) / (modules + 8));
    const left = Math.floor((width - modules * scale) / 2);
    const top = Math.floor((height - modules * scale) / 2);
    const luma = Buffer.alloc(width * height, 235);
    for (let y = 0; y < modules * scale; y++) {
      for (let x = 0; x < modules * scale; x++) {
        if (qr.modules.get(Math.floor(y / scale), Math.floor(x / scale))) luma[(top + y) * width + left + x] = 16;
      }
    }
    const chroma = Buffer.alloc((width / 2) * (height / 2) * 2, 128);
    const frame = Buffer.concat([Buffer.from('FRAME\n'), luma, chroma]);
    const file = join(ARTIFACTS, 'consent-qr.y4m');
    writeFileSync(file, Buffer.concat([Buffer.from(`YUV4MPEG2 W${width} H${height} F10:1 Ip A1:1 C420jpeg\n`), frame, frame, frame]));
    return file;
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
    // The gateway's address itself, opened in a browser, is the console; without a token.
    const root = await t.http().get('/');
    expect(root.status).toBe(302);
    expect(root.headers.location).toBe('/console/');
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

    await page.fill('#matter', 'HOUSE_TRANSFER');
    await expect(page.locator('#matter-hint').textContent()).resolves.toBe('Second-hand house transfer registration');
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
    // Nothing is brought but the sale contract's still to bring: withheld records cover no material.
    await expect(page.locator('[data-material="SALE_CONTRACT"]').getAttribute('data-satisfied')).resolves.toBe('TO_BRING');
    await expect(page.locator('[data-material="PROPERTY_CERTIFICATE"]').getAttribute('data-satisfied')).resolves.toBe('TO_BRING');
    // The clerk finds Li Wei's recorded grant for this case and picks it: the lookup runs again under it.
    await page.getByRole('button', { name: 'Find recorded consents' }).click();
    await page.locator(`#grants [data-grant="${granted.body.data!.grantConsent.id}"]`).click();
    await page.locator('[data-department="PUBLIC_SECURITY"] [data-item="household"]').waitFor();
    await expect(page.inputValue('#consent')).resolves.toBe(granted.body.data!.grantConsent.id);
    for (const material of ['IDENTITY', 'HOUSEHOLD_EXTRACT', 'MARITAL_STATUS', 'PROPERTY_CERTIFICATE']) {
      await expect(page.locator(`[data-material="${material}"]`).getAttribute('data-satisfied')).resolves.toBe('BY_DATA');
    }
    await expect(page.locator('[data-material="SALE_CONTRACT"]').getAttribute('data-satisfied')).resolves.toBe('TO_BRING');
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
    expect(accesses.some((row) => row.includes('HOUSE_TRANSFER · LY-2026-2001') && row.includes('household.registration') && row.includes('Released'))).toBe(
      true,
    );
    // The lookup without her consent read nothing, and says so.
    expect(accesses.some((row) => row.includes('HOUSE_TRANSFER · LY-2026-2001') && row.includes('Refused: nothing was released'))).toBe(true);
    expect(accesses.some((row) => row.includes('Longyou'))).toBe(true);
    const grantId = granted.body.data!.grantConsent.id;
    // Her consent as a QR code for the window.
    await page.locator(`[data-consent-qr="${grantId}"]`).click();
    await page.locator(`[data-grant="${grantId}"] img[alt="Consent QR code"]`).waitFor();
    await page.locator(`[data-revoke="${grantId}"]`).click();
    await page.locator(`[data-grant="${grantId}"]`, { hasText: 'Revoked' }).waitFor();
    await page.screenshot({ path: join(ARTIFACTS, 'console-citizen.png'), fullPage: true });
    expect(problems).toEqual([]);
  });

  it("a department that does not answer is shown as such with a retry, Li Wei's marriage certificate covers that material meanwhile, and the clerk verifies and prints it", async () => {
    const issued = await t.graphql<{ issueCertificate: { identifier: string } }>(
      'mutation($input: IssueCertificateInput!) { issueCertificate(input: $input) { identifier } }',
      {
        input: { type: 'MARRIAGE_CERTIFICATE', holder: LI_WEI, idempotencyKey: 'console-clerk-marriage', purpose: await marriageRegistration('MR-CONSOLE-1') },
      },
      await t.token({ role: 'department', sub: 'civil-affairs-registry', department: 'CIVIL_AFFAIRS' }),
    );
    expect(issued.body.errors).toBeUndefined();
    const identifier = issued.body.data!.issueCertificate.identifier;
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
        { input: { matter: 'HOUSE_TRANSFER', caseNumber: 'LY-2026-2002', halls: ['LONGYOU-01'] } },
        await t.token({ role: 'citizen', sub: LI_WEI }),
      );
      await page.fill('#id-number', LI_WEI);
      await page.fill('#matter', 'HOUSE_TRANSFER');
      await page.fill('#case', 'LY-2026-2002');
      await page.fill('#consent', granted.body.data!.grantConsent.id);
      await page.press('#case', 'Enter');
      const marriage = page.locator('[data-item="marriage"]');
      await marriage.waitFor();
      await expect(marriage.textContent()).resolves.toContain('The department did not answer: Civil Affairs Bureau');
      // The other departments' data arrived.
      await expect(page.locator('[data-department="PUBLIC_SECURITY"] [data-item="person"]').textContent()).resolves.toContain('Li Wei');
      // Her marriage certificate covers the marital-status material while Civil Affairs is silent.
      await expect(page.locator('[data-material="MARITAL_STATUS"]').getAttribute('data-satisfied')).resolves.toBe('BY_CERTIFICATE');
      await expect(page.locator('[data-material="MARITAL_STATUS"]').textContent()).resolves.toContain(identifier);
      await page.screenshot({ path: join(ARTIFACTS, 'console-clerk-department-down.png'), fullPage: true });
    } finally {
      await locker.query('ROLLBACK');
      await locker.end();
    }
    await page.getByRole('button', { name: 'Retry' }).click();
    await page.locator('[data-department="CIVIL_AFFAIRS"] [data-item="marriage"]').waitFor();
    await expect(page.locator('#results').textContent()).resolves.toContain('J330825-2014-001288');

    // The certificate on the clerk's screen: verified online, and printed with its QR code.
    const card = page.locator(`[data-certificate="${identifier}"]`);
    await card.getByRole('button', { name: 'Verify' }).click();
    await card.locator('[data-valid="true"]', { hasText: 'Valid: the certificate is genuine and in force' }).waitFor();
    await card.getByRole('button', { name: 'Print' }).click();
    const sheet = page.locator('#print-sheet');
    await sheet.getByRole('heading', { name: 'Marriage certificate' }).waitFor();
    await expect(sheet.textContent()).resolves.toContain(identifier);
    expect(
      await sheet
        .locator('img.qr')
        .evaluate(
          (img) => (img as unknown as { complete: boolean; naturalWidth: number }).complete && (img as unknown as { naturalWidth: number }).naturalWidth > 0,
        ),
    ).toBe(true);
    expect(await page.locator('main').isVisible()).toBe(false);
    await page.screenshot({ path: join(ARTIFACTS, 'console-clerk-print.png'), fullPage: true });
    await page.keyboard.press('Escape');
    await expect(page.locator('#print-sheet').count()).resolves.toBe(0);
    expect(problems).toEqual([]);
  });

  it('Li Wei shows her certificate as a QR code and downloads an SD-JWT disclosing only the claims she ticked', async () => {
    const { page, problems } = await openInEnglish('/console/');
    await signInAs(page, 'CITIZEN_LI_WEI', 'Who read my data');
    const card = page.locator('#my-certificates [data-certificate]').first();
    await card.waitFor();
    await card.getByRole('button', { name: 'Show QR code' }).click();
    await card.locator('img[alt="QR code to verify this certificate"]').waitFor();
    await card.getByText('Download SD-JWT (choose what to disclose)').click();
    const boxes = card.locator('.disclose input[type="checkbox"]');
    const claims = await boxes.evaluateAll((inputs) => inputs.map((input) => (input as unknown as { value: string }).value));
    expect(claims.length).toBeGreaterThan(2);
    const kept = claims.slice(0, 2);
    for (const claim of claims.slice(2)) await card.locator(`.disclose input[value="${claim}"]`).uncheck();
    const [download] = await Promise.all([page.waitForEvent('download'), card.getByRole('button', { name: 'Download', exact: true }).click()]);
    expect(download.suggestedFilename()).toMatch(/^marriage_certificate-1\.2\.156\.3005\.2\..+\.sd-jwt$/);
    const presentation = readFileSync((await download.path())!, 'utf8');
    const verified = await t.graphql<{ verifyCertificate: { valid: boolean; claims: Record<string, unknown> } }>(
      'query($c: String!) { verifyCertificate(credential: $c) { valid claims } }',
      { c: presentation },
    );
    expect(verified.body.data!.verifyCertificate.valid).toBe(true);
    expect(Object.keys(verified.body.data!.verifyCertificate.claims).sort()).toEqual([...kept].sort());
    await page.screenshot({ path: join(ARTIFACTS, 'console-citizen-certificates.png'), fullPage: true });
    expect(problems).toEqual([]);
  });

  it('speaks Chinese by default: the clerk screen of a Longyou hall after a lookup with consent', async () => {
    const granted = await t.graphql<{ grantConsent: { id: string } }>(
      'mutation($input: GrantConsentInput!) { grantConsent(input: $input) { id } }',
      { input: { matter: 'HOUSE_TRANSFER', caseNumber: 'LY-2026-2004', hall: 'LONGYOU-01' } },
      await t.token({ role: 'citizen', sub: LI_WEI }),
    );
    const page = await (await browser.newContext({ locale: 'zh-CN' })).newPage();
    await page.goto(`${base}/console/`);
    await signInAs(page, 'CLERK_LONGYOU', '窗口查询');
    await page.fill('#matter', 'HOUSE_TRANSFER');
    await page.fill('#case', 'LY-2026-2004');
    await page.fill('#id-number', LI_WEI);
    await page.fill('#consent', granted.body.data!.grantConsent.id);
    await page.press('#consent', 'Enter');
    await page.locator('[data-department="PUBLIC_SECURITY"] [data-item="household"]').waitFor();
    await page.getByRole('heading', { name: '材料清单' }).waitFor();
    await expect(page.locator('[data-material="SALE_CONTRACT"]').textContent()).resolves.toContain('需申请人提交');
    await expect(page.locator('#results').textContent()).resolves.toContain('公安局');
    await page.screenshot({ path: join(ARTIFACTS, 'console-clerk-zh.png'), fullPage: true });
  });

  it("an auditor finds a clerk's access to Li Wei, checks it in the browser against the signed checkpoint, and checks the ledger grew append-only", async () => {
    const clerk = await t.token({ role: 'clerk', sub: 'C-LY-007', hall: 'LONGYOU-01' });
    const auditorToken = await t.token({ role: 'auditor', sub: 'A-900' });
    const sign = async () => {
      const signed = await t.graphql<{ createLedgerCheckpoint: { treeSize: number } }>(
        'mutation { createLedgerCheckpoint { treeSize } }',
        undefined,
        auditorToken,
      );
      return signed.body.data!.createLedgerCheckpoint.treeSize;
    };
    const lookup = await t.graphql(
      `{ citizen(idNumber: "${LI_WEI}", purpose: { matter: "IDENTITY_CHECK", caseNumber: "LY-2026-2003" }) { person { name } } }`,
      undefined,
      clerk,
    );
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
    await expect(rows.first().textContent()).resolves.toMatch(/clerk · C-LY-007 · LONGYOU-01.*DATA_ACCESS · IDENTITY_CHECK · LY-2026-2003.*GRANTED/);
    await rows.first().getByRole('button', { name: 'Details' }).click();
    await page.locator('#inclusion.ok').waitFor();
    await expect(page.locator('#inclusion').textContent()).resolves.toBe(
      `Checked in this browser: the entry is in the signed checkpoint (Entries ${firstSize})`,
    );

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
    const issued = await t.graphql<{ issueCertificate: { id: string; identifier: string; credential: string; verificationUrl: string } }>(
      'mutation($input: IssueCertificateInput!) { issueCertificate(input: $input) { id identifier credential verificationUrl } }',
      { input: { type: 'MARRIAGE_CERTIFICATE', holder: LI_WEI, idempotencyKey: 'console-verify-1', purpose: await marriageRegistration('MR-CONSOLE-2') } },
      civilAffairs,
    );
    expect(issued.body.errors).toBeUndefined();
    const { id, identifier, credential, verificationUrl } = issued.body.data!.issueCertificate;

    const { page, problems } = await openInEnglish('/console/verify');
    await page.getByRole('heading', { name: 'Verify a certificate' }).waitFor();
    await page.fill('#credential', credential);
    await page.getByRole('button', { name: 'Verify', exact: true }).click();
    await page.locator('#verification .overall', { hasText: 'Valid: the certificate is genuine and in force' }).waitFor();
    for (const verdict of ['integrity', 'certStatus', 'issuer'])
      expect(await page.locator(`[data-verdict="${verdict}"]`).getAttribute('class')).toContain('ok');
    await expect(page.locator('#claims').textContent()).resolves.toContain('2014-05-20');
    await page.screenshot({ path: join(ARTIFACTS, 'console-verify-valid.png'), fullPage: true });

    // The same field takes the identifier read off a paper copy (broken over two lines here), by keyboard alone:
    // the registry's verdicts, no claims; a wrong check character, a wrong shape and an unknown identifier each said apart.
    const [typeCode, issuerCode] = identifier.split('.').slice(5);
    const unregistered = buildCertificateIdentifier({ typeCode: typeCode!, issuerCode: issuerCode!, serial: '2'.repeat(20), version: 1 });
    const check = identifier.slice(-1);
    const otherCheck = check === 'A' ? 'B' : 'A';
    const typed: Array<[string, string | null, string]> = [
      [`${identifier.slice(0, 40)}\n${identifier.slice(40)}`, null, 'Valid: the certificate is genuine and in force'],
      [identifier.slice(0, -1) + otherCheck, 'check', "The identifier's check character does not match"],
      ['1.2.156.3005.2.12345', 'shape', 'This is not a valid certificate identifier'],
      [unregistered, 'unknown', 'No certificate with this identifier is registered here'],
    ];
    for (const [text, problem, words] of typed) {
      await page.locator('#credential').focus();
      await page.keyboard.press('ControlOrMeta+A');
      await page.keyboard.type(text);
      await page.keyboard.press('Tab');
      await page.keyboard.press('Enter');
      // Each answer replaces the last (the page empties its result first), so this waits for this one.
      await page.locator('#verification .overall', { hasText: words }).waitFor();
      if (problem) expect(await page.locator('#verification .overall').getAttribute('data-problem')).toBe(problem);
      else await page.locator('#claims', { hasText: 'Verifying by identifier shows no claims' }).waitFor();
    }
    await page.screenshot({ path: join(ARTIFACTS, 'console-verify-identifier.png'), fullPage: true });

    // A photo of the certificate's QR code: its link is opened at this gateway, whose page verifies the registered certificate.
    const photo = { name: 'qr.png', mimeType: 'image/png', buffer: await QRCode.toBuffer(verificationUrl, { scale: 6 }) };
    await page.goto(`${base}/console/verify`);
    await Promise.all([page.waitForURL(/\/verify\?id=/), page.setInputFiles('#verify-scan-file', photo)]);
    await expect(page.locator('main').textContent()).resolves.toContain('This certificate is valid.');
    await page.goto(`${base}/console/verify`);
    await page.getByRole('heading', { name: 'Verify a certificate' }).waitFor();
    await page.fill('#credential', credential);

    const revoked = await t.graphql(
      'mutation($id: ID!, $reason: String!) { revokeCertificate(id: $id, reason: $reason) { id } }',
      { id, reason: 'issued in error' },
      civilAffairs,
    );
    expect(revoked.body.errors).toBeUndefined();
    await page.getByRole('button', { name: 'Verify', exact: true }).click();
    await page.locator('#verification .overall', { hasText: 'Not valid: do not rely on this certificate' }).waitFor();
    expect(await page.locator('[data-verdict="certStatus"]').getAttribute('class')).toContain('bad');
    await expect(page.locator('[data-verdict="certStatus"]').textContent()).resolves.toMatch(/revoked/i);
    expect(await page.locator('[data-verdict="integrity"]').getAttribute('class')).toContain('ok');
    await page.screenshot({ path: join(ARTIFACTS, 'console-verify-revoked.png'), fullPage: true });
    // The QR code's page says so first, in red, on a phone.
    const phone = await (await browser.newContext({ locale: 'zh-CN', viewport: { width: 375, height: 812 }, deviceScaleFactor: 2 })).newPage();
    await phone.goto(`${base}${new URL(verificationUrl).pathname}${new URL(verificationUrl).search}`);
    await phone.locator('.verdict.failed', { hasText: '证照无效' }).waitFor();
    await expect(phone.locator('[data-fact="status"] dd').textContent()).resolves.toBe('已撤销Revoked');
    expect(await phone.evaluate('document.scrollingElement.scrollWidth')).toBeLessThanOrEqual(375);
    await phone.screenshot({ path: join(ARTIFACTS, 'phone-verify-revoked.png'), fullPage: true });
    await phone.context().close();
    expect(problems).toEqual([]);
  });

  it("a clerk scans Li Wei's consent QR code with the camera and gets her records under it; the grant, naming no hall, is bound to that hall", async () => {
    const liWei = await t.token({ role: 'citizen', sub: LI_WEI });
    const granted = await t.graphql<{ grantConsent: { id: string; token: string; halls: string[] } }>(
      'mutation($input: GrantConsentInput!) { grantConsent(input: $input) { id token halls } }',
      { input: { matter: 'HOUSE_TRANSFER', caseNumber: 'LY-2026-2005' } },
      liWei,
    );
    expect(granted.body.data!.grantConsent.halls).toEqual([]);
    const video = await qrVideo(granted.body.data!.grantConsent.token);
    // A browser whose camera shows the phone held up to it: Chromium's fake camera playing the QR code.
    const withCamera = await chromium.launch({
      executablePath: CHROMIUM,
      args: [...BROWSER_ARGS, '--use-fake-ui-for-media-stream', '--use-fake-device-for-media-stream', `--use-file-for-fake-video-capture=${video}`],
    });
    try {
      const page = await (await withCamera.newContext({ locale: 'en-US', permissions: ['camera'] })).newPage();
      const problems: string[] = [];
      page.on('pageerror', (error) => problems.push(error.message));
      await page.goto(`${base}/console/`);
      await page.getByRole('button', { name: 'English' }).click();
      await signInAs(page, 'CLERK_LONGYOU', 'Window lookup');
      await page.fill('#id-number', LI_WEI);
      await page.fill('#matter', 'HOUSE_TRANSFER');
      await page.fill('#case', 'LY-2026-2005');
      await page.getByRole('button', { name: 'Scan with camera' }).click();
      await page.locator('[data-department="PUBLIC_SECURITY"] [data-item="household"]').waitFor();
      await expect(page.inputValue('#consent')).resolves.toBe(granted.body.data!.grantConsent.token);
      await expect(page.locator('#consent-scan-status').textContent()).resolves.toBe('QR code read');
      // The camera is off again once the code is read.
      expect(await page.locator('video.scanner').isHidden()).toBe(true);
      const mine = await t.graphql<{ myConsents: Array<{ id: string; halls: string[] }> }>('{ myConsents { id halls } }', undefined, liWei);
      expect(mine.body.data!.myConsents.find((g) => g.id === granted.body.data!.grantConsent.id)!.halls).toEqual(['LONGYOU-01']);
      expect(problems).toEqual([]);
    } finally {
      await withCamera.close();
    }
  });

  it('on a 375 px phone: the QR page shows a masked holder and no claims; Li Wei grants consent to a hall by name and shows a QR code of the claims she ticks, whose page shows exactly those (§I 44, §I 51)', async () => {
    const issued = await t.graphql<{ issueCertificate: { identifier: string; credential: string } }>(
      'mutation($input: IssueCertificateInput!) { issueCertificate(input: $input) { identifier credential } }',
      { input: { type: 'MARRIAGE_CERTIFICATE', holder: LI_WEI, idempotencyKey: 'console-phone-1', purpose: await marriageRegistration('MR-CONSOLE-3') } },
      await t.token({ role: 'department', sub: 'civil-affairs-registry', department: 'CIVIL_AFFAIRS' }),
    );
    expect(issued.body.errors).toBeUndefined();
    const { identifier, credential } = issued.body.data!.issueCertificate;
    const phone = await browser.newContext({ locale: 'zh-CN', viewport: { width: 375, height: 812 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true });
    const page = await phone.newPage();
    const problems: string[] = [];
    page.on('pageerror', (error) => problems.push(error.message));
    page.on('console', (message) => {
      if (message.type() === 'error') problems.push(message.text());
    });
    /** How wide the page is laid out: more than the screen means sideways scrolling. */
    const scrollWidth = (on: Page) => on.evaluate('document.scrollingElement.scrollWidth') as Promise<number>;
    const overflow = () => scrollWidth(page);

    // The certificate's own QR code: the verdict first, status, issuer, type, a masked holder; nothing it says.
    await page.goto(`${base}/verify?id=${encodeURIComponent(identifier)}`);
    await page.locator('.verdict.ok').waitFor();
    expect(await overflow()).toBeLessThanOrEqual(375);
    const registryPage = (await page.locator('main').textContent())!;
    expect(registryPage).toMatch(/^电子证照核验Certificate verification✔ 证照有效This certificate is valid\./);
    expect(registryPage).toContain('3308**********2023');
    for (const value of [LI_WEI, 'Li Wei', '2014-05-20', '330825198611021315']) expect(registryPage).not.toContain(value);
    await page.screenshot({ path: join(ARTIFACTS, 'phone-verify-certificate.png'), fullPage: true });

    // Li Wei on her phone: consent for Longyou's hall, picked by its name.
    await page.goto(`${base}/console/`);
    await signInAs(page, 'CITIZEN_LI_WEI', '我的数据');
    expect(await overflow()).toBeLessThanOrEqual(375);
    await page.selectOption('#grant-matter', 'HOUSE_TRANSFER');
    await page.getByLabel('龙游县政务服务中心').check();
    await page.locator('#grant button[type="submit"]').click();
    await page.locator('#consents [data-halls="LONGYOU-01"]', { hasText: '龙游县政务服务中心' }).first().waitFor();
    await page.locator('#consents').screenshot({ path: join(ARTIFACTS, 'phone-consents.png') });

    // Her certificate: she ticks two claims and shows the QR code of those.
    const card = page.locator('.card.certificate', { hasText: identifier });
    await card.locator('details.disclose summary').click();
    const boxes = card.locator('details.disclose input[type="checkbox"]');
    for (let i = 0; i < (await boxes.count()); i++) {
      const box = boxes.nth(i);
      if (!['registeredOn', 'maritalStatus'].includes((await box.getAttribute('value'))!)) await box.uncheck();
    }
    await card.locator('[data-action="present-qr"]').click();
    const qr = card.locator('figure[data-presentation] img');
    await qr.waitFor();
    expect(await overflow()).toBeLessThanOrEqual(375);
    await card.screenshot({ path: join(ARTIFACTS, 'phone-citizen-presentation-qr.png') });
    const photo = { name: 'qr.png', mimeType: 'image/png', buffer: await qr.screenshot() };

    // Someone else scans it (a photo of her screen) on the public verification page: exactly the ticked claims, verified.
    const reader = await (await browser.newContext({ locale: 'zh-CN', viewport: { width: 375, height: 812 }, deviceScaleFactor: 2, isMobile: true })).newPage();
    await reader.goto(`${base}/console/verify`);
    expect(await scrollWidth(reader)).toBeLessThanOrEqual(375);
    await Promise.all([reader.waitForURL(/\/verify\?p=/), reader.setInputFiles('#verify-scan-file', photo)]);
    await reader.locator('.verdict.ok').waitFor();
    expect(await scrollWidth(reader)).toBeLessThanOrEqual(375);
    const shown = await reader.locator('.disclosed dt').allTextContents();
    expect(shown).toEqual(['婚姻状况maritalStatus', '登记日期registeredOn']);
    await expect(reader.locator('.disclosed').textContent()).resolves.toContain('2014-05-20');
    const presentationPage = (await reader.locator('main').textContent())!;
    for (const value of [LI_WEI, 'Li Wei', '330825198611021315']) expect(presentationPage).not.toContain(value);
    await reader.screenshot({ path: join(ARTIFACTS, 'phone-verify-presentation.png'), fullPage: true });

    // The console's page with a pasted certificate shows what the certificate itself discloses, and fits too.
    await reader.goto(`${base}/console/verify`);
    await reader.fill('#credential', credential);
    await reader.locator('#verify-form button[type="submit"]').click();
    await reader.locator('#verification .overall').waitFor();
    expect(await scrollWidth(reader)).toBeLessThanOrEqual(375);
    await reader.screenshot({ path: join(ARTIFACTS, 'phone-console-verify.png'), fullPage: true });
    expect(problems).toEqual([]);
    await phone.close();
  });
});
