/**
 * C2SP signed notes (c2sp.org/signed-note), verifier keys and tlog-checkpoint bodies
 * (c2sp.org/tlog-checkpoint) as text: the format rules and which signature lines a verifier must
 * check, without the cryptography. No imports and no Node.js APIs: the server (checkpoint.ts, with
 * node:crypto) and the web console (console/src/checkpoint.ts, with WebCrypto) read notes by these
 * same rules and only hash and verify differently.
 *
 * A signed note is its text (ending in a newline), a blank line, and one or more lines
 * `— <key name> base64(key ID[4] || signature)`. The signature types used here:
 *
 *  - 0x01, Ed25519 (c2sp.org/signed-note): an Ed25519 signature over the note text. This is what
 *    Go's golang.org/x/mod/sumdb/note, witnesses and other stock verifiers accept from a log.
 *  - 0x04, timestamped Ed25519 cosignature (c2sp.org/tlog-cosignature, `cosignature/v1`):
 *    timestamp[8, big-endian] || an Ed25519 signature over `cosignature/v1\ntime <t>\n` || text.
 *
 * Key ID = SHA-256(key name || 0x0A || signature type || 32-byte public key)[:4], so the same key
 * and name give a different key ID for each type; the two signed messages are domain-separated
 * (a checkpoint's first line is its origin, never `cosignature/v1` followed by a `time` line).
 */

export const ED25519 = 0x01;
export const COSIGNATURE = 0x04;
export type SignatureType = typeof ED25519 | typeof COSIGNATURE;

export const ED25519_KEY_SIZE = 32;
export const ED25519_SIGNATURE_SIZE = 64;
export const KEY_ID_SIZE = 4;
export const TIMESTAMP_SIZE = 8;
export const HASH_SIZE = 32;
/** The signed-note spec asks verifiers to accept at least 16 signatures, and to bound them. */
export const MAX_SIGNATURES = 64;
export const MAX_NOTE_LENGTH = 64 * 1024;
const EM_DASH_PREFIX = '\u2014 ';

/** A note, verifier key or checkpoint that is malformed or does not verify; the message says which. */
export class CheckpointError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CheckpointError';
  }
}

const CONTROL = /[\u0000-\u001f]/;
const CONTROL_OTHER_THAN_NEWLINE = /[\u0000-\u0009\u000b-\u001f]/;

const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
const UNICODE_SPACE = /[\s\u0085\u180e\u200b]/u;
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** Strict standard base64 (RFC 4648 §4, padding required, no whitespace); null when it is not. */
export function decodeBase64(text: string): Uint8Array | null {
  if (!BASE64.test(text)) return null;
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

export function encodeBase64(bytes: Uint8Array): string {
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary);
}

export function toHex(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((byte, i) => byte === b[i]);
}

/** Key names: non-empty, without Unicode spaces, "+" or control characters. */
export function isKeyName(name: string): boolean {
  return name.length > 0 && !UNICODE_SPACE.test(name) && !name.includes('+') && !CONTROL.test(name) && !LONE_SURROGATE.test(name);
}

/** What the key ID hashes: key name || 0x0A || signature type || public key. */
export function keyIdPreimage(name: string, type: SignatureType, publicKey: Uint8Array): Uint8Array {
  const nameBytes = new TextEncoder().encode(name);
  const out = new Uint8Array(nameBytes.length + 2 + publicKey.length);
  out.set(nameBytes, 0);
  out[nameBytes.length] = 0x0a;
  out[nameBytes.length + 1] = type;
  out.set(publicKey, nameBytes.length + 2);
  return out;
}

export function signatureTypeName(type: SignatureType): string {
  return type === ED25519 ? 'Ed25519 (0x01)' : 'timestamped Ed25519 cosignature (0x04)';
}

/** A verifier key's fields; its key ID is not yet checked against the key (that needs SHA-256). */
export interface VkeyFields {
  name: string;
  keyId: Uint8Array;
  type: SignatureType;
  /** The 32-byte Ed25519 public key. */
  publicKey: Uint8Array;
}

