import { createHash, createPublicKey, sign, verify, type KeyObject } from 'node:crypto';

/**
 * Signed tree heads of the ledger: a C2SP tlog-checkpoint (c2sp.org/tlog-checkpoint) in a C2SP
 * signed note (c2sp.org/signed-note), signed by the log's own key with a timestamped Ed25519
 * cosignature (c2sp.org/tlog-cosignature, signature type 0x04), key name = origin:
 *
 *   <origin>\n<tree size>\n<base64 root>\n
 *   \n
 *   — <origin> base64(key ID[4] || timestamp[8, big-endian] || Ed25519 signature[64])\n
 *
 * The signed message is `cosignature/v1\ntime <timestamp>\n` followed by the body, so the time
 * the log vouched for the tree head is signed too. The log writes no extension lines, and this
 * parser refuses them rather than silently dropping signed text.
 */

const SIGNATURE_TYPE = 0x04;
const ED25519_KEY_SIZE = 32;
const ED25519_SIGNATURE_SIZE = 64;
const KEY_ID_SIZE = 4;
const TIMESTAMP_SIZE = 8;
const HASH_SIZE = 32;
/** The signed-note spec asks verifiers to accept at least 16 signatures, and to bound them. */
const MAX_SIGNATURES = 64;
const MAX_NOTE_LENGTH = 64 * 1024;
const EM_DASH_PREFIX = '\u2014 ';

export class CheckpointError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CheckpointError';
  }
}

export interface ParsedVkey {
  name: string;
  keyId: Buffer;
  publicKey: KeyObject;
}

export interface NoteSignature {
  name: string;
  keyId: Buffer;
  /** The bytes after the key ID: for this log's key, timestamp || Ed25519 signature. */
  signature: Buffer;
}

export interface ParsedCheckpoint {
  origin: string;
  treeSize: number;
  rootHash: Buffer;
  /** The note text: the three body lines, each ending in a newline. */
  body: string;
  signatures: NoteSignature[];
}

export interface VerifiedCheckpoint {
  origin: string;
  treeSize: number;
  rootHash: Buffer;
  /** POSIX seconds at which the log signed. */
  timestamp: number;
}

export interface CheckpointToSign {
  origin: string;
  treeSize: number;
  rootHash: Buffer;
  /** POSIX seconds. */
  timestamp: number;
}

/* eslint-disable no-control-regex */
const CONTROL = /[\u0000-\u001f]/;
const CONTROL_OTHER_THAN_NEWLINE = /[\u0000-\u0009\u000b-\u001f]/;
/* eslint-enable no-control-regex */
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
const UNICODE_SPACE = /[\s\u0085\u180e\u200b]/u;
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** Strict standard base64 (padding required, no whitespace): Node's decoder alone skips junk. */
function decodeBase64(text: string): Buffer | null {
  return BASE64.test(text) ? Buffer.from(text, 'base64') : null;
}

function isKeyName(name: string): boolean {
  return name.length > 0 && !UNICODE_SPACE.test(name) && !name.includes('+') && !CONTROL.test(name);
}

function rawPublicKey(publicKey: KeyObject): Buffer {
  if (publicKey.asymmetricKeyType !== 'ed25519') throw new CheckpointError('the key must be an Ed25519 key');
  const { x } = publicKey.export({ format: 'jwk' });
  const raw = x === undefined ? null : Buffer.from(x, 'base64url');
  if (!raw || raw.length !== ED25519_KEY_SIZE) throw new CheckpointError('the key is not a 32-byte Ed25519 public key');
  return raw;
}

/** Key ID = SHA-256(name || "\n" || 0x04 || 32-byte public key)[:4]. */
function keyIdFor(name: string, raw: Buffer): Buffer {
  return createHash('sha256')
    .update(name, 'utf8')
    .update(Buffer.of(0x0a, SIGNATURE_TYPE))
    .update(raw)
    .digest()
    .subarray(0, KEY_ID_SIZE);
}

function assertCheckpointFields(origin: string, treeSize: number, rootHash: Uint8Array): void {
  if (typeof origin !== 'string' || !isKeyName(origin) || LONE_SURROGATE.test(origin)) {
    throw new CheckpointError('the origin must be a non-empty key name without spaces, "+" or control characters');
  }
  if (!Number.isSafeInteger(treeSize) || treeSize < 0) throw new CheckpointError('the tree size must be a non-negative safe integer');
  if (!ArrayBuffer.isView(rootHash) || rootHash.byteLength !== HASH_SIZE) throw new CheckpointError(`the root hash must be ${HASH_SIZE} bytes`);
}

/** The checkpoint note text: origin, tree size and base64 root, each line ending in a newline. */
export function checkpointBody(origin: string, treeSize: number, rootHash: Uint8Array): string {
  assertCheckpointFields(origin, treeSize, rootHash);
  return `${origin}\n${treeSize}\n${Buffer.from(rootHash).toString('base64')}\n`;
}

