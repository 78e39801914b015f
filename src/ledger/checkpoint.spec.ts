import { describe, expect, it } from '@jest/globals';
import { createHash, generateKeyPairSync, verify } from 'node:crypto';
import {
  checkpointBody,
  CheckpointError,
  hasLogKeySignature,
  logKeyForms,
  openNote,
  parseCheckpoint,
  parseVkey,
  signCheckpoint,
  signNote,
  verifyCheckpoint,
  vkeyFor,
  type SignatureForm,
} from './checkpoint.js';
import { EMPTY_ROOT } from './merkle.js';
import { COSIGNATURE, ED25519 } from './signed-note.js';

const ORIGIN = 'onegate.example/ledger';
const ROOT = createHash('sha256').update('some root').digest();
const TIME = 1_795_000_000;
const { privateKey, publicKey } = generateKeyPairSync('ed25519');
const other = generateKeyPairSync('ed25519');
const VKEY = vkeyFor(ORIGIN, publicKey);
const COSIGNATURE_VKEY = vkeyFor(ORIGIN, publicKey, COSIGNATURE);

const rawKey = (key = publicKey) => Buffer.from(key.export({ format: 'jwk' }).x!, 'base64url');
const keyIdOf = (type: number, name = ORIGIN, raw = rawKey()) =>
  createHash('sha256')
    .update(Buffer.concat([Buffer.from(name, 'utf8'), Buffer.of(0x0a, type), raw]))
    .digest()
    .subarray(0, 4);
const sign = (overrides: Partial<{ origin: string; treeSize: number; rootHash: Buffer; timestamp: number }> = {}, key = privateKey, forms?: SignatureForm[]) =>
  signCheckpoint({ origin: ORIGIN, treeSize: 1234, rootHash: ROOT, timestamp: TIME, ...overrides }, key, forms ? { forms } : {});

/** The note's signature lines, each as [name, bytes]. */
function signatureLines(note: string): Array<[string, Buffer]> {
  return note
    .slice(note.lastIndexOf('\n\n') + 2, -1)
    .split('\n')
    .map((line) => {
      const [, name, b64] = line.split(' ');
      return [name!, Buffer.from(b64!, 'base64')];
    });
}

/** Replaces the base64 payload of the note's `index`th signature line. */
function withSignatureBytes(note: string, index: number, edit: (bytes: Buffer) => Buffer): string {
  const split = note.lastIndexOf('\n\n');
  const lines = note.slice(split + 2, -1).split('\n');
  const [dash, name, b64] = lines[index]!.split(' ');
  lines[index] = `${dash} ${name} ${edit(Buffer.from(b64!, 'base64')).toString('base64')}`;
  return `${note.slice(0, split)}\n\n${lines.join('\n')}\n`;
}

const flipByte = (at: number) => (b: Buffer) => {
  const copy = Buffer.from(b);
  copy[at]! ^= 0x01;
  return copy;
};

const rejects = (note: string | Uint8Array, message: string | RegExp, vkey: string = VKEY) => {
  expect(() => verifyCheckpoint(note, vkey)).toThrow(CheckpointError);
  expect(() => verifyCheckpoint(note, vkey)).toThrow(message);
};

