import { describe, expect, it } from '@jest/globals';
import { createHash, generateKeyPairSync, verify } from 'node:crypto';
import {
  checkpointBody,
  CheckpointError,
  parseCheckpoint,
  parseVkey,
  signCheckpoint,
  verifyCheckpoint,
  vkeyFor,
} from './checkpoint.js';
import { EMPTY_ROOT } from './merkle.js';

const ORIGIN = 'onegate.example/ledger';
const ROOT = createHash('sha256').update('some root').digest();
const TIME = 1_795_000_000;
const { privateKey, publicKey } = generateKeyPairSync('ed25519');
const other = generateKeyPairSync('ed25519');
const VKEY = vkeyFor(ORIGIN, publicKey);

const rawKey = (key = publicKey) => Buffer.from(key.export({ format: 'jwk' }).x!, 'base64url');
const sign = (overrides: Partial<{ origin: string; treeSize: number; rootHash: Buffer; timestamp: number }> = {}, key = privateKey) =>
  signCheckpoint({ origin: ORIGIN, treeSize: 1234, rootHash: ROOT, timestamp: TIME, ...overrides }, key);

/** Replaces the base64 payload of the note's (first) signature line. */
function withSignatureBytes(note: string, edit: (bytes: Buffer) => Buffer): string {
  const [body, line] = note.split('\n\n');
  const [dash, name, b64] = line!.trimEnd().split(' ');
  return `${body}\n\n${dash} ${name} ${edit(Buffer.from(b64!, 'base64')).toString('base64')}\n`;
}

const rejects = (note: string | Uint8Array, message: string | RegExp, vkey: string = VKEY) => {
  expect(() => verifyCheckpoint(note, vkey)).toThrow(CheckpointError);
  expect(() => verifyCheckpoint(note, vkey)).toThrow(message);
};