/** Reads `<name>+<key ID, 8 hex>+<base64(type || public key)>` (type 0x01 or 0x04); throws CheckpointError. */
export function parseVkeyFields(text: string): VkeyFields {
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
  const type = key[0]!;
  if (type !== ED25519 && type !== COSIGNATURE) {
    const hex = type.toString(16).padStart(2, '0');
    throw new CheckpointError(`unsupported verifier key: signature type 0x${hex}, expected 0x01 (Ed25519) or 0x04 (timestamped Ed25519 cosignature)`);
  }
  if (key.length !== 1 + ED25519_KEY_SIZE) throw new CheckpointError(`malformed verifier key: an Ed25519 key is ${ED25519_KEY_SIZE} bytes`);
  const keyId = new Uint8Array(KEY_ID_SIZE);
  for (let i = 0; i < KEY_ID_SIZE; i++) keyId[i] = parseInt(idHex.slice(2 * i, 2 * i + 2), 16);
  return { name, keyId, type, publicKey: key.subarray(1) };
}

export function formatVkey(name: string, keyId: Uint8Array, type: SignatureType, publicKey: Uint8Array): string {
  const key = new Uint8Array(1 + publicKey.length);
  key[0] = type;
  key.set(publicKey, 1);
  return `${name}+${toHex(keyId)}+${encodeBase64(key)}`;
}

export interface NoteSignature {
  /** The line as written, without the newline (identical lines are one signature). */
  line: string;
  name: string;
  keyId: Uint8Array;
  /** The bytes after the key ID: an Ed25519 signature (0x01), or timestamp || signature (0x04). */
  signature: Uint8Array;
}

export interface SignedNote {
  /** The note text: everything before the last blank line, ending in a newline. */
  text: string;
  signatures: NoteSignature[];
}

function decodeNote(note: string | Uint8Array, malformed: string): string {
  if (typeof note === 'string') {
    if (LONE_SURROGATE.test(note)) throw new CheckpointError(`${malformed}: not valid UTF-8`);
    return note;
  }
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(note);
  } catch {
    throw new CheckpointError(`${malformed}: not valid UTF-8`);
  }
}

/**
 * Parses a signed note strictly (no signature is checked); throws CheckpointError saying what is
 * wrong, as a malformed `what` (a note, or a checkpoint).
 */
export function parseSignedNote(note: string | Uint8Array, what = 'note'): SignedNote {
  const malformed = `malformed ${what}`;
  const text = decodeNote(note, malformed);
  if (text.length > MAX_NOTE_LENGTH) throw new CheckpointError(`${malformed}: longer than ${MAX_NOTE_LENGTH} characters`);
  if (CONTROL_OTHER_THAN_NEWLINE.test(text)) throw new CheckpointError(`${malformed}: contains control characters other than newline`);
  if (!text.endsWith('\n')) throw new CheckpointError(`${malformed}: does not end with a newline`);
  if (text.endsWith('\n\n')) throw new CheckpointError(`${malformed}: no signature line after the blank line`);
  // The text is separated from the signatures by the last blank line.
  const split = text.lastIndexOf('\n\n');
  if (split < 0) throw new CheckpointError(`${malformed}: no blank line before the signatures`);
  const lines = text.slice(split + 2, -1).split('\n');
  if (lines.length > MAX_SIGNATURES) throw new CheckpointError(`${malformed}: more than ${MAX_SIGNATURES} signatures`);
  const signatures = lines.map((line, i) => {
    const match = /^\u2014 ([^ ]+) ([^ ]+)$/.exec(line);
    if (!match || !isKeyName(match[1]!)) throw new CheckpointError(`${malformed}: signature line ${i + 1} is not "— <key name> <base64>"`);
    const bytes = decodeBase64(match[2]!);
    if (!bytes || bytes.length <= KEY_ID_SIZE) {
      throw new CheckpointError(`${malformed}: signature line ${i + 1} does not hold a key ID and a signature`);
    }
    return { line, name: match[1]!, keyId: bytes.subarray(0, KEY_ID_SIZE), signature: bytes.subarray(KEY_ID_SIZE) };
  });
  return { text: text.slice(0, split + 1), signatures };
}

/** One signature line: `— <name> base64(key ID || signature)\n`. */
export function signatureLine(name: string, keyId: Uint8Array, signature: Uint8Array): string {
  const bytes = new Uint8Array(keyId.length + signature.length);
  bytes.set(keyId, 0);
  bytes.set(signature, keyId.length);
  return `${EM_DASH_PREFIX}${name} ${encodeBase64(bytes)}\n`;
}

/** What a tlog-cosignature/v1 signs: a header line and the time, then the whole note text. */
export function cosignatureMessage(timestamp: number, text: string): string {
  return `cosignature/v1\ntime ${timestamp}\n${text}`;
}

