/**
 * Ledger checkpoints as others check them: the C2SP signed-note format of
 * src/ledger/checkpoint.ts held against data we did not make and a verifier we did not write.
 *
 *  - Go's own test vectors (golang.org/x/mod/sumdb/note, note_test.go, BSD licence): a published
 *    key pair and the notes it signed. Our verifier must open them; our signer, given Go's private
 *    key, must write Go's signed note byte for byte (Ed25519 is deterministic).
 *  - A real checkpoint of a public log: sum.golang.org's, with its vkey as Go ships it, as
 *    captured in google/trillian-examples (witness/golang/cmd/addrwitness/README.md), witness
 *    signature lines included.
 *  - A checkpoint served by a running gateway, checked against the vkey it publishes by the
 *    reference reader in test/support/signed-note-reference.ts (node:crypto only, written from the
 *    C2SP texts, nothing from src/ledger).
 *  - Drift: a changed byte in the body, a wrong key type byte or a note in the old
 *    cosignature-only form must fail the stock check.
 */
import { createHash, createPrivateKey, createPublicKey } from 'node:crypto';
import { readFileSync } from 'node:fs';
import {
  checkpointBody,
  CheckpointError,
  openNote,
  parseCheckpoint,
  parseVkey,
  signCheckpoint,
  signNote,
  verifyCheckpoint,
  vkeyFor,
} from '../../src/ledger/checkpoint.js';
import { ledgerKeyPaths, loadLedgerSigningKey } from '../../src/ledger/ledger-key.js';
import { createTestApp, type TestApp } from '../harness/test-app.js';
import { referenceCheckpointBody, referenceOpenNote, referenceParseVkey } from '../support/signed-note-reference.js';

// --- golang.org/x/mod/sumdb/note, note_test.go (TestNewVerifier, TestNewSigner, TestSign, TestOpen) ---
const PETER_VKEY = 'PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW';
const PETER_SKEY = 'PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz';
const ENOCH_VKEY = 'EnochRoot+af0cfe78+ATtqJ7zOtqQtYqOo0CpvDXNlMhV3HeJDpjrASKGLWdop';
const GO_TEXT = "If you think cryptography is the answer to your problem,\nthen you don't know what your problem is.\n";
const PETER_SIG = '\u2014 PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n';
const ENOCH_SIG = '\u2014 EnochRoot rwz+eBzmZa0SO3NbfRGzPCpDckykFXSdeX+MNtCOXm2/5n2tiOHp+vAF1aGrQ5ovTG01oOTGwnWLox33WWd1RvMc+QQ=\n';
const GO_SIGNED = `${GO_TEXT}\n${PETER_SIG}`;

// --- sum.golang.org: the vkey Go ships (cmd/go, knownGOSUMDB), and a checkpoint it served, with two
// witness lines by test.example.com (google/trillian-examples, witness/golang/cmd/addrwitness/README.md) ---
const SUMDB_VKEY = 'sum.golang.org+033de0ae+Ac4zctda0e5eza+HJyk9SxEdh+s3Ux18htTTAD8OuAn8';
const SUMDB_BODY = 'go.sum database tree\n15081221\nBoMMe1wd25Tco0mYGROkyqxHZWx+hcSCtMV315Lu6Lg=\n';
const SUMDB_CHECKPOINT =
  SUMDB_BODY +
  '\n' +
  '\u2014 sum.golang.org Az3grilD7vQqTrv66jRgKM84Y80KTprrSt4bKmiOPxgmS5ZVBTeCl6dUvjYnN13R+C8j0jGY1WnUADGMkok3U0m2Zgo=\n' +
  '\u2014 test.example.com qTGhC3917mAr6hGh+T55tNjxaej/D/GQivJZRIj7XGdAcQOTqfMWIPgp/v/904LEduN/h2sSRtHUJXUL4b9Gm7Bz4Qc=\n' +
  '\u2014 test.example.com /Pa7Y/dUvWMAAAAAQVwkQVi81ArPV7BIaQYrMIxyzY0m8a4BdeeBhSKd3PviPK4/3Sd+NKSc5N7PDTCfAkUSVniN+R2oKIggA4iiDQ==\n';
