import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseVkey, signCheckpoint, vkeyFor, type SignatureForm } from './checkpoint.js';
import { entryContent, entryLeafHash, type LedgerEntryContent } from './ledger-entry.js';
import { EXPORT_FORMAT, type ExportEntryLine, type ExportHeader } from './ledger-export-format.js';
import { LedgerVerifyArgsError, parseLedgerVerifyArgs, runLedgerVerifyCli } from './ledger-verify.cli.js';
import { formatReport, LedgerExportInputError, verifyLedgerExport, type VerificationReport } from './ledger-verify.js';
import { COSIGNATURE } from './signed-note.js';
import { appendLeaves, assembleProof, inclusionProofPlan, MerkleAccumulator, nodeKey } from './merkle.js';

const ORIGIN = 'onegate.test/ledger';
const TIME = 1_795_000_000;
const logKey = generateKeyPairSync('ed25519');
const attackerKey = generateKeyPairSync('ed25519');
const VKEY_TEXT = vkeyFor(ORIGIN, logKey.publicKey);
const VKEY = parseVkey(VKEY_TEXT);

function makeEntry(i: number): LedgerEntryContent {
  return entryContent(
    {
      kind: i % 5 === 0 ? 'CERTIFICATE_ISSUE' : 'DATA_ACCESS',
      actor: { kind: 'clerk', id: `C-${String(i % 7).padStart(3, '0')}`, hall: 'JINGAN-01', region: '310106', department: null },
      subject: { kind: 'PERSON', id: `11010519491231${String(i).padStart(4, '0')}` },
      matter: 'birth registration',
      itemsGranted: ['birthCertificate'],
      departments: ['HEALTH'],
      outcome: 'GRANTED',
      requestId: `req-${i}`,
      detail: { attempt: i, note: 'ünïcode ✓' },
    },
    new Date(Date.UTC(2026, 10, 22, 9, 30, 0, i)),
  );
}

const ENTRIES = Array.from({ length: 100 }, (_, i) => makeEntry(i));

function rootOf(entries: LedgerEntryContent[]): Buffer {
  const accumulator = new MerkleAccumulator();
  for (const entry of entries) accumulator.push(entryLeafHash(entry));
  return accumulator.root();
}

function checkpointFor(entries: LedgerEntryContent[], key: KeyObject = logKey.privateKey, timestamp = TIME): string {
  return signCheckpoint({ origin: ORIGIN, treeSize: entries.length, rootHash: rootOf(entries), timestamp }, key);
}

function headerLine(overrides: Partial<ExportHeader> & { treeSize: number; checkpoint: string }): string {
  const header: ExportHeader = {
    format: EXPORT_FORMAT,
    origin: ORIGIN,
    filter: null,
    complete: true,
    exportedAt: '2026-11-23T08:00:00.000Z',
    ...overrides,
  };
  return JSON.stringify(header);
}

function entryLine(index: number, entry: LedgerEntryContent, extra: Partial<ExportEntryLine> = {}): string {
  const line: ExportEntryLine = { index, leafHash: entryLeafHash(entry).toString('base64'), entry, ...extra };
  return JSON.stringify(line);
}

/** A complete export of `entries`, its header signed by the log. */
function completeExport(entries: LedgerEntryContent[] = ENTRIES): string[] {
  return [headerLine({ treeSize: entries.length, checkpoint: checkpointFor(entries) }), ...entries.map((entry, i) => entryLine(i, entry))];
}

/** A filtered export of some of `entries`, each with its inclusion proof. */
function filteredExport(indexes: number[], entries: LedgerEntryContent[] = ENTRIES): string[] {
  const leaves = entries.map(entryLeafHash);
  const nodes = new Map<string, Buffer>(leaves.map((hash, index) => [nodeKey({ level: 0, index }), hash]));
  for (const node of appendLeaves(0, [], leaves).nodes) nodes.set(nodeKey(node), node.hash);
  return [
    headerLine({ treeSize: entries.length, checkpoint: checkpointFor(entries), complete: false, filter: { actor: 'C-003' } }),
    ...indexes.map((i) =>
      entryLine(i, entries[i]!, { inclusionProof: assembleProof(inclusionProofPlan(i, entries.length), nodes).map((h) => h.toString('base64')) }),
    ),
  ];
}

