/**
 * The auditor console's "Verify ledger" in a real browser (Debian's Chromium driven by
 * playwright-core): it shows the newest checkpoint once sizes of different digit counts exist,
 * compares a kept checkpoint's size as a number, and calls a newest checkpoint smaller than the one
 * seen before what it is — the ledger got shorter — instead of a first sighting (§I 48). Without
 * /usr/bin/chromium the file is skipped locally; in CI (CI set) it runs.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { projectRoot } from '../src/common/project-root.js';
import { createTestApp, type TestApp } from './harness/test-app.js';
import { accessEntry, ledgerOf } from './support/ledger-fixtures.js';

const CHROMIUM = '/usr/bin/chromium';
const LI_WEI = '330825198803142023';
const SEEN_KEY = 'onegate.auditor.checkpoint';
const BROWSER_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-quic', '--no-first-run', '--disable-component-update', '--disable-sync'];
/** The page's localStorage, inside page.evaluate (this file is compiled without the DOM library). */
type PageGlobal = { localStorage: { setItem(key: string, value: string): void; getItem(key: string): string | null } };
const describeInBrowser = existsSync(CHROMIUM) || process.env.CI ? describe : describe.skip;

describeInBrowser('the auditor console verifies the newest checkpoint', () => {
  let t: TestApp;
  let browser: Browser;
  let base: string;

  beforeAll(async () => {
    if (!existsSync(join(projectRoot(), 'dist', 'console', 'index.html'))) {
      execFileSync(process.execPath, [join(projectRoot(), 'scripts', 'run.mjs'), '--build-only'], { stdio: 'inherit' });
    }
    t = await createTestApp({ LEDGER_CHECKPOINT_INTERVAL_SECONDS: '0' });
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    base = (await t.app.getUrl()).replace('[::1]', '127.0.0.1');
    browser = await chromium.launch({ executablePath: CHROMIUM, args: BROWSER_ARGS });
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  const growTo = async (size: number) => {
    const ledger = ledgerOf(t);
    const missing = size - (await ledger.treeSize());
    for (let i = 0; i < missing; i++) await ledger.record(accessEntry(LI_WEI, { caseNumber: `JA-2026-C${size}-${i}` }));
  };

  async function auditorPage(): Promise<{ page: Page; problems: string[] }> {
    const context = await browser.newContext({ locale: 'en-US' });
    const page = await context.newPage();
    const problems: string[] = [];
    page.on('pageerror', (error) => problems.push(error.message));
    await page.goto(`${base}/console/`);
    await page.getByRole('button', { name: 'English' }).click();
    await page.locator('[data-persona="AUDITOR"]').click();
    await page.getByRole('heading', { name: 'Audit', exact: true }).waitFor();
    return { page, problems };
  }

  async function verifyLedger(page: Page, seen: unknown): Promise<{ size: string; verdict: string; className: string }> {
    await page.evaluate(([key, value]) => (globalThis as unknown as PageGlobal).localStorage.setItem(key as string, JSON.stringify(value)), [SEEN_KEY, seen]);
    await page.locator('#checkpoint-size').evaluate((e) => e.remove()).catch(() => undefined);
    await page.locator('#verify-ledger').click();
    await page.locator('#checkpoint-size').waitFor();
    return {
      size: (await page.locator('#checkpoint-size').textContent())!,
      verdict: (await page.locator('#consistency').textContent())!,
      className: (await page.locator('#consistency').getAttribute('class'))!,
    };
  }

  it('extends a kept checkpoint of size 9 to the newest of size 33 (sizes compared as numbers), and flags a shrink', async () => {
    await growTo(9);
    const nine = await ledgerOf(t).createCheckpoint();
    expect(nine.treeSize).toBe(9);
    await growTo(33);
    const newest = await ledgerOf(t).createCheckpoint();
    expect(newest.treeSize).toBe(33);

    const { page, problems } = await auditorPage();
    // Kept with its size as text (as an older console or a hand-edited store might have it): still compared as 9.
    const extended = await verifyLedger(page, { treeSize: '9', rootHash: nine.rootHash.toString('base64'), timestamp: nine.timestamp.toISOString() });
    expect(extended.size).toBe('33');
    expect(extended.verdict).toBe('Consistent (append-only) with the checkpoint seen before, of size 9');
    expect(extended.className).toContain('ok');

    // A checkpoint seen before that is larger than the newest one: the ledger got shorter.
    const shrunk = await verifyLedger(page, { treeSize: 100, rootHash: newest.rootHash.toString('base64'), timestamp: newest.timestamp.toISOString() });
    expect(shrunk.size).toBe('33');
    expect(shrunk.className).toContain('bad');
    expect(shrunk.verdict).toContain('NOT consistent with the checkpoint seen before!');
    expect(shrunk.verdict).toContain('The ledger got shorter');
    expect(shrunk.verdict).toContain('100 → 33');
    // The larger checkpoint stays the one to compare with next time.
    expect(await page.evaluate((key) => JSON.parse((globalThis as unknown as PageGlobal).localStorage.getItem(key)!).treeSize, SEEN_KEY)).toBe(100);
    expect(problems).toEqual([]);
  });
});