describe('signCheckpoint and verifyCheckpoint', () => {
  it('round-trips with either vkey of the log key and returns the signed time', () => {
    const both = { origin: ORIGIN, treeSize: 1234, rootHash: ROOT, timestamp: TIME, signedWith: ['ed25519', 'cosignature'] };
    expect(verifyCheckpoint(sign(), VKEY)).toEqual(both);
    expect(verifyCheckpoint(sign(), COSIGNATURE_VKEY)).toEqual(both);
    expect(verifyCheckpoint(sign({ treeSize: 0, rootHash: EMPTY_ROOT, timestamp: 0 }), parseVkey(VKEY))).toMatchObject({ treeSize: 0, timestamp: 0 });
  });

  it('writes the C2SP note: body, blank line, a plain Ed25519 line (0x01), then a cosignature line (0x04)', () => {
    const note = sign();
    const body = `${ORIGIN}\n1234\n${ROOT.toString('base64')}\n`;
    expect(checkpointBody(ORIGIN, 1234, ROOT)).toBe(body);
    expect(note.startsWith(`${body}\n\u2014 ${ORIGIN} `)).toBe(true);
    const lines = signatureLines(note);
    expect(lines.map(([name]) => name)).toEqual([ORIGIN, ORIGIN]);

    const [, plain] = lines[0]!;
    expect(plain).toHaveLength(4 + 64);
    expect(plain.subarray(0, 4)).toEqual(keyIdOf(0x01));
    expect(verify(null, Buffer.from(body), publicKey, plain.subarray(4))).toBe(true);

    const [, cosigned] = lines[1]!;
    expect(cosigned).toHaveLength(4 + 8 + 64);
    expect(cosigned.subarray(0, 4)).toEqual(keyIdOf(0x04));
    expect(cosigned.readBigUInt64BE(4)).toBe(BigInt(TIME));
    expect(verify(null, Buffer.from(`cosignature/v1\ntime ${TIME}\n${body}`), publicKey, cosigned.subarray(12))).toBe(true);
  });

  it('verifies a checkpoint in either form alone: cosignature only (as stored before), Ed25519 only (no signed time)', () => {
    const legacy = sign({}, privateKey, ['cosignature']);
    expect(signatureLines(legacy)).toHaveLength(1);
    for (const vkey of [VKEY, COSIGNATURE_VKEY]) {
      expect(verifyCheckpoint(legacy, vkey)).toMatchObject({ treeSize: 1234, timestamp: TIME, signedWith: ['cosignature'] });
      expect(verifyCheckpoint(sign({}, privateKey, ['ed25519']), vkey)).toMatchObject({ treeSize: 1234, timestamp: null, signedWith: ['ed25519'] });
    }
    expect(() => sign({}, privateKey, [])).toThrow(CheckpointError);
    expect(() => sign({}, privateKey, ['ed25519', 'ed25519'])).toThrow(CheckpointError);
  });

  it('rejects an edited size, root, time or signature, in either line', () => {
    const note = sign();
    rejects(note.replace('\n1234\n', '\n1235\n'), /signature by .* does not verify/);
    rejects(note.replace(ROOT.toString('base64'), createHash('sha256').update('other').digest('base64')), /does not verify/);
    const laterTime = (b: Buffer) => {
      const copy = Buffer.from(b);
      copy.writeBigUInt64BE(BigInt(TIME + 1), 4);
      return copy;
    };
    rejects(withSignatureBytes(note, 1, laterTime), `signature by ${ORIGIN}+${keyIdOf(0x04).toString('hex')} does not verify`);
    rejects(withSignatureBytes(note, 0, flipByte(40)), `signature by ${ORIGIN}+${keyIdOf(0x01).toString('hex')} does not verify`);
    rejects(withSignatureBytes(note, 1, flipByte(40)), /does not verify/);
    rejects(
      withSignatureBytes(note, 0, (b) => b.subarray(0, 60)),
      /does not verify: wrong length for an Ed25519 signature/,
    );
    rejects(
      withSignatureBytes(note, 1, (b) => b.subarray(0, 70)),
      /does not verify: wrong length for a timestamped Ed25519 signature/,
    );
    // Each line is the other form's length: a line under the wrong key ID cannot pass as the other type.
    const swapped = withSignatureBytes(note, 0, (b) => Buffer.concat([keyIdOf(0x04), b.subarray(4)]));
    rejects(swapped, /wrong length for a timestamped Ed25519 signature/);
  });

  it('rejects a note signed by a different key, or for another origin', () => {
    rejects(sign({}, other.privateKey), `no signature by ${ORIGIN}`);
    rejects(sign(), `no signature by ${ORIGIN}`, vkeyFor(ORIGIN, other.publicKey));
    rejects(sign(), 'no signature by someone.else/log', vkeyFor('someone.else/log', publicKey));
    // The log key's valid signature, under its name and key ID, on a checkpoint of another log.
    const foreign = signNote(checkpointBody('another.example/log', 1234, ROOT), ORIGIN, privateKey);
    rejects(foreign, `the checkpoint origin "another.example/log" is not the key's name "${ORIGIN}"`);
  });

  it('ignores signature lines by other keys, checks every line by its own key, and reads identical lines once', () => {
    const note = sign();
    const randomLine = (name: string, keyId: Buffer, size = 72) => `\u2014 ${name} ${Buffer.concat([keyId, Buffer.alloc(size, 7)]).toString('base64')}\n`;
    const extra =
      randomLine('witness.example/w1', Buffer.from('abcd')) +
      // Same name, unknown key ID; known key ID, other name: both unknown keys (the spec: ignore).
      randomLine(ORIGIN, Buffer.from('wxyz')) +
      randomLine('witness.example/w2', keyIdOf(0x01), 64) +
      randomLine('witness.example/w3', keyIdOf(0x04));
    expect(verifyCheckpoint(note + extra, VKEY)).toMatchObject({ treeSize: 1234, signedWith: ['ed25519', 'cosignature'] });
    expect(verifyCheckpoint(note.replace('\n\n', '\n\n' + extra), VKEY)).toMatchObject({ treeSize: 1234 });
    // A bad line by the log key, in either form, rejects the note even though another one verifies.
    rejects(note + randomLine(ORIGIN, keyIdOf(0x01), 64), /does not verify/);
    rejects(note + randomLine(ORIGIN, keyIdOf(0x04)), /does not verify/);
    // Repeated identical lines are one signature; a second cosignature at another time is checked too.
    expect(verifyCheckpoint(note + note.slice(note.indexOf('\n\n') + 2), VKEY)).toMatchObject({ timestamp: TIME });
    const later = sign({ timestamp: TIME + 60 }, privateKey, ['cosignature']);
    expect(verifyCheckpoint(note + later.slice(later.indexOf('\n\n') + 2), VKEY)).toMatchObject({ timestamp: TIME });
    // A note whose only lines are by unknown keys is refused, whatever they say.
    const onlyOthers = `${checkpointBody(ORIGIN, 1234, ROOT)}\n${extra}`;
    rejects(onlyOthers, `no signature by ${ORIGIN}`);
    expect(parseCheckpoint(note + extra).signatures.map((s) => s.name)).toEqual([
      ORIGIN,
      ORIGIN,
      'witness.example/w1',
      ORIGIN,
      'witness.example/w2',
      'witness.example/w3',
    ]);
  });

  it('refuses to sign bad fields', () => {
    expect(() => sign({ origin: 'two words' })).toThrow(/origin must be a non-empty key name/);
    expect(() => sign({ origin: 'a+b' })).toThrow(CheckpointError);
    expect(() => sign({ origin: '' })).toThrow(CheckpointError);
    expect(() => sign({ treeSize: -1 })).toThrow(/tree size must be a non-negative safe integer/);
    expect(() => sign({ rootHash: ROOT.subarray(1) })).toThrow(/root hash must be 32 bytes/);
    expect(() => sign({ timestamp: 1.5 })).toThrow(/timestamp/);
    expect(() => sign({}, generateKeyPairSync('ed448').privateKey)).toThrow(/Ed25519 private key/);
  });
});