// An earlier one from the same README, with one witness line.
const SUMDB_EARLIER =
  'go.sum database tree\n15067302\ngJyioq6dwR9n+NjEWORfYmH+ubeYm3kH42BBQ0bTpYI=\n\n' +
  '\u2014 sum.golang.org Az3grp1rvWOs5NKlr/xR4GLN/CDyzzakmt1o61uSxYKpK1SerqOP2ClbX/peKUZjYnyomH5Xz7GZG3TpB7OeKn4E2ww=\n' +
  '\u2014 test.example.com qTGhC/xIPQ0AXKHK6Y+9ypRfuvMZWPjRXM8NiOg5M1WREn07VQXyuIXM3NRNav3ieVFLUqDRK77PWDmL6w8w84UqeAw=\n';

/** Go's signer key `PRIVATE+KEY+<name>+<id>+base64(0x01 || seed)` as a node:crypto key (PKCS#8 for an Ed25519 seed). */
function goSignerKey(skey: string) {
  const seed = Buffer.from(skey.split('+').slice(4).join('+'), 'base64');
  expect(seed[0]).toBe(0x01);
  return createPrivateKey({ key: Buffer.concat([Buffer.from('302e020100300506032b657004220420', 'hex'), seed.subarray(1)]), format: 'der', type: 'pkcs8' });
}

/** The note with one character of its signature line `line` (0-based) replaced, past the key ID. */
function withSignatureEdited(note: string, line: number, at = 20): string {
  const split = note.lastIndexOf('\n\n');
  const lines = note.slice(split + 2, -1).split('\n');
  const [dash, name, b64] = lines[line]!.split(' ');
  lines[line] = `${dash} ${name} ${b64!.slice(0, at)}${b64![at] === 'A' ? 'B' : 'A'}${b64!.slice(at + 1)}`;
  return `${note.slice(0, split)}\n\n${lines.join('\n')}\n`;
}