/** What the cosignature signs: a header line and the time, then the whole body. */
function signedMessage(timestamp: number, body: string): Buffer {
  return Buffer.from(`cosignature/v1\ntime ${timestamp}\n${body}`, 'utf8');
}

/** Signs a checkpoint with the log's Ed25519 key (key name = origin); returns the whole note. */
export function signCheckpoint(checkpoint: CheckpointToSign, privateKey: KeyObject): string {
  const { origin, treeSize, rootHash, timestamp } = checkpoint;
  const body = checkpointBody(origin, treeSize, rootHash);
  if (!Number.isSafeInteger(timestamp) || timestamp < 0) {
    throw new CheckpointError('the timestamp must be a non-negative whole number of seconds');
  }
  if (privateKey.type !== 'private' || privateKey.asymmetricKeyType !== 'ed25519') {
    throw new CheckpointError('the signing key must be an Ed25519 private key');
  }
  const keyId = keyIdFor(origin, rawPublicKey(createPublicKey(privateKey)));
  const time = Buffer.alloc(TIMESTAMP_SIZE);
  time.writeBigUInt64BE(BigInt(timestamp));
  const signature = sign(null, signedMessage(timestamp, body), privateKey);
  return `${body}\n${EM_DASH_PREFIX}${origin} ${Buffer.concat([keyId, time, signature]).toString('base64')}\n`;
}

/** The verifier key text: `<name>+<key ID, 8 hex>+<base64(0x04 || public key)>`. */
export function vkeyFor(name: string, publicKey: KeyObject): string {
  if (!isKeyName(name)) throw new CheckpointError('the key name must be non-empty, without spaces, "+" or control characters');
  if (publicKey.type === 'private') publicKey = createPublicKey(publicKey);
  const raw = rawPublicKey(publicKey);
  return `${name}+${keyIdFor(name, raw).toString('hex')}+${Buffer.concat([Buffer.of(SIGNATURE_TYPE), raw]).toString('base64')}`;
}

/** Parses a verifier key; throws CheckpointError saying what is wrong. */
export function parseVkey(text: string): ParsedVkey {
  if (typeof text !== 'string') throw new CheckpointError('a verifier key must be text');
  const trimmed = text.trim();
  // The name holds no "+", so the first two separate the fields (base64 may contain more).
  const first = trimmed.indexOf('+');
  const second = first < 0 ? -1 : trimmed.indexOf('+', first + 1);
  if (first < 0 || second < 0) throw new CheckpointError('malformed verifier key: expected <name>+<key ID>+<base64 key>');
  const name = trimmed.slice(0, first);
  const idHex = trimmed.slice(first + 1, second);
  const keyText = trimmed.slice(second + 1);
  if (!isKeyName(name)) throw new CheckpointError('malformed verifier key: the name must be non-empty, without spaces or control chars');
  if (!/^[0-9a-f]{8}$/.test(idHex)) throw new CheckpointError('malformed verifier key: the key ID must be 8 lowercase hex digits');
  const key = decodeBase64(keyText);
  if (!key || key.length === 0) throw new CheckpointError('malformed verifier key: the key is not standard base64');
  if (key[0] !== SIGNATURE_TYPE) {
    const type = key[0]!.toString(16).padStart(2, '0');
    throw new CheckpointError(`unsupported verifier key: signature type 0x${type}, expected 0x04 (timestamped Ed25519)`);
  }
  if (key.length !== 1 + ED25519_KEY_SIZE) throw new CheckpointError(`malformed verifier key: an Ed25519 key is ${ED25519_KEY_SIZE} bytes`);
  const raw = key.subarray(1);
  const keyId = keyIdFor(name, raw);
  if (keyId.toString('hex') !== idHex) {
    throw new CheckpointError(`malformed verifier key: key ID ${idHex} does not match the key (expected ${keyId.toString('hex')})`);
  }
  let publicKey: KeyObject;
  try {
    publicKey = createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: raw.toString('base64url') }, format: 'jwk' });
  } catch {
    throw new CheckpointError('malformed verifier key: not a valid Ed25519 public key');
  }
  return { name, keyId, publicKey };
}

function decodeNote(note: string | Uint8Array): string {
  if (typeof note === 'string') {
    if (LONE_SURROGATE.test(note)) throw new CheckpointError('malformed checkpoint: not valid UTF-8');
    return note;
  }
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(note);
  } catch {
    throw new CheckpointError('malformed checkpoint: not valid UTF-8');
  }
}