describe('signNote and openNote', () => {
  const text = 'line one\n\nline three, after an empty line\n';
  const known = logKeyForms(VKEY);

  it('signs any text with a plain Ed25519 line and opens it with the known keys', () => {
    const note = signNote(text, ORIGIN, privateKey);
    expect(openNote(note, known)).toEqual({ text, verified: [{ key: known[0], timestamp: null }] });
    expect(() => openNote(note, logKeyForms(vkeyFor(ORIGIN, other.publicKey)))).toThrow(`no signature by ${ORIGIN}`);
    expect(() => openNote(note, [])).toThrow('no signature by a known key');
    expect(() => signNote('no newline', ORIGIN, privateKey)).toThrow('malformed note text');
    expect(() => signNote('a\tb\n', ORIGIN, privateKey)).toThrow('malformed note text');
    expect(() => signNote(text, 'a b', privateKey)).toThrow(/key name/);
  });

  it('refuses an ambiguous list of known keys (same name and key ID, different keys)', () => {
    const forged = { ...parseVkey(vkeyFor(ORIGIN, other.publicKey)), keyId: known[0].keyId };
    expect(() => openNote(signNote(text, ORIGIN, privateKey), [known[0], forged])).toThrow(`ambiguous key ${ORIGIN}+${known[0].keyId.toString('hex')}`);
  });
});