describe("Go's sumdb/note test vectors", () => {
  it("opens Go's signed note with our verifier given Go's vkey", () => {
    const peter = parseVkey(PETER_VKEY);
    expect(peter).toMatchObject({ name: 'PeterNeumann', type: 0x01 });
    expect(peter.keyId.toString('hex')).toBe('c74f20a3');
    expect(openNote(GO_SIGNED, [peter])).toEqual({ text: GO_TEXT, verified: [{ key: peter, timestamp: null }] });
    // The reference reader agrees.
    expect(referenceOpenNote(GO_SIGNED, [PETER_VKEY]).verified).toEqual([{ name: 'PeterNeumann', keyIdHex: 'c74f20a3', type: 0x01, time: null }]);
  });

  it("signs Go's text with Go's private key through our signer, byte-identical to Go's Sign", () => {
    const key = goSignerKey(PETER_SKEY);
    expect(signNote(GO_TEXT, 'PeterNeumann', key)).toBe(GO_SIGNED);
    expect(vkeyFor('PeterNeumann', createPublicKey(key))).toBe(PETER_VKEY);
    // Our checkpoint signer's 0x01 line is the same construction: a stock verifier with Go's vkey accepts it.
    const body = checkpointBody('PeterNeumann', 42, createHash('sha256').update('root').digest());
    const note = signCheckpoint(
      { origin: 'PeterNeumann', treeSize: 42, rootHash: createHash('sha256').update('root').digest(), timestamp: 1_700_000_000 },
      key,
    );
    expect(note.startsWith(signNote(body, 'PeterNeumann', key))).toBe(true);
    expect(referenceOpenNote(note, [PETER_VKEY]).verified).toEqual([{ name: 'PeterNeumann', keyIdHex: 'c74f20a3', type: 0x01, time: null }]);
  });

  it('ignores signatures by unknown keys, verifies every known one, and refuses a note with none (TestOpen)', () => {
    const [peter, enoch] = [parseVkey(PETER_VKEY), parseVkey(ENOCH_VKEY)];
    const both = `${GO_TEXT}\n${PETER_SIG}${ENOCH_SIG}`;
    expect(openNote(both, [peter]).verified.map((v) => v.key.name)).toEqual(['PeterNeumann']);
    expect(openNote(both, [peter, enoch]).verified.map((v) => v.key.name)).toEqual(['PeterNeumann', 'EnochRoot']);
    expect(() => openNote(both, [])).toThrow(CheckpointError);
    expect(() => openNote(`${GO_TEXT}\n${ENOCH_SIG}`, [peter])).toThrow('no signature by PeterNeumann');
    // Duplicated verified and unverified signatures: Peter's once, Enoch's (unknown, one of them corrupt) ignored.
    const enochBad = ENOCH_SIG.slice(0, 60) + 'ABCD' + ENOCH_SIG.slice(60);
    const duplicated = `${GO_TEXT}\n${PETER_SIG}${PETER_SIG}${ENOCH_SIG}${ENOCH_SIG}${enochBad}`;
    expect(openNote(duplicated, [peter]).verified).toHaveLength(1);
    // Invalid signature by the known key.
    expect(() => openNote(`${GO_TEXT}\n${PETER_SIG.slice(0, 60)}ABCD${PETER_SIG.slice(60)}`, [peter])).toThrow(/does not verify/);
  });

  it("refuses the malformed notes Go refuses (TestOpen's badMsgs, too many signatures)", () => {
    const peter = parseVkey(PETER_VKEY);
    const bad: Array<string | Uint8Array> = [
      GO_TEXT,
      GO_TEXT + '\n',
      GO_TEXT + '\n' + PETER_SIG.slice(0, -1),
      '\x01' + GO_TEXT + '\n' + PETER_SIG,
      Buffer.concat([Buffer.of(0xff), Buffer.from(GO_TEXT + '\n' + PETER_SIG)]),
      GO_TEXT + '\n' + '\u2014 Bad Name x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=',
      GO_TEXT + '\n' + PETER_SIG + 'Unexpected line.\n',
      GO_TEXT + '\n' + PETER_SIG.repeat(101),
    ];
    for (const note of bad) expect(() => openNote(note, [peter])).toThrow(/malformed note/);
  });

  it("refuses Go's mangled verifier keys (TestNewVerifier)", () => {
    for (let i = 0; i < PETER_VKEY.length; i++) {
      const mangled = PETER_VKEY.slice(0, i) + String.fromCharCode(PETER_VKEY.charCodeAt(i) + 1) + PETER_VKEY.slice(i + 1);
      expect(() => parseVkey(mangled)).toThrow(CheckpointError);
    }
    for (const prefix of [PETER_VKEY.slice(0, 20), PETER_VKEY.slice(0, -1), PETER_VKEY.slice(1)]) expect(() => parseVkey(prefix)).toThrow(CheckpointError);
    expect(() => parseVkey('PeterNeumann+cc469956+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TWBADKEY==')).toThrow(/32 bytes/); // wrong length key
    expect(() => parseVkey('PeterNeumann+173116ae+ZRpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW')).toThrow(/unsupported verifier key/); // unknown algorithm
  });
});

