import { createHash, createPublicKey, sign, verify, type KeyObject } from 'node:crypto';
import {
  CheckpointError,
  COSIGNATURE,
  cosignatureMessage,
  ED25519,
  ED25519_KEY_SIZE,
  formatVkey,
  HASH_SIZE,
  isKeyName,
  KEY_ID_SIZE,
  keyIdPreimage,
  parseCheckpointText,
  parseSignedNote,
  parseVkeyFields,
  signatureChecks,
  signatureLine,
  toHex,
  type SignatureType,
} from './signed-note.js';

/**
 * Signed tree heads of the ledger: a C2SP tlog-checkpoint (c2sp.org/tlog-checkpoint) in a C2SP
 * signed note (c2sp.org/signed-note), signed by the log's own Ed25519 key under the key name =
 * origin, twice:
 *
 *   <origin>\n<tree size>\n<base64 root>\n
 *   \n
 *   — <origin> base64(key ID 0x01[4] || Ed25519 signature over the note text[64])\n
 *   — <origin> base64(key ID 0x04[4] || timestamp[8, big-endian] || Ed25519 signature[64])\n
 *
 * The first line is a plain Ed25519 note signature (type 0x01), what Go's sumdb/note, witnesses
 * and other stock verifiers accept from a log; its vkey is the one published. The second is a
 * tlog-cosignature/v1 (type 0x04) by the same key, over `cosignature/v1\ntime <t>\n` || text, kept
 * so the time the log vouched for the tree head is signed; checkpoints stored before the 0x01 line
 * was added carry only it. A verifier given either vkey of the log key accepts either line (both
 * are the log key's signature, domain-separated by type); lines by other keys are ignored.
 */

export { CheckpointError } from './signed-note.js';
export type { SignatureType } from './signed-note.js';

/** Which of the two signature forms of the log key a note carries. */
export type SignatureForm = 'ed25519' | 'cosignature';

const FORM_OF: Record<SignatureType, SignatureForm> = { [ED25519]: 'ed25519', [COSIGNATURE]: 'cosignature' };

export interface ParsedVkey {
  name: string;
  keyId: Buffer;
  /** 0x01: a plain Ed25519 note key; 0x04: a timestamped Ed25519 cosignature key. */
  type: SignatureType;
  publicKey: KeyObject;
}

export interface NoteSignature {
  name: string;
  keyId: Buffer;
  /** The bytes after the key ID. */
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
  /** POSIX seconds at which the log signed, from its cosignature; null when the note has only the 0x01 signature. */
  timestamp: number | null;
  /** The forms of the log key's signature that verified (each present one must). */
  signedWith: SignatureForm[];
}

export interface CheckpointToSign {
  origin: string;
  treeSize: number;
  rootHash: Buffer;
  /** POSIX seconds. */
  timestamp: number;
}

function rawPublicKey(publicKey: KeyObject): Buffer {
  if (publicKey.asymmetricKeyType !== 'ed25519') throw new CheckpointError('the key must be an Ed25519 key');
  const { x } = publicKey.export({ format: 'jwk' });
  const raw = x === undefined ? null : Buffer.from(x, 'base64url');
  if (!raw || raw.length !== ED25519_KEY_SIZE) throw new CheckpointError('the key is not a 32-byte Ed25519 public key');
  return raw;
}

/** Key ID = SHA-256(name || "\n" || type || 32-byte public key)[:4]. */
function keyIdFor(name: string, type: SignatureType, raw: Uint8Array): Buffer {
  return createHash('sha256')
    .update(keyIdPreimage(name, type, raw))
    .digest()
    .subarray(0, KEY_ID_SIZE);
}