const verify = (lines: string[], checkpoint?: string, vkey = VKEY) => verifyLedgerExport(lines, { vkey, checkpoint });
const reasons = (report: VerificationReport) => report.failures.map((f) => f.reason);

/** Edits one line's JSON. */
function editLine(lines: string[], at: number, edit: (value: Record<string, any>) => void): string[] {
  const copy = [...lines];
  const value = JSON.parse(copy[at]!);
  edit(value);
  copy[at] = JSON.stringify(value);
  return copy;
}

describe('verifyLedgerExport: complete exports', () => {
  it('passes a good export, reporting the root and the checkpoint', async () => {
    const report = await verify(completeExport());
    expect(report).toMatchObject({
      ok: true,
      origin: ORIGIN,
      complete: true,
      entries: 100,
      treeSize: 100,
      rootHash: rootOf(ENTRIES).toString('base64'),
      firstFailure: null,
      failures: [],
    });
    const root = rootOf(ENTRIES).toString('base64');
    expect(report.checkpoints).toEqual([
      {
        source: 'header',
        treeSize: 100,
        rootHash: root,
        timestamp: TIME,
        signatureVerified: true,
        signedWith: ['ed25519', 'cosignature'],
        matchesEntries: true,
      },
    ]);
    const text = formatReport(report);
    expect(text).toMatch(/^ledger export verified: 100 entries\n/);
    expect(text).toMatch(
      /checkpoint {3}header, size 100, signed 2026-\d\d-\d\dT\d\d:\d\d:\d\dZ: signature ok \(Ed25519 \+ cosignature\), matches the entries\n$/,
    );
  });

  it('accepts checkpoints in either signature form, given either vkey of the log key', async () => {
    const root = rootOf(ENTRIES);
    const signed = (forms: SignatureForm[]) => signCheckpoint({ origin: ORIGIN, treeSize: 100, rootHash: root, timestamp: TIME }, logKey.privateKey, { forms });
    // A cosignature-only header (as stored before the Ed25519 line was added), an Ed25519-only saved one.
    const legacy = editLine(completeExport(), 0, (header) => (header.checkpoint = signed(['cosignature'])));
    for (const vkey of [VKEY, parseVkey(vkeyFor(ORIGIN, logKey.publicKey, COSIGNATURE))]) {
      const report = await verify(legacy, signed(['ed25519']), vkey);
      expect(report).toMatchObject({ ok: true, entries: 100 });
      expect(report.checkpoints).toMatchObject([
        { source: 'header', timestamp: TIME, signatureVerified: true, signedWith: ['cosignature'], matchesEntries: true },
        { source: 'saved', timestamp: null, signatureVerified: true, signedWith: ['ed25519'], matchesEntries: true },
      ]);
      expect(formatReport(report)).toMatch(/saved, size 100, no signed time: signature ok \(Ed25519\), matches the entries\n$/);
    }
    // A line of the log key that fails still rejects the checkpoint, whichever form it is.
    const badLine = signed(['ed25519', 'cosignature']).replace(/(\u2014 \S+ .{20})(.)/, (_, head: string, c: string) => head + (c === 'A' ? 'B' : 'A'));
    const report = await verify(editLine(completeExport(), 0, (header) => (header.checkpoint = badLine)));
    expect(report.firstFailure).toEqual({
      line: 1,
      reason: expect.stringMatching(/^header checkpoint \(size 100\): signature by onegate\.test\/ledger\+[0-9a-f]{8} does not verify$/),
    });
  });

  it('passes an empty ledger and tolerates trailing blank lines', async () => {
    expect(await verify(completeExport([]))).toMatchObject({ ok: true, entries: 0, treeSize: 0 });
    expect(await verify([...completeExport(ENTRIES.slice(0, 3)), '', ''])).toMatchObject({ ok: true, entries: 3 });
  });

  it('names the index of an entry edited after hashing', async () => {
    const lines = editLine(completeExport(), 43, (line) => (line.entry.actor.id = 'C-999'));
    const report = await verify(lines);
    expect(report.ok).toBe(false);
    expect(report.firstFailure).toEqual({ index: 42, line: 44, reason: 'leaf hash does not match its entry' });
    expect(reasons(report)[1]).toMatch(/root of entries 0\.\.99 does not match the header checkpoint/);
    expect(formatReport(report)).toMatch(/first failure index 42, line 44: leaf hash does not match its entry/);
  });

  it('catches a consistent rewrite (leaf hash recomputed) against the signed root', async () => {
    const lines = editLine(completeExport(), 43, (line) => {
      line.entry.actor.id = 'C-999';
      line.leafHash = entryLeafHash(line.entry).toString('base64');
    });
    const report = await verify(lines);
    expect(report.ok).toBe(false);
    expect(report.failures).toEqual([
      { reason: 'the root of entries 0..99 does not match the header checkpoint at size 100: entries were changed, added or removed' },
    ]);
    expect(report.checkpoints[0]).toMatchObject({ signatureVerified: true, matchesEntries: false });
  });

  it('detects a cut tail re-signed without the key, given a saved larger checkpoint', async () => {
    const saved = checkpointFor(ENTRIES);
    const short = ENTRIES.slice(0, 90);
    const forged = [headerLine({ treeSize: 90, checkpoint: checkpointFor(short, attackerKey.privateKey) }), ...short.map((entry, i) => entryLine(i, entry))];
    const report = await verify(forged, saved);
    expect(report.ok).toBe(false);
    expect(reasons(report)).toEqual([
      `header checkpoint (size 90): no signature by ${ORIGIN}`,
      'entries 90..99 missing: a saved checkpoint signs tree size 100; the tail was cut or the export is short',
    ]);
    expect(report.firstFailure).toMatchObject({ line: 1 });
    expect(report.failures[1]).toMatchObject({ index: 90 });
    expect(report.checkpoints.map((c) => [c.source, c.signatureVerified, c.matchesEntries])).toEqual([
      ['header', false, true],
      ['saved', true, false],
    ]);
  });

  it('detects a cut tail under the original header', async () => {
    const report = await verify(completeExport().slice(0, 91));
    expect(report.failures).toEqual([{ index: 90, reason: 'entries 90..99 missing: the header names tree size 100; the tail was cut or the export is short' }]);
  });

  it('checks the export against an earlier saved checkpoint, and detects a fork', async () => {
    expect(await verify(completeExport(), checkpointFor(ENTRIES.slice(0, 50)))).toMatchObject({ ok: true });
    expect((await verify(completeExport(), checkpointFor(ENTRIES.slice(0, 50)))).checkpoints[1]).toMatchObject({
      source: 'saved',
      treeSize: 50,
      signatureVerified: true,
      matchesEntries: true,
    });
    expect(await verify(completeExport(), checkpointFor([]))).toMatchObject({ ok: true });

    const otherHistory = ENTRIES.map((entry, i) => (i === 10 ? { ...entry, matter: 'other' } : entry));
    const earlier = await verify(completeExport(), checkpointFor(otherHistory.slice(0, 50)));
    expect(reasons(earlier)).toEqual(['the root of entries 0..49 does not match the saved checkpoint at size 50: entries were changed, added or removed']);
    const fork = await verify(completeExport(), checkpointFor(otherHistory));
    expect(reasons(fork)[0]).toBe('fork: the header checkpoint and the saved checkpoint both sign tree size 100 with different roots');
  });

  it('names a gap and a duplicate by index', async () => {
    const lines = completeExport();
    const gap = await verify([...lines.slice(0, 38), ...lines.slice(39)]);
    expect(gap.firstFailure).toEqual({ index: 37, line: 39, reason: 'entry 37 missing: a gap before index 38' });
    const bigGap = await verify([...lines.slice(0, 11), ...lines.slice(21)]);
    expect(bigGap.firstFailure).toMatchObject({ index: 10, reason: 'entries 10..19 missing: a gap before index 20' });
    const duplicate = await verify([...lines.slice(0, 22), lines[21]!, ...lines.slice(22)]);
    expect(duplicate.firstFailure).toEqual({ index: 20, line: 23, reason: 'index 20 is duplicated or out of order (expected 21)' });
    expect(reasons(duplicate)).toContain('the export holds 101 entries, more than the tree size 100 its header names');
  });

  it('rejects checkpoints not signed by the key, or for another log', async () => {
    const otherKey = parseVkey(vkeyFor(ORIGIN, attackerKey.publicKey));
    const report = await verify(completeExport(), undefined, otherKey);
    expect(report.ok).toBe(false);
    expect(report.firstFailure).toEqual({ line: 1, reason: `header checkpoint (size 100): no signature by ${ORIGIN}` });
    expect(report.checkpoints[0]).toMatchObject({ signatureVerified: false, timestamp: null, matchesEntries: true });

    const elsewhere = editLine(completeExport(), 0, (header) => (header.origin = 'elsewhere.test/ledger'));
    expect(reasons(await verify(elsewhere))).toEqual(['header checkpoint is for origin "onegate.test/ledger", the export for "elsewhere.test/ledger"']);
    const savedByAttacker = await verify(completeExport(), checkpointFor(ENTRIES.slice(0, 10), attackerKey.privateKey));
    expect(reasons(savedByAttacker)).toEqual([`saved checkpoint (size 10): no signature by ${ORIGIN}`]);
    const mislabelled = editLine(completeExport(), 0, (header) => (header.treeSize = 99));
    expect(reasons(await verify(mislabelled))).toContain('the header names tree size 99 but its checkpoint signs size 100');
  });
});