describe('vkeys', () => {
  const fieldsOf = (vkey: string) => {
    const [name, id] = vkey.split('+') as [string, string];
    return { name, id, key: Buffer.from(vkey.slice(name.length + id.length + 2), 'base64') };
  };

  it('writes name+keyID+base64(type || key) for 0x01 (the default) and 0x04, and reads both back', () => {
    for (const [vkey, type] of [
      [VKEY, 0x01],
      [COSIGNATURE_VKEY, 0x04],
    ] as const) {
      const { name, id, key } = fieldsOf(vkey);
      expect(name).toBe(ORIGIN);
      expect(id).toBe(keyIdOf(type).toString('hex'));
      expect(key).toEqual(Buffer.concat([Buffer.of(type), rawKey()]));
      const parsed = parseVkey(`${vkey}\n`);
      expect(parsed).toMatchObject({ name: ORIGIN, type });
      expect(parsed.keyId.toString('hex')).toBe(id);
      expect(rawKey(parsed.publicKey)).toEqual(rawKey());
    }
    expect(vkeyFor(ORIGIN, privateKey)).toBe(VKEY);
    expect(vkeyFor(ORIGIN, publicKey, ED25519)).toBe(VKEY);
  });

  it('gives both forms of the log key from either vkey', () => {
    for (const vkey of [VKEY, COSIGNATURE_VKEY]) {
      const [plain, cosignature] = logKeyForms(vkey);
      expect([plain.type, cosignature.type]).toEqual([0x01, 0x04]);
      expect([plain.keyId, cosignature.keyId]).toEqual([keyIdOf(0x01), keyIdOf(0x04)]);
      expect([plain.name, cosignature.name]).toEqual([ORIGIN, ORIGIN]);
    }
    const legacy = parseCheckpoint(sign({}, privateKey, ['cosignature']));
    expect(hasLogKeySignature(legacy, VKEY)).toBe(true);
    expect(hasLogKeySignature(parseCheckpoint(sign()), COSIGNATURE_VKEY)).toBe(true);
    expect(hasLogKeySignature(legacy, vkeyFor(ORIGIN, other.publicKey))).toBe(false);
  });

  it('rejects malformed keys with a reason', () => {
    const { name, id, key } = fieldsOf(VKEY);
    const b64 = key.toString('base64');
    const fails = (text: string, message: RegExp) => {
      expect(() => parseVkey(text)).toThrow(CheckpointError);
      expect(() => parseVkey(text)).toThrow(message);
    };
    fails('just-a-name', /expected <name>\+<key ID>\+<base64 key>/);
    fails(`${name}+${id}`, /expected <name>/);
    fails(`+${id}+${b64}`, /the name must be non-empty/);
    fails(`${name}+ABCDEF12+${b64}`, /key ID must be 8 lowercase hex digits/);
    fails(`${name}+1234567+${b64}`, /key ID must be 8 lowercase hex digits/);
    fails(`${name}+${id}+${b64}!`, /not standard base64/);
    const ecdsa = Buffer.concat([Buffer.of(0x02), rawKey()]);
    fails(`${name}+${keyIdOf(0x02).toString('hex')}+${ecdsa.toString('base64')}`, /signature type 0x02, expected 0x01 \(Ed25519\) or 0x04/);
    fails(`${name}+${id}+${Buffer.concat([Buffer.of(0x01), rawKey().subarray(1)]).toString('base64')}`, /an Ed25519 key is 32 bytes/);
    fails(`${name}+00000000+${b64}`, /key ID 00000000 does not match the key/);
    fails(`other.name+${id}+${b64}`, /does not match the key/);
    // The key ID commits to the type: a 0x01 key relabelled 0x04 keeps the wrong ID.
    fails(`${name}+${id}+${Buffer.concat([Buffer.of(0x04), rawKey()]).toString('base64')}`, /does not match the key/);
  });
});