function assertCheckpointFields(origin: string, treeSize: number, rootHash: Uint8Array): void {
  if (typeof origin !== 'string' || !isKeyName(origin)) {
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

export interface SignOptions {
  /** The signature lines to write, in order; default both, the plain Ed25519 one first. */
  forms?: readonly SignatureForm[];
}

/**
 * Signs a checkpoint with the log's Ed25519 key (key name = origin) and returns the whole note:
 * a plain Ed25519 signature (0x01) and a timestamped cosignature (0x04) by default.
 */
export function signCheckpoint(checkpoint: CheckpointToSign, privateKey: KeyObject, options: SignOptions = {}): string {
  const { origin, treeSize, rootHash, timestamp } = checkpoint;
  const forms = options.forms ?? ['ed25519', 'cosignature'];
  const body = checkpointBody(origin, treeSize, rootHash);
  if (!Number.isSafeInteger(timestamp) || timestamp < 0) {
    throw new CheckpointError('the timestamp must be a non-negative whole number of seconds');
  }
  if (privateKey.type !== 'private' || privateKey.asymmetricKeyType !== 'ed25519') {
    throw new CheckpointError('the signing key must be an Ed25519 private key');
  }
  if (forms.length === 0 || new Set(forms).size !== forms.length) throw new CheckpointError('sign with each signature form at most once, and at least one');
  const raw = rawPublicKey(createPublicKey(privateKey));
  let lines = '';
  for (const form of forms) {
    if (form === 'ed25519') {
      lines += signatureLine(origin, keyIdFor(origin, ED25519, raw), sign(null, Buffer.from(body, 'utf8'), privateKey));
    } else {
      const time = Buffer.alloc(8);
      time.writeBigUInt64BE(BigInt(timestamp));
      const signature = sign(null, Buffer.from(cosignatureMessage(timestamp, body), 'utf8'), privateKey);
      lines += signatureLine(origin, keyIdFor(origin, COSIGNATURE, raw), Buffer.concat([time, signature]));
    }
  }
  return `${body}\n${lines}`;
}

/**
 * Signs any note text with a plain Ed25519 signed-note signature (type 0x01) and returns the
 * signed note, as Go's sumdb/note Sign does. The text must end in a newline.
 */
export function signNote(text: string, name: string, privateKey: KeyObject): string {
  // What parseSignedNote would refuse in the text: it must still read back as this text.

  if (typeof text !== 'string' || !text.endsWith('\n') || /[\u0000-\u0009\u000b-\u001f]/.test(text)) throw new CheckpointError('malformed note text');
  if (!isKeyName(name)) throw new CheckpointError('the key name must be non-empty, without spaces, "+" or control characters');
  if (privateKey.type !== 'private' || privateKey.asymmetricKeyType !== 'ed25519') {
    throw new CheckpointError('the signing key must be an Ed25519 private key');
  }
  const keyId = keyIdFor(name, ED25519, rawPublicKey(createPublicKey(privateKey)));
  return `${text}\n${signatureLine(name, keyId, sign(null, Buffer.from(text, 'utf8'), privateKey))}`;
}

/** The verifier key text: `<name>+<key ID, 8 hex>+<base64(type || public key)>`; type 0x01 unless asked. */
export function vkeyFor(name: string, publicKey: KeyObject, type: SignatureType = ED25519): string {
  if (!isKeyName(name)) throw new CheckpointError('the key name must be non-empty, without spaces, "+" or control characters');
  if (publicKey.type === 'private') publicKey = createPublicKey(publicKey);
  const raw = rawPublicKey(publicKey);
  return formatVkey(name, keyIdFor(name, type, raw), type, raw);
}

/** Parses a verifier key (type 0x01 or 0x04); throws CheckpointError saying what is wrong. */
export function parseVkey(text: string): ParsedVkey {
  const fields = parseVkeyFields(text);
  const keyId = keyIdFor(fields.name, fields.type, fields.publicKey);
  if (!keyId.equals(fields.keyId)) {
    throw new CheckpointError(`malformed verifier key: key ID ${toHex(fields.keyId)} does not match the key (expected ${keyId.toString('hex')})`);
  }
  let publicKey: KeyObject;
  try {
    publicKey = createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: Buffer.from(fields.publicKey).toString('base64url') }, format: 'jwk' });
  } catch {
    throw new CheckpointError('malformed verifier key: not a valid Ed25519 public key');
  }
  return { name: fields.name, keyId, type: fields.type, publicKey };
}