describe('verifyLedgerExport: filtered exports', () => {
  const picked = [0, 3, 7, 31, 64, 99];

  it('passes entries whose inclusion proofs verify against the signed root', async () => {
    const report = await verify(filteredExport(picked));
    expect(report).toMatchObject({ ok: true, complete: false, entries: 6, treeSize: 100, rootHash: rootOf(ENTRIES).toString('base64') });
    expect(report.checkpoints[0]).toMatchObject({ signatureVerified: true, matchesEntries: true });
    expect(await verify(filteredExport(picked), checkpointFor(ENTRIES))).toMatchObject({ ok: true });
    const fork = await verify(filteredExport(picked), checkpointFor(ENTRIES.map((entry, i) => (i === 5 ? { ...entry, matter: 'x' } : entry))));
    expect(reasons(fork)).toEqual(['fork: the header checkpoint and the saved checkpoint both sign tree size 100 with different roots']);
  });

  it('names the entry whose proof or content was tampered with', async () => {
    const proof = editLine(filteredExport(picked), 3, (line) => {
      const hash = Buffer.from(line.inclusionProof[2], 'base64');
      hash[0]! ^= 1;
      line.inclusionProof[2] = hash.toString('base64');
    });
    const report = await verify(proof);
    expect(report.firstFailure).toEqual({ index: 7, line: 4, reason: 'inclusion proof does not verify against the header checkpoint' });
    expect(report.checkpoints[0]).toMatchObject({ matchesEntries: false });

    const content = editLine(filteredExport(picked), 5, (line) => {
      line.entry.outcome = 'DENIED';
      line.leafHash = entryLeafHash(line.entry).toString('base64');
    });
    expect((await verify(content)).firstFailure).toMatchObject({ index: 64, line: 6 });
    const moved = editLine(filteredExport(picked), 2, (line) => (line.index = 4));
    expect((await verify(moved)).firstFailure).toMatchObject({ index: 4, reason: 'inclusion proof does not verify against the header checkpoint' });
    const outside = editLine(filteredExport(picked), 6, (line) => (line.index = 100));
    expect((await verify(outside)).firstFailure).toMatchObject({ index: 100, reason: 'index 100 is outside the signed tree of size 100' });
    const reordered = filteredExport(picked);
    [reordered[2], reordered[3]] = [reordered[3]!, reordered[2]!];
    expect((await verify(reordered)).firstFailure).toMatchObject({
      index: 3,
      reason: 'index 3 is duplicated or out of order (indexes must increase)',
    });
  });

  it('refuses to check another checkpoint against a filtered export', async () => {
    await expect(verify(filteredExport(picked), checkpointFor(ENTRIES.slice(0, 50)))).rejects.toThrow(
      'the saved checkpoint (size 50) can only be checked against a complete export; this export is filtered, so take a complete one',
    );
  });
});