/** A verifier key the caller trusts, its key ID checked against its key. */
export interface KnownKey {
  name: string;
  keyId: Uint8Array;
  type: SignatureType;
}

/** One signature to verify: `signature` by `key` over `message` (UTF-8). */
export interface SignatureCheck<K extends KnownKey> {
  key: K;
  message: string;
  signature: Uint8Array;
  /** POSIX seconds, for a cosignature. */
  timestamp: number | null;
}

/**
 * Which lines of a note must verify, as the signed-note spec says: a line whose (name, key ID) is
 * not a known key's is ignored; a known key's line must be checked, and one that fails rejects the
 * whole note; identical lines are checked once. Throws CheckpointError for known keys that are
 * ambiguous, a known key's line of the wrong length or an out-of-range timestamp, and when no known
 * key signed at all. The caller verifies each returned check and rejects the note if any fails.
 */
export function signatureChecks<K extends KnownKey>(note: SignedNote, known: readonly K[]): SignatureCheck<K>[] {
  const id = (name: string, keyId: Uint8Array) => `${name}+${toHex(keyId)}`;
  const byId = new Map<string, K>();
  for (const key of known) {
    const existing = byId.get(id(key.name, key.keyId));
    if (existing && existing !== key) throw new CheckpointError(`ambiguous key ${id(key.name, key.keyId)}`);
    byId.set(id(key.name, key.keyId), key);
  }
  const seen = new Set<string>();
  const checks: SignatureCheck<K>[] = [];
  for (const { line, name, keyId, signature } of note.signatures) {
    const key = byId.get(id(name, keyId));
    if (!key || seen.has(line)) continue;
    seen.add(line);
    if (key.type === ED25519) {
      if (signature.length !== ED25519_SIGNATURE_SIZE)
        throw new CheckpointError(`signature by ${id(name, keyId)} does not verify: wrong length for an Ed25519 signature`);
      checks.push({ key, message: note.text, signature, timestamp: null });
      continue;
    }
    if (signature.length !== TIMESTAMP_SIZE + ED25519_SIGNATURE_SIZE) {
      throw new CheckpointError(`signature by ${id(name, keyId)} does not verify: wrong length for a timestamped Ed25519 signature`);
    }
    const view = new DataView(signature.buffer, signature.byteOffset, TIMESTAMP_SIZE);
    const time = view.getBigUint64(0);
    if (time > BigInt(Number.MAX_SAFE_INTEGER)) throw new CheckpointError(`signature by ${id(name, keyId)} does not verify: timestamp out of range`);
    const timestamp = Number(time);
    checks.push({ key, message: cosignatureMessage(timestamp, note.text), signature: signature.subarray(TIMESTAMP_SIZE), timestamp });
  }
  if (checks.length === 0) {
    const names = [...new Set(known.map((k) => k.name))].join(', ');
    throw new CheckpointError(`no signature by ${names || 'a known key'}`);
  }
  return checks;
}

export interface CheckpointFields {
  origin: string;
  treeSize: number;
  rootHash: Uint8Array;
}

/**
 * The tlog-checkpoint note text: origin, tree size (decimal, no leading zeros) and base64 root hash,
 * each ending in a newline. This ledger writes no extension lines, and refuses them rather than
 * silently dropping signed text.
 */
export function parseCheckpointText(text: string): CheckpointFields {
  const lines = text.slice(0, -1).split('\n');
  if (lines.length < 3) throw new CheckpointError('malformed checkpoint: expected origin, tree size and root hash lines');
  if (lines.length > 3) throw new CheckpointError('malformed checkpoint: unexpected extension lines after the root hash');
  const [origin, sizeText, rootText] = lines as [string, string, string];
  if (origin.length === 0) throw new CheckpointError('malformed checkpoint: the origin line is empty');
  if (!/^(0|[1-9][0-9]*)$/.test(sizeText)) throw new CheckpointError('malformed checkpoint: the tree size is not a decimal number without leading zeros');
  const treeSize = Number(sizeText);
  if (!Number.isSafeInteger(treeSize)) throw new CheckpointError('malformed checkpoint: the tree size is too large');
  const rootHash = decodeBase64(rootText);
  if (!rootHash || rootHash.length !== HASH_SIZE) throw new CheckpointError(`malformed checkpoint: the root hash is not ${HASH_SIZE} bytes of standard base64`);
  return { origin, treeSize, rootHash };
}