/**
 * Both forms of a log key from either of its vkeys: the same name and Ed25519 key as a plain
 * note key (0x01) and as a cosignature key (0x04), 0x01 first.
 */
export function logKeyForms(vkey: string | ParsedVkey): [ParsedVkey, ParsedVkey] {
  const key = typeof vkey === 'string' ? parseVkey(vkey) : vkey;
  const raw = rawPublicKey(key.publicKey);
  const form = (type: SignatureType): ParsedVkey => (key.type === type ? key : { ...key, type, keyId: keyIdFor(key.name, type, raw) });
  return [form(ED25519), form(COSIGNATURE)];
}

export interface OpenedNote {
  /** The note text. */
  text: string;
  /** The known keys whose signatures verified, with the signed time of a cosignature. */
  verified: Array<{ key: ParsedVkey; timestamp: number | null }>;
}

/**
 * Opens a signed note against known verifier keys, as the signed-note spec says: lines by unknown
 * keys are ignored, every line by a known key must verify (one that fails rejects the note), and
 * at least one must. Throws CheckpointError.
 */
export function openNote(note: string | Uint8Array, known: readonly ParsedVkey[]): OpenedNote {
  const parsed = parseSignedNote(note);
  const checks = signatureChecks(parsed, known);
  for (const check of checks) {
    if (!verify(null, Buffer.from(check.message, 'utf8'), check.key.publicKey, check.signature)) {
      throw new CheckpointError(`signature by ${check.key.name}+${check.key.keyId.toString('hex')} does not verify`);
    }
  }
  return { text: parsed.text, verified: checks.map(({ key, timestamp }) => ({ key, timestamp })) };
}

/** Parses a checkpoint note strictly (no signature is checked); throws CheckpointError. */
export function parseCheckpoint(note: string | Uint8Array): ParsedCheckpoint {
  const { text, signatures } = parseSignedNote(note, 'checkpoint');
  const { origin, treeSize, rootHash } = parseCheckpointText(text);
  return {
    origin,
    treeSize,
    rootHash: Buffer.from(rootHash),
    body: text,
    signatures: signatures.map((s) => ({ name: s.name, keyId: Buffer.from(s.keyId), signature: Buffer.from(s.signature) })),
  };
}

/** Whether the note carries a line under either form of the log key (a note signed before a key rotation has none). */
export function hasLogKeySignature(checkpoint: ParsedCheckpoint, vkey: string | ParsedVkey): boolean {
  const forms = logKeyForms(vkey);
  return checkpoint.signatures.some((s) => forms.some((k) => s.name === k.name && s.keyId.equals(k.keyId)));
}

/**
 * Verifies a checkpoint signed by the log key `vkey` — given as either of its vkeys, a note signed
 * in either form (or both) verifies — and that the origin is the key's name. Lines by other keys
 * are ignored; a line of the log key that fails rejects the note. Returns the checkpoint with the
 * signed time of its cosignature; throws CheckpointError.
 */
export function verifyCheckpoint(note: string | Uint8Array, vkey: string | ParsedVkey): VerifiedCheckpoint {
  const forms = logKeyForms(vkey);
  const checkpoint = parseCheckpoint(note);
  const { verified } = openNote(note, forms);
  if (checkpoint.origin !== forms[0].name) {
    throw new CheckpointError(`the checkpoint origin "${checkpoint.origin}" is not the key's name "${forms[0].name}"`);
  }
  const timestamp = verified.find((v) => v.timestamp !== null)?.timestamp ?? null;
  const signedWith = [...new Set(verified.map((v) => FORM_OF[v.key.type]))];
  return { origin: checkpoint.origin, treeSize: checkpoint.treeSize, rootHash: checkpoint.rootHash, timestamp, signedWith };
}