describe('signCheckpoint and verifyCheckpoint', () => {
  it('round-trips and returns the signed time', () => {
    expect(verifyCheckpoint(sign(), VKEY)).toEqual({ origin: ORIGIN, treeSize: 1234, rootHash: ROOT, timestamp: TIME });
    expect(verifyCheckpoint(sign({ treeSize: 0, rootHash: EMPTY_ROOT, timestamp: 0 }), parseVkey(VKEY))).toMatchObject({ treeSize: 0, timestamp: 0 });
  });

  it('writes the C2SP note: body, blank line, em-dash signature line of key ID, big-endian time and signature', () => {
    const note = sign();
    const body = `${ORIGIN}\n1234\n${ROOT.toString('base64')}\n`;
    expect(checkpointBody(ORIGIN, 1234, ROOT)).toBe(body);
    const match = new RegExp(`^${body.replace(/[.+/]/g, '\\$&')}\n\u2014 ${ORIGIN.replace(/[./]/g, '\\$&')} ([A-Za-z0-9+/=]+)\n$`).exec(note);
    expect(match).not.toBeNull();
    const bytes = Buffer.from(match![1]!, 'base64');
    expect(bytes).toHaveLength(4 + 8 + 64);
    const keyId = createHash('sha256')
      .update(Buffer.concat([Buffer.from(ORIGIN, 'utf8'), Buffer.from('\n'), Buffer.of(0x04), rawKey()]))
      .digest()
      .subarray(0, 4);
    expect(bytes.subarray(0, 4)).toEqual(keyId);
    expect(bytes.readBigUInt64BE(4)).toBe(BigInt(TIME));
    const message = Buffer.from(`cosignature/v1\ntime ${TIME}\n${body}`);
    expect(verify(null, message, publicKey, bytes.subarray(12))).toBe(true);
  });

  it('rejects an edited size, root, time or signature', () => {
    const note = sign();
    rejects(note.replace('\n1234\n', '\n1235\n'), 'signature does not verify');
    rejects(note.replace(ROOT.toString('base64'), createHash('sha256').update('other').digest('base64')), 'signature does not verify');
    rejects(
      withSignatureBytes(note, (b) => {
        const copy = Buffer.from(b);
        copy.writeBigUInt64BE(BigInt(TIME + 1), 4);
        return copy;
      }),
      'signature does not verify',
    );
    rejects(
      withSignatureBytes(note, (b) => {
        const copy = Buffer.from(b);
        copy[40]! ^= 0x01;
        return copy;
      }),
      'signature does not verify',
    );
    rejects(withSignatureBytes(note, (b) => b.subarray(0, 70)), /signature does not verify: wrong length/);
  });

  it('rejects a note signed by a different key, or for another origin', () => {
    rejects(sign({}, other.privateKey), `no signature by ${ORIGIN}`);
    rejects(sign(), `no signature by ${ORIGIN}`, vkeyFor(ORIGIN, other.publicKey));
    rejects(sign(), 'no signature by someone.else/log', vkeyFor('someone.else/log', publicKey));
    // A line under our name and key ID on a checkpoint of another log.
    const foreign = sign({ origin: 'another.example/log' });
    const keyId = parseVkey(VKEY).keyId;
    const relabelled = foreign.replace(/\u2014 \S+ (\S+)\n$/, (_, b64: string) => {
      const bytes = Buffer.from(b64, 'base64');
      keyId.copy(bytes, 0);
      return `\u2014 ${ORIGIN} ${bytes.toString('base64')}\n`;
    });
    rejects(relabelled, `the checkpoint origin "another.example/log" is not the key's name "${ORIGIN}"`);
  });

  it('ignores signature lines by other keys, but not a bad one by its own key', () => {
    const note = sign();
    const randomLine = (name: string, keyId: Buffer) => `\u2014 ${name} ${Buffer.concat([keyId, Buffer.alloc(72, 7)]).toString('base64')}\n`;
    const ours = parseVkey(VKEY).keyId;
    const extra =
      randomLine('witness.example/w1', Buffer.from('abcd')) + randomLine(ORIGIN, Buffer.from('wxyz')) + randomLine('witness.example/w2', ours);
    expect(verifyCheckpoint(note + extra, VKEY)).toMatchObject({ treeSize: 1234 });
    expect(verifyCheckpoint(note.replace('\n\n', '\n\n' + extra), VKEY)).toMatchObject({ treeSize: 1234 });
    rejects(note + randomLine(ORIGIN, ours), 'signature does not verify');
    expect(parseCheckpoint(note + extra).signatures.map((s) => s.name)).toEqual([ORIGIN, 'witness.example/w1', ORIGIN, 'witness.example/w2']);
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

describe('vkeys', () => {
  it('writes name+keyID+base64(0x04 || key) and reads it back', () => {
    const [name, id, key] = VKEY.split('+', 2).concat(VKEY.slice(VKEY.indexOf('+', VKEY.indexOf('+') + 1) + 1)) as [string, string, string];
    expect(name).toBe(ORIGIN);
    const expectedId = createHash('sha256')
      .update(Buffer.concat([Buffer.from(ORIGIN), Buffer.of(0x0a, 0x04), rawKey()]))
      .digest()
      .subarray(0, 4)
      .toString('hex');
    expect(id).toBe(expectedId);
    expect(Buffer.from(key, 'base64')).toEqual(Buffer.concat([Buffer.of(0x04), rawKey()]));
    const parsed = parseVkey(`${VKEY}\n`);
    expect(parsed.name).toBe(ORIGIN);
    expect(parsed.keyId.toString('hex')).toBe(expectedId);
    expect(rawKey(parsed.publicKey)).toEqual(rawKey());
    expect(vkeyFor(ORIGIN, privateKey)).toBe(VKEY);
  });

  it('rejects malformed keys with a reason', () => {
    const [name, id] = VKEY.split('+') as [string, string];
    const key = VKEY.slice(name.length + id.length + 2);
    const fails = (text: string, message: RegExp) => {
      expect(() => parseVkey(text)).toThrow(CheckpointError);
      expect(() => parseVkey(text)).toThrow(message);
    };
    fails('just-a-name', /expected <name>\+<key ID>\+<base64 key>/);
    fails(`${name}+${id}`, /expected <name>/);
    fails(`+${id}+${key}`, /the name must be non-empty/);
    fails(`${name}+ABCDEF12+${key}`, /key ID must be 8 lowercase hex digits/);
    fails(`${name}+1234567+${key}`, /key ID must be 8 lowercase hex digits/);
    fails(`${name}+${id}+${key}!`, /not standard base64/);
    fails(`${name}+${id}+${Buffer.concat([Buffer.of(0x01), rawKey()]).toString('base64')}`, /signature type 0x01, expected 0x04/);
    fails(`${name}+${id}+${Buffer.concat([Buffer.of(0x04), rawKey().subarray(1)]).toString('base64')}`, /an Ed25519 key is 32 bytes/);
    fails(`${name}+00000000+${key}`, /key ID 00000000 does not match the key/);
    fails(`other.name+${id}+${key}`, /does not match the key/);
  });
});

describe('parseCheckpoint', () => {
  const note = sign();
  const body = checkpointBody(ORIGIN, 1234, ROOT);
  const signatureLine = note.slice(body.length + 1);

  it('returns the fields, the body and the signature lines', () => {
    const parsed = parseCheckpoint(note);
    expect(parsed).toMatchObject({ origin: ORIGIN, treeSize: 1234, rootHash: ROOT, body });
    expect(parsed.signatures).toHaveLength(1);
    expect(parsed.signatures[0]!.keyId).toEqual(parseVkey(VKEY).keyId);
    expect(parsed.signatures[0]!.signature).toHaveLength(72);
    expect(parseCheckpoint(Buffer.from(note, 'utf8')).treeSize).toBe(1234);
  });

  it('rejects malformed notes, saying why', () => {
    const fails = (text: string | Uint8Array, message: RegExp) => {
      expect(() => parseCheckpoint(text)).toThrow(CheckpointError);
      expect(() => parseCheckpoint(text)).toThrow(message);
    };
    fails(note.slice(0, -1), /does not end with a newline/);
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
    fails(`${body}extension\n\n${signatureLine}`, /unexpected extension lines/);
    fails(`${ORIGIN}\n1234\n\n${signatureLine}`, /expected origin, tree size and root hash lines/);
    fails(`\n1234\n${ROOT.toString('base64')}\n\n${signatureLine}`, /origin line is empty/);
    fails(`${body}\n- ${ORIGIN} abcd\n`, /signature line 1 is not/);
    fails(`${body}\n\u2014 ${ORIGIN} QUJD\n`, /signature line 1 does not hold a key ID and a signature/);
    fails(`${body}\n${signatureLine}\u2014 a b c\n`, /signature line 2 is not/);
    fails(`${body}\n${signatureLine.repeat(65)}`, /more than 64 signatures/);
    fails(Buffer.concat([Buffer.from(note.slice(0, 5)), Buffer.of(0xff), Buffer.from(note.slice(5))]), /not valid UTF-8/);
    fails(note.replace(ORIGIN, `${ORIGIN}\ud800`), /not valid UTF-8/);
  });
});