describe('parseCheckpoint', () => {
  const note = sign();
  const body = checkpointBody(ORIGIN, 1234, ROOT);
  const signatureBlock = note.slice(body.length + 1);
  const firstLine = signatureBlock.slice(0, signatureBlock.indexOf('\n') + 1);

  it('returns the fields, the body and the signature lines', () => {
    const parsed = parseCheckpoint(note);
    expect(parsed).toMatchObject({ origin: ORIGIN, treeSize: 1234, rootHash: ROOT, body });
    expect(parsed.signatures).toHaveLength(2);
    expect(parsed.signatures.map((s) => s.keyId)).toEqual([keyIdOf(0x01), keyIdOf(0x04)]);
    expect(parsed.signatures.map((s) => s.signature.length)).toEqual([64, 72]);
    expect(parseCheckpoint(Buffer.from(note, 'utf8')).treeSize).toBe(1234);
  });

  it('rejects malformed notes, saying why', () => {
    const fails = (text: string | Uint8Array, message: RegExp) => {
      expect(() => parseCheckpoint(text)).toThrow(CheckpointError);
      expect(() => parseCheckpoint(text)).toThrow(message);
    };
    fails(note.slice(0, -1), /malformed checkpoint: does not end with a newline/);
    fails(body, /no blank line before the signatures/);
    fails(body + '\n', /no signature line after the blank line/);
    fails(note + '\n', /no signature line after the blank line/);
    fails(note.replace(ORIGIN, `${ORIGIN}\t`), /control characters/);
    fails(note.replace(/\n/g, '\r\n'), /control characters/);
    fails(note.replace('\n1234\n', '\n01234\n'), /tree size is not a decimal number without leading zeros/);
    fails(note.replace('\n1234\n', '\n+1234\n'), /tree size is not a decimal/);
    fails(note.replace('\n1234\n', '\n9007199254740993\n'), /tree size is too large/);
    fails(note.replace(ROOT.toString('base64'), ROOT.subarray(1).toString('base64')), /root hash is not 32 bytes/);
    fails(note.replace(ROOT.toString('base64'), ROOT.toString('base64').slice(0, -1)), /root hash is not 32 bytes of standard base64/);
    fails(`${body}extension\n\n${signatureBlock}`, /unexpected extension lines/);
    fails(`${ORIGIN}\n1234\n\n${signatureBlock}`, /expected origin, tree size and root hash lines/);
    fails(`\n1234\n${ROOT.toString('base64')}\n\n${signatureBlock}`, /origin line is empty/);
    fails(`${body}\n- ${ORIGIN} abcd\n`, /signature line 1 is not/);
    fails(`${body}\n\u2014 ${ORIGIN} QUJD\n`, /signature line 1 does not hold a key ID and a signature/);
    fails(`${body}\n${signatureBlock}\u2014 a b c\n`, /signature line 3 is not/);
    fails(`${body}\n${firstLine}\u2014 ${ORIGIN}  QUJD\n`, /signature line 2 is not/);
    fails(`${body}\n${firstLine.replace(/ (\S+)\n$/, ' $1 \n')}`, /signature line 1 is not/);
    fails(`${body}\n${firstLine.slice(0, -2)}\n`, /signature line 1 does not hold/);
    fails(`${body}\n${firstLine.repeat(65)}`, /more than 64 signatures/);
    fails(Buffer.concat([Buffer.from(note.slice(0, 5)), Buffer.of(0xff), Buffer.from(note.slice(5))]), /not valid UTF-8/);
    fails(note.replace(ORIGIN, `${ORIGIN}\ud800`), /not valid UTF-8/);
  });
});
