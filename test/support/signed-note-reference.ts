/**
 * A second, independent reading of C2SP signed notes (c2sp.org/signed-note), tlog-checkpoint
 * bodies (c2sp.org/tlog-checkpoint) and tlog-cosignature/v1 lines (c2sp.org/tlog-cosignature),
 * written here from those texts with node:crypto only — nothing from src/ — so tests can hold the
 * gateway's notes against a verifier it did not write. Deliberately plain: no shared helpers.
 */
import { createHash, createPublicKey, sign, verify, type KeyObject } from 'node:crypto';

export interface ReferenceVkey {
  name: string;
  keyIdHex: string;
  /** The signature type byte: 0x01 Ed25519, 0x04 timestamped Ed25519 cosignature. */
  type: number;
  key: KeyObject;
}

/** `<name>+<8 hex key ID>+<base64(type || key)>`, its key ID checked: SHA-256(name || "\n" || type || key)[:4]. */
export function referenceParseVkey(vkey: string): ReferenceVkey {
  const plus1 = vkey.indexOf('+');
  const plus2 = vkey.indexOf('+', plus1 + 1);
  if (plus1 <= 0 || plus2 < 0) throw new Error('vkey: expected name+id+key');
  const name = vkey.slice(0, plus1);
  const keyIdHex = vkey.slice(plus1 + 1, plus2);
  const bytes = Buffer.from(vkey.slice(plus2 + 1), 'base64');
  if (bytes.toString('base64') !== vkey.slice(plus2 + 1)) throw new Error('vkey: key is not canonical base64');
  const type = bytes[0]!;
  if ((type !== 0x01 && type !== 0x04) || bytes.length !== 33) throw new Error(`vkey: not an Ed25519 key of type 0x01 or 0x04`);
  const id = createHash('sha256')
    .update(Buffer.concat([Buffer.from(name, 'utf8'), Buffer.from([0x0a]), bytes]))
    .digest()
    .subarray(0, 4);
  if (id.toString('hex') !== keyIdHex) throw new Error('vkey: key ID does not match the key');
  const key = createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: bytes.subarray(1).toString('base64url') }, format: 'jwk' });
  return { name, keyIdHex, type, key };
}

export interface ReferenceSignature {
  name: string;
  keyIdHex: string;
  type: number;
  /** POSIX seconds of a cosignature line; null for a plain Ed25519 line. */
  time: number | null;
}

/**
 * Opens a signed note against trusted vkeys: the text is everything before the last blank line;
 * each line `— <name> base64(key ID || signature)` whose name and key ID are a trusted key's must
 * verify (0x01: Ed25519 over the text; 0x04: timestamp[8] || Ed25519 over
 * "cosignature/v1\ntime <t>\n" || text), lines by other keys are ignored, and at least one must
 * verify. Throws otherwise.
 */
export function referenceOpenNote(note: string, vkeys: string[]): { text: string; verified: ReferenceSignature[] } {
  if (/[\u0000-\u0009\u000b-\u001f]/.test(note)) throw new Error('note: control characters');
  if (!note.endsWith('\n')) throw new Error('note: no final newline');
  const split = note.lastIndexOf('\n\n');
  if (split < 0) throw new Error('note: no blank line');
  const text = note.slice(0, split + 1);
  const lines = note.slice(split + 2, -1).split('\n');
  if (lines.length === 0 || lines[0] === '') throw new Error('note: no signature lines');
  const trusted = vkeys.map(referenceParseVkey);
  const verified: ReferenceSignature[] = [];
  for (const line of lines) {
    const match = /^\u2014 (\S+) (\S+)$/.exec(line);
    if (!match || match[1]!.includes('+')) throw new Error(`note: bad signature line ${JSON.stringify(line)}`);
    const [, name, b64] = match;
    const bytes = Buffer.from(b64!, 'base64');
    if (bytes.toString('base64') !== b64 || bytes.length < 5) throw new Error('note: signature is not base64 of a key ID and a signature');
    const keyIdHex = bytes.subarray(0, 4).toString('hex');
    const key = trusted.find((k) => k.name === name && k.keyIdHex === keyIdHex);
    if (!key) continue;
    let time: number | null = null;
    let message = Buffer.from(text, 'utf8');
    let signature = bytes.subarray(4);
    if (key.type === 0x04) {
      if (signature.length !== 72) throw new Error('note: a cosignature is 8 + 64 bytes');
      time = Number(signature.readBigUInt64BE(0));
      message = Buffer.from(`cosignature/v1\ntime ${time}\n${text}`, 'utf8');
      signature = signature.subarray(8);
    }
    if (signature.length !== 64 || !verify(null, message, key.key, signature)) throw new Error(`note: signature by ${name}+${keyIdHex} does not verify`);
    verified.push({ name: name!, keyIdHex, type: key.type, time });
  }
  if (verified.length === 0) throw new Error('note: no signature by a trusted key');
  return { text, verified };
}

/** The three lines of a checkpoint body: origin, decimal tree size, base64 root hash. */
export function referenceCheckpointBody(text: string): { origin: string; treeSize: number; rootHash: string } {
  const lines = text.split('\n');
  if (lines.length !== 4 || lines[3] !== '') throw new Error('checkpoint: expected exactly three lines');
  const [origin, size, root] = lines as [string, string, string];
  if (!/^(0|[1-9]\d*)$/.test(size)) throw new Error('checkpoint: tree size');
  if (Buffer.from(root, 'base64').length !== 32 || Buffer.from(root, 'base64').toString('base64') !== root) throw new Error('checkpoint: root hash');
  return { origin, treeSize: Number(size), rootHash: root };
}

/**
 * A checkpoint exactly as the gateway signed it before the Ed25519 line was added: the body and one
 * tlog-cosignature/v1 line by the log key under the name = origin, nothing else.
 */
export function legacyCosignedCheckpoint(checkpoint: { origin: string; treeSize: number; rootHash: Buffer; timestamp: number }, privateKey: KeyObject): string {
  const body = `${checkpoint.origin}\n${checkpoint.treeSize}\n${checkpoint.rootHash.toString('base64')}\n`;
  const raw = Buffer.from(createPublicKey(privateKey).export({ format: 'jwk' }).x!, 'base64url');
  const keyId = createHash('sha256')
    .update(Buffer.concat([Buffer.from(`${checkpoint.origin}\n`), Buffer.from([0x04]), raw]))
    .digest()
    .subarray(0, 4);
  const time = Buffer.alloc(8);
  time.writeBigUInt64BE(BigInt(checkpoint.timestamp));
  const signature = sign(null, Buffer.from(`cosignature/v1\ntime ${checkpoint.timestamp}\n${body}`), privateKey);
  return `${body}\n\u2014 ${checkpoint.origin} ${Buffer.concat([keyId, time, signature]).toString('base64')}\n`;
}