describe('verifyLedgerExport: malformed input', () => {
  const fails = async (lines: string[], message: string | RegExp, line?: number) => {
    const promise = verify(lines);
    await expect(promise).rejects.toThrow(LedgerExportInputError);
    await expect(verify(lines)).rejects.toThrow(message);
    if (line !== undefined) await expect(verify(lines)).rejects.toMatchObject({ line });
  };

  it('names the line that is not JSON, or not an entry', async () => {
    const lines = completeExport(ENTRIES.slice(0, 10));
    await fails([...lines.slice(0, 4), '{"index": 3,', ...lines.slice(5)], 'line 5: not valid JSON', 5);
    await fails([...lines.slice(0, 4), '[1,2]', ...lines.slice(5)], 'line 5: not a JSON object');
    await fails([...lines.slice(0, 4), '', ...lines.slice(4)], 'line 5: empty line', 5);
    await fails(
      editLine(lines, 3, (line) => (line.index = -1)),
      'line 4: index is not a non-negative integer',
    );
    await fails(
      editLine(lines, 3, (line) => (line.leafHash = 'AAAA')),
      'line 4: leafHash is not 32 bytes of standard base64',
    );
    await fails(
      editLine(lines, 3, (line) => (line.entry = 'x')),
      'line 4: entry is not a JSON object',
    );
    await fails([...lines.slice(0, 3), lines[3]!.replace('"attempt":2', '"attempt":1e999')], 'line 4: entry cannot be hashed');
    const filtered = filteredExport([1, 2]);
    await fails(
      editLine(filtered, 1, (line) => delete line.inclusionProof),
      'line 2: a filtered export needs an inclusionProof with each entry',
    );
    await fails(
      editLine(filtered, 2, (line) => line.inclusionProof.push('nope')),
      'line 3: inclusionProof holds a value that is not 32 bytes of base64',
    );
  });

  it('rejects an empty export, a foreign header and a malformed checkpoint', async () => {
    await fails([], 'the export is empty (expected a header line)');
    await fails(['not json'], 'line 1: not valid JSON');
    const header = completeExport([])[0]!;
    await fails([header.replace(EXPORT_FORMAT, 'something/v2')], /line 1: not a ledger export header/);
    await fails(
      editLine([header], 0, (h) => (h.treeSize = '0')),
      'line 1: the header tree size is not a non-negative integer',
    );
    await fails(
      editLine([header], 0, (h) => delete h.complete),
      'line 1: the header does not say whether the export is complete',
    );
    await fails(
      editLine([header], 0, (h) => (h.checkpoint = 'hello\n')),
      "line 1: the header's checkpoint is not a checkpoint note: malformed checkpoint",
    );
    await expect(verify(completeExport(), 'garbage')).rejects.toThrow('the saved checkpoint is not a checkpoint note');
  });
});

