/**
 * The auditor console's "Verify ledger" in a real browser (Debian's Chromium driven by
 * playwright-core): it shows the newest checkpoint once sizes of different digit counts exist,
 * compares a kept checkpoint's size as a number, and calls a newest checkpoint smaller than the one
 * seen before what it is — the ledger got shorter — instead of a first sighting (§I 48). Without
 * /usr/bin/chromium the file is skipped locally; in CI (CI set) it runs.
 */
import { execFileSync } from 'node:child_process';
import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { chromium, type Browser, type Page } from 'playwright-core';
import { vkeyFor } from '../src/ledger/checkpoint.js';
import { loadLedgerSigningKey } from '../src/ledger/ledger-key.js';
import { projectRoot } from '../src/common/project-root.js';
import { createTestApp, type TestApp } from './harness/test-app.js';
import { accessEntry, ledgerOf } from './support/ledger-fixtures.js';
import { referenceRoot } from './support/rfc9162-reference.js';
import { legacyCosignedCheckpoint } from './support/signed-note-reference.js';
import { BROWSER_ARGS, CHROMIUM, describeInBrowser } from './support/browser.js';

const LI_WEI = '330825198803142023';
const SEEN_KEY = 'onegate.auditor.checkpoint';
/** The page's localStorage, inside page.evaluate (this file is compiled without the DOM library). */
type PageGlobal = { localStorage: { setItem(key: string, value: string): void; getItem(key: string): string | null } };

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
    await page.locator('#checkpoint-size').evaluateAll((elements) => elements.forEach((e) => e.remove()));
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
    // The signed note was checked here, both signature lines of the ledger key.
    expect(await page.locator('#checkpoint-signature').textContent()).toBe(
      'Checkpoint signature checked in this browser (ledger key): Ed25519 signed note + timestamped cosignature',
    );
    expect(await page.locator('#checkpoint-signature').getAttribute('class')).toContain('ok');

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

  /** Clicks "Verify ledger" with `seen` kept, and waits for the signature verdict. */
  async function verifySignature(page: Page, seen: unknown): Promise<{ signature: string; className: string; consistency: string | null }> {
    await page.evaluate(([key, value]) => (globalThis as unknown as PageGlobal).localStorage.setItem(key as string, JSON.stringify(value)), [SEEN_KEY, seen]);
    await page.locator('#checkpoint-signature').evaluateAll((elements) => elements.forEach((e) => e.remove()));
    await page.locator('#verify-ledger').click();
    await page.locator('#checkpoint-signature').waitFor();
    const consistency = page.locator('#consistency');
    return {
      signature: (await page.locator('#checkpoint-signature').textContent())!,
      className: (await page.locator('#checkpoint-signature').getAttribute('class'))!,
      consistency: (await consistency.count()) ? await consistency.textContent() : null,
    };
  }

  const kept = (page: Page) => page.evaluate((key) => JSON.parse((globalThis as unknown as PageGlobal).localStorage.getItem(key)!), SEEN_KEY);

  it('checks a cosignature-only checkpoint (as stored before the Ed25519 line) and refuses a note changed in transit or signed by another key', async () => {
    const before = await ledgerOf(t).createCheckpoint();
    await growTo(before.treeSize + 7);
    const owner = new pg.Client({ connectionString: t.databaseUrl });
    await owner.connect();
    let legacySize: number;
    try {
      // The newest checkpoint as the old code signed it: one tlog-cosignature/v1 line.
      const leaves = (await owner.query<{ h: Buffer }>('SELECT leaf_hash AS h FROM onegate.ledger_entry ORDER BY leaf_index')).rows.map((r) =>
        r.h.toString('base64'),
      );
      legacySize = leaves.length;
      const rootHash = Buffer.from(referenceRoot(leaves), 'base64');
      const seconds = Math.floor(Date.now() / 1000);
      const note = legacyCosignedCheckpoint(
        { origin: t.config.LEDGER_ORIGIN, treeSize: legacySize, rootHash, timestamp: seconds },
        loadLedgerSigningKey(t.config).privateKey,
      );
      await owner.query('INSERT INTO onegate.ledger_checkpoint (id, tree_size, root_hash, signed_at, note) VALUES ($1, $2, $3, $4, $5)', [
        randomUUID(),
        legacySize,
        rootHash,
        new Date(seconds * 1000),
        note,
      ]);
    } finally {
      await owner.end();
    }
    const seen = { treeSize: before.treeSize, rootHash: before.rootHash.toString('base64'), timestamp: before.timestamp.toISOString() };

    const { page, problems } = await auditorPage();
    const legacy = await verifySignature(page, seen);
    expect(legacy.signature).toBe('Checkpoint signature checked in this browser (ledger key): timestamped cosignature');
    expect(legacy.className).toContain('ok');
    expect(legacy.consistency).toBe(`Consistent (append-only) with the checkpoint seen before, of size ${before.treeSize}`);
    expect((await kept(page)).treeSize).toBe(legacySize);

    // The note changed on its way (the root in it, or the size in it and in the field): refused, nothing shown or kept.
    const tamper = async (edit: (cp: { treeSize: number; rootHash: string; note: string }) => void) => {
      await page.route('**/graphql', async (route) => {
        if (!route.request().postData()?.includes('ledgerCheckpoint')) return route.continue();
        const response = await route.fetch();
        const body = (await response.json()) as { data: { ledgerCheckpoint: { treeSize: number; rootHash: string; note: string } } };
        edit(body.data.ledgerCheckpoint);
        await route.fulfill({ response, json: body });
      });
      try {
        return await verifySignature(page, seen);
      } finally {
        await page.unroute('**/graphql');
      }
    };
    const flip = (text: string) => (text[0] === 'A' ? 'B' : 'A') + text.slice(1);
    const rootChanged = await tamper((cp) => (cp.note = cp.note.replace(`\n${cp.rootHash}\n`, `\n${flip(cp.rootHash)}\n`)));
    expect(rootChanged.className).toContain('bad');
    expect(rootChanged.signature).toMatch(/^The checkpoint signature does not check out: signature by \S+ does not verify$/);
    expect(rootChanged.consistency).toBeNull();
    expect(await page.locator('#checkpoint-size').count()).toBe(0);
    const grown = await tamper((cp) => {
      cp.note = cp.note.replace(`\n${cp.treeSize}\n`, `\n${cp.treeSize + 1000}\n`);
      cp.treeSize += 1000;
    });
    expect(grown.signature).toMatch(/does not verify$/);
    const fieldOnly = await tamper((cp) => (cp.treeSize += 1));
    expect(fieldOnly.signature).toBe('The checkpoint signature does not check out: the size or root the gateway states differs from the signed note');
    expect((await kept(page)).treeSize).toBe(before.treeSize); // what the test set; nothing bad was kept

    // A checkpoint seen before under another key: the key changed, said plainly.
    const otherKey = vkeyFor(t.config.LEDGER_ORIGIN, generateKeyPairSync('ed25519').publicKey);
    const changed = await verifySignature(page, { ...seen, vkey: otherKey });
    expect(changed.className).toContain('ok'); // the note is signed by the key the gateway publishes now…
    expect(changed.consistency).toBe('Signed by another key than the checkpoint seen before! Check the ledger key with the operators');
    expect((await kept(page)).vkey).toBe(otherKey);
    // …and the same key in its other vkey form is the same key.
    const sameKeyOtherForm = await verifySignature(page, { ...seen, vkey: vkeyFor(t.config.LEDGER_ORIGIN, loadLedgerSigningKey(t.config).publicKey, 0x04) });
    expect(sameKeyOtherForm.consistency).toBe(`Consistent (append-only) with the checkpoint seen before, of size ${before.treeSize}`);
    expect(problems).toEqual([]);
  });

  it('pages the ledger search forward with Next and back with Previous (Relay after/before)', async () => {
    await growTo(45);
    const { page, problems } = await auditorPage();
    const shownIndexes = async () => (await page.locator('#entries tbody tr td:first-child').allTextContents()).map(Number);
    await page.locator('#audit-subject').fill(LI_WEI);
    await page.locator('#audit-search button[type="submit"]').click();
    await page.locator('#entries tbody tr').first().waitFor();
    const first = await shownIndexes();
    expect(first).toHaveLength(20);
    expect(await page.locator('#previous-page').count()).toBe(0);

    await page.locator('#next-page').click();
    // Page 2 has entries before it: its Previous button shows once it is rendered.
    await page.locator('#previous-page').waitFor();
    const second = await shownIndexes();
    expect(second.length).toBeGreaterThan(0);
    expect(Math.max(...second)).toBeLessThan(Math.min(...first));

    await page.locator('#previous-page').click();
    await page.locator(`#entries tbody tr:first-child > td:first-child:text-is("${first[0]}")`).waitFor();
    expect(await shownIndexes()).toEqual(first);
    // Each search is itself a (restricted) entry about Li Wei, newer than the first page was: so
    // there is a page before it now, and the button says so.
    expect(await page.locator('#previous-page').count()).toBe(1);
    expect(problems).toEqual([]);
  });
});