describe("sum.golang.org's checkpoint", () => {
  it('verifies with the vkey Go ships, ignoring the witness lines, and reads as a tlog-checkpoint', () => {
    const sumdb = parseVkey(SUMDB_VKEY);
    expect(sumdb.keyId.toString('hex')).toBe('033de0ae');
    for (const [note, size] of [
      [SUMDB_CHECKPOINT, 15081221],
      [SUMDB_EARLIER, 15067302],
    ] as const) {
      expect(openNote(note, [sumdb]).verified).toEqual([{ key: sumdb, timestamp: null }]);
      expect(parseCheckpoint(note)).toMatchObject({ origin: 'go.sum database tree', treeSize: size });
      expect(parseCheckpoint(note).signatures.map((s) => s.name)).toEqual(
        note === SUMDB_CHECKPOINT ? ['sum.golang.org', 'test.example.com', 'test.example.com'] : ['sum.golang.org', 'test.example.com'],
      );
      expect(referenceOpenNote(note, [SUMDB_VKEY]).verified).toHaveLength(1);
      expect(referenceCheckpointBody(referenceOpenNote(note, [SUMDB_VKEY]).text)).toMatchObject({ origin: 'go.sum database tree', treeSize: size });
    }
    // This log's origin is not its key name; our own ledger's checkpoints must have origin = key name.
    expect(() => verifyCheckpoint(SUMDB_CHECKPOINT, SUMDB_VKEY)).toThrow(
      'the checkpoint origin "go.sum database tree" is not the key\'s name "sum.golang.org"',
    );
  });

  it('fails when a byte of the body or the signature drifts', () => {
    const sumdb = parseVkey(SUMDB_VKEY);
    for (const drifted of [
      SUMDB_CHECKPOINT.replace('15081221', '15081222'),
      SUMDB_CHECKPOINT.replace('BoMMe1wd', 'BoMMe1wD'),
      SUMDB_CHECKPOINT.replace('go.sum database tree', 'go.sum database tre3'),
      withSignatureEdited(SUMDB_CHECKPOINT, 0),
    ]) {
      expect(() => openNote(drifted, [sumdb])).toThrow(/does not verify/);
      expect(() => referenceOpenNote(drifted, [SUMDB_VKEY])).toThrow(/does not verify/);
    }
  });
});