describe('verifyLedgerExport: streaming', () => {
  it('checks a long export from an async source', async () => {
    const size = 20_000;
    const accumulator = new MerkleAccumulator();
    const entry = (i: number) => makeEntry(i % 100);
    for (let i = 0; i < size; i++) accumulator.push(entryLeafHash(entry(i)));
    const checkpoint = signCheckpoint({ origin: ORIGIN, treeSize: size, rootHash: accumulator.root(), timestamp: TIME }, logKey.privateKey);
    async function* lines() {
      yield headerLine({ treeSize: size, checkpoint });
      for (let i = 0; i < size; i++) yield entryLine(i, entry(i));
    }
    const report = await verifyLedgerExport(lines(), { vkey: VKEY });
    expect(report).toMatchObject({ ok: true, entries: size });
  });
});

describe('parseLedgerVerifyArgs', () => {
  const fails = (argv: string[], message: RegExp) => {
    expect(() => parseLedgerVerifyArgs(argv)).toThrow(LedgerVerifyArgsError);
    expect(() => parseLedgerVerifyArgs(argv)).toThrow(message);
  };

  it('reads the flags in both spellings', () => {
    expect(parseLedgerVerifyArgs(['--export', 'a.ndjson'])).toEqual({
      exportPath: 'a.ndjson',
      checkpointPath: undefined,
      key: undefined,
      json: false,
    });
    expect(parseLedgerVerifyArgs(['--json', '--export=a.ndjson', '--checkpoint', 'cp.txt', '--key=k+01234567+AAAA'])).toEqual({
      exportPath: 'a.ndjson',
      checkpointPath: 'cp.txt',
      key: 'k+01234567+AAAA',
      json: true,
    });
  });

  it('refuses missing, empty, unknown and repeated flags', () => {
    fails([], /--export is required/);
    fails(['--json'], /--export is required/);
    fails(['--export'], /--export needs a value/);
    fails(['--export', '--json'], /--export needs a value/);
    fails(['--export='], /--export needs a value/);
    fails(['--export', 'a', '--verbose'], /unknown flag --verbose/);
    fails(['a.ndjson'], /unexpected argument "a.ndjson"/);
    fails(['--export', 'a', '--export', 'b'], /--export is given more than once/);
    fails(['--export', 'a', '--json', '--json'], /--json is given more than once/);
    fails(['--export', 'a', '--json=yes'], /--json takes no value/);
  });
});