/** Parses a checkpoint note strictly (no signature is checked); throws CheckpointError. */
export function parseCheckpoint(note: string | Uint8Array): ParsedCheckpoint {
  const text = decodeNote(note);
  if (text.length > MAX_NOTE_LENGTH) throw new CheckpointError(`malformed checkpoint: longer than ${MAX_NOTE_LENGTH} characters`);
  if (CONTROL_OTHER_THAN_NEWLINE.test(text)) {
    throw new CheckpointError('malformed checkpoint: contains control characters other than newline');
  }
  if (!text.endsWith('\n')) throw new CheckpointError('malformed checkpoint: does not end with a newline');
  if (text.endsWith('\n\n')) throw new CheckpointError('malformed checkpoint: no signature line after the blank line');
  // The text is separated from the signatures by the last blank line.
  const split = text.lastIndexOf('\n\n');
  if (split < 0) throw new CheckpointError('malformed checkpoint: no blank line before the signatures');
  const body = text.slice(0, split + 1);
  const signatureLines = text.slice(split + 2, -1).split('\n');

  const lines = body.slice(0, -1).split('\n');
  if (lines.length < 3) throw new CheckpointError('malformed checkpoint: expected origin, tree size and root hash lines');
  if (lines.length > 3) throw new CheckpointError('malformed checkpoint: unexpected extension lines after the root hash');
  const [origin, sizeText, rootText] = lines as [string, string, string];
  if (origin.length === 0) throw new CheckpointError('malformed checkpoint: the origin line is empty');
  if (!/^(0|[1-9][0-9]*)$/.test(sizeText)) {
    throw new CheckpointError('malformed checkpoint: the tree size is not a decimal number without leading zeros');
  }
  const treeSize = Number(sizeText);
  if (!Number.isSafeInteger(treeSize)) throw new CheckpointError('malformed checkpoint: the tree size is too large');
  const rootHash = decodeBase64(rootText);
  if (!rootHash || rootHash.length !== HASH_SIZE) {
    throw new CheckpointError(`malformed checkpoint: the root hash is not ${HASH_SIZE} bytes of standard base64`);
  }

  if (signatureLines.length > MAX_SIGNATURES) throw new CheckpointError(`malformed checkpoint: more than ${MAX_SIGNATURES} signatures`);
  const signatures = signatureLines.map((line, i) => {
    const match = /^\u2014 ([^ ]+) ([^ ]+)$/.exec(line);
    if (!match || !isKeyName(match[1]!)) {
      throw new CheckpointError(`malformed checkpoint: signature line ${i + 1} is not "— <key name> <base64>"`);
    }
    const bytes = decodeBase64(match[2]!);
    if (!bytes || bytes.length <= KEY_ID_SIZE) {
      throw new CheckpointError(`malformed checkpoint: signature line ${i + 1} does not hold a key ID and a signature`);
    }
    return { name: match[1]!, keyId: bytes.subarray(0, KEY_ID_SIZE), signature: bytes.subarray(KEY_ID_SIZE) };
  });
  return { origin, treeSize, rootHash, body, signatures };
}

/**
 * Verifies a checkpoint's signature by the log key `vkey` (signature lines by other keys are
 * ignored, as the signed-note spec requires) and that the origin is the key's name. Returns the
 * checkpoint with the signed timestamp; throws CheckpointError.
 */
export function verifyCheckpoint(note: string | Uint8Array, vkey: string | ParsedVkey): VerifiedCheckpoint {
  const key = typeof vkey === 'string' ? parseVkey(vkey) : vkey;
  const checkpoint = parseCheckpoint(note);
  const ours = checkpoint.signatures.filter((s) => s.name === key.name && s.keyId.equals(key.keyId));
  if (ours.length === 0) throw new CheckpointError(`no signature by ${key.name}`);
  if (checkpoint.origin !== key.name) {
    throw new CheckpointError(`the checkpoint origin "${checkpoint.origin}" is not the key's name "${key.name}"`);
  }
  let timestamp: number | undefined;
  // A known key's signature that fails rejects the whole note, even if another line verifies.
  for (const { signature } of ours) {
    if (signature.length !== TIMESTAMP_SIZE + ED25519_SIGNATURE_SIZE) {
      throw new CheckpointError('signature does not verify: wrong length for a timestamped Ed25519 signature');
    }
    const time = signature.readBigUInt64BE(0);
    if (time > BigInt(Number.MAX_SAFE_INTEGER)) throw new CheckpointError('signature does not verify: timestamp out of range');
    const seconds = Number(time);
    if (!verify(null, signedMessage(seconds, checkpoint.body), key.publicKey, signature.subarray(TIMESTAMP_SIZE))) {
      throw new CheckpointError('signature does not verify');
    }
    timestamp ??= seconds;
  }
  return { origin: checkpoint.origin, treeSize: checkpoint.treeSize, rootHash: checkpoint.rootHash, timestamp: timestamp! };
}