describe('a checkpoint served by the gateway, checked by the reference reader against the vkey it publishes', () => {
  let t: TestApp;
  let key: { origin: string; vkey: string; cosignatureVkey: string };
  let checkpoint: { treeSize: number; rootHash: string; timestamp: string; note: string };

  beforeAll(async () => {
    t = await createTestApp({ LEDGER_CHECKPOINT_INTERVAL_SECONDS: '0' });
    const auditor = await t.token({ role: 'auditor', sub: 'A-001' });
    key = (await t.graphql<{ ledgerPublicKey: typeof key }>('{ ledgerPublicKey { origin vkey cosignatureVkey } }')).body.data!.ledgerPublicKey;
    const made = await t.graphql<{ createLedgerCheckpoint: typeof checkpoint }>(
      'mutation { createLedgerCheckpoint { treeSize rootHash timestamp note } }',
      undefined,
      auditor,
    );
    expect(made.body.errors).toBeUndefined();
    checkpoint = made.body.data!.createLedgerCheckpoint;
  });
  afterAll(async () => {
    await t?.close();
  });

  it("publishes a plain Ed25519 vkey (type 0x01, as Go's NewVerifier reads) beside the cosignature vkey (0x04)", () => {
    const vkey = referenceParseVkey(key.vkey);
    expect(vkey).toMatchObject({ name: key.origin, type: 0x01 });
    expect(referenceParseVkey(key.cosignatureVkey)).toMatchObject({ name: key.origin, type: 0x04 });
    // Same Ed25519 key, two key IDs: SHA-256(name || "\n" || type || key)[:4].
    const keyBytes = (vkey: string) => Buffer.from(vkey.split('+').slice(2).join('+'), 'base64');
    expect(keyBytes(key.vkey).subarray(1)).toEqual(keyBytes(key.cosignatureVkey).subarray(1));
    expect(vkey.keyIdHex).not.toBe(referenceParseVkey(key.cosignatureVkey).keyIdHex);
    // The development key file ledger:verify reads by default holds the same vkey.
    expect(readFileSync(ledgerKeyPaths(t.config.dataDir).vkey, 'utf8')).toBe(key.vkey + '\n');
    expect(loadLedgerSigningKey(t.config).vkey).toBe(key.vkey);
  });

  it('verifies as a stock verifier would: the 0x01 line with the vkey alone (the cosignature line unknown, ignored)', () => {
    const opened = referenceOpenNote(checkpoint.note, [key.vkey]);
    expect(opened.verified).toEqual([{ name: key.origin, keyIdHex: referenceParseVkey(key.vkey).keyIdHex, type: 0x01, time: null }]);
    expect(referenceCheckpointBody(opened.text)).toEqual({ origin: key.origin, treeSize: checkpoint.treeSize, rootHash: checkpoint.rootHash });
    // The cosignature line, with the cosignature vkey: signed at the checkpoint's timestamp.
    const cosigned = referenceOpenNote(checkpoint.note, [key.cosignatureVkey]);
    expect(cosigned.verified).toEqual([expect.objectContaining({ type: 0x04, time: Date.parse(checkpoint.timestamp) / 1000 })]);
  });

  it('fails when the format drifts: a changed body byte, a wrong key type byte, a signature under another key ID, the old cosignature-only form', () => {
    const { note } = checkpoint;
    const root = checkpoint.rootHash;
    const bodyDrift = note.replace(`\n${root}\n`, `\n${root[0] === 'A' ? 'B' : 'A'}${root.slice(1)}\n`);
    expect(bodyDrift).not.toBe(note);
    expect(() => referenceOpenNote(bodyDrift, [key.vkey])).toThrow(/does not verify/);
    expect(() => verifyCheckpoint(bodyDrift, key.vkey)).toThrow(/does not verify/);
    const sizeDrift = note.replace(`\n${checkpoint.treeSize}\n`, `\n${checkpoint.treeSize + 1}\n`);
    expect(() => referenceOpenNote(sizeDrift, [key.vkey])).toThrow(/does not verify/);

    // A vkey whose type byte says 0x04 but whose ID is the 0x01 one: not a valid vkey.
    const [name, id, b64] = [key.origin, key.vkey.split('+')[1]!, key.vkey.split('+').slice(2).join('+')];
    const retyped = Buffer.from(b64, 'base64');
    retyped[0] = 0x04;
    expect(() => referenceParseVkey(`${name}+${id}+${retyped.toString('base64')}`)).toThrow(/key ID/);
    expect(() => parseVkey(`${name}+${id}+${retyped.toString('base64')}`)).toThrow(/does not match the key/);
    // The 0x01 line relabelled with a type-0x02 key ID: unknown to a verifier holding the vkey.
    const raw = Buffer.from(b64, 'base64').subarray(1);
    const otherId = createHash('sha256')
      .update(Buffer.concat([Buffer.from(`${name}\n`), Buffer.of(0x02), raw]))
      .digest()
      .subarray(0, 4);
    const split = note.indexOf('\n\n');
    const [first] = note.slice(split + 2).split('\n');
    const bytes = Buffer.from(first!.split(' ')[2]!, 'base64');
    otherId.copy(bytes, 0);
    const relabelled = `${note.slice(0, split)}\n\n\u2014 ${name} ${bytes.toString('base64')}\n`;
    expect(() => referenceOpenNote(relabelled, [key.vkey])).toThrow('no signature by a trusted key');
    expect(() => verifyCheckpoint(relabelled, key.vkey)).toThrow(`no signature by ${key.origin}`);

    // The form the log signed before (cosignature only) is what a stock verifier cannot check.
    const legacy = signCheckpoint(
      {
        origin: key.origin,
        treeSize: checkpoint.treeSize,
        rootHash: Buffer.from(checkpoint.rootHash, 'base64'),
        timestamp: Date.parse(checkpoint.timestamp) / 1000,
      },
      loadLedgerSigningKey(t.config).privateKey,
      { forms: ['cosignature'] },
    );
    expect(() => referenceOpenNote(legacy, [key.vkey])).toThrow('no signature by a trusted key');
  });
});