describe('runLedgerVerifyCli', () => {
  let root: string;
  let good: string;
  let tampered: string;
  let malformed: string;
  let saved: string;
  let short: string;

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'onegate-ledger-verify-'));
    const write = async (name: string, lines: string[]) => {
      const path = join(root, name);
      await writeFile(path, lines.join('\n') + '\n');
      return path;
    };
    good = await write('good.ndjson', completeExport());
    tampered = await write(
      'tampered.ndjson',
      editLine(completeExport(), 6, (line) => (line.entry.actor.id = 'C-999')),
    );
    malformed = await write('malformed.ndjson', [...completeExport().slice(0, 7), 'oops', ...completeExport().slice(8)]);
    short = await write('short.ndjson', completeExport().slice(0, 91));
    saved = join(root, 'checkpoint.txt');
    await writeFile(saved, checkpointFor(ENTRIES) + '\n'); // as `echo` would save it
    await mkdir(join(root, 'data', 'keys'), { recursive: true });
    await writeFile(join(root, 'data', 'keys', 'ledger.vkey'), VKEY_TEXT + '\n');
    await writeFile(join(root, 'key.vkey'), VKEY_TEXT + '\n');
  });

  afterAll(async () => {
    await rm(root, { recursive: true, force: true });
  });

  async function run(argv: string[], env: NodeJS.ProcessEnv = { DATA_DIR: join(root, 'data') }) {
    let stdout = '';
    let stderr = '';
    const code = await runLedgerVerifyCli(argv, env, {
      stdout: { write: (text: string) => (stdout += text) },
      stderr: { write: (text: string) => (stderr += text) },
    });
    return { code, stdout, stderr };
  }

  it('prints the usage for --help and exits 0', async () => {
    const { code, stderr } = await run(['--help']);
    expect(code).toBe(0);
    expect(stderr).toMatch(/^usage: npm run ledger:verify -- --export <file>/);
  });

  it('exits 0 on a good export, with the key from --key, a key file or DATA_DIR', async () => {
    for (const keyArgs of [['--key', VKEY_TEXT], ['--key', join(root, 'key.vkey')], []]) {
      const { code, stdout, stderr } = await run(['--export', good, ...keyArgs]);
      expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
      expect(stdout).toMatch(/^ledger export verified: 100 entries\n/);
    }
    const withSaved = await run(['--export', good, '--checkpoint', saved]);
    expect(withSaved.code).toBe(0);
    expect(withSaved.stdout).toMatch(/checkpoint {3}saved, size 100/);
  });

  it('prints one JSON object with --json', async () => {
    const { code, stdout } = await run(['--export', tampered, '--json']);
    expect(code).toBe(1);
    const report = JSON.parse(stdout) as VerificationReport;
    expect(report).toMatchObject({ ok: false, entries: 100, firstFailure: { index: 5, line: 7, reason: 'leaf hash does not match its entry' } });
  });

  it('exits 1 when verification fails', async () => {
    const tamperedRun = await run(['--export', tampered]);
    expect(tamperedRun.code).toBe(1);
    expect(tamperedRun.stdout).toMatch(/^ledger export FAILED verification\n/);
    expect(tamperedRun.stdout).toMatch(/first failure index 5, line 7: leaf hash does not match its entry/);
    const cut = await run(['--export', short, '--checkpoint', saved]);
    expect(cut.code).toBe(1);
    expect(cut.stdout).toMatch(/entries 90\.\.99 missing/);
    const wrongKey = await run(['--export', good, '--key', vkeyFor(ORIGIN, attackerKey.publicKey)]);
    expect(wrongKey.code).toBe(1);
    expect(wrongKey.stdout).toMatch(/no signature by onegate\.test\/ledger/);
  });

  it('exits 2 for bad arguments, unreadable or malformed input and a missing key', async () => {
    const cases: Array<[string[], RegExp, NodeJS.ProcessEnv?]> = [
      [[], /--export is required[\s\S]*usage:/],
      [['--export', malformed], /malformed\.ndjson: line 8: not valid JSON/],
      [['--export', join(root, 'absent.ndjson')], /cannot read .*absent\.ndjson: ENOENT/],
      [['--export', root], /cannot read .*EISDIR/],
      [['--export', good, '--checkpoint', join(root, 'absent.txt')], /cannot read the checkpoint/],
      [['--export', good, '--checkpoint', good], /the saved checkpoint is not a checkpoint note/],
      [['--export', good, '--key', join(root, 'absent.vkey')], /cannot read the key file/],
      [['--export', good, '--key', 'name+01234567+AAAA'], /--key: unsupported verifier key: signature type 0x00/],
      [['--export', good, '--key', 'name+0123456z+AAAA'], /cannot read the key file name\+0123456z\+AAAA/],
      [['--export', good], /no verifier key: pass --key <vkey or file> \(the default, .*ledger\.vkey, does not exist\)/, { DATA_DIR: join(root, 'nowhere') }],
      [['--export', good], /no verifier key: pass --key[\s\S]*LOG_LEVEL/, { LOG_LEVEL: 'loud' }],
    ];
    for (const [argv, message, env] of cases) {
      const result = await run(argv, env);
      expect(result).toMatchObject({ code: 2, stdout: '' });
      expect(result.stderr).toMatch(/^onegate ledger:verify: /);
      expect(result.stderr).toMatch(message);
    }
  });
});
