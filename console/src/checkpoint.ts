// Checkpoint signatures checked in the browser with WebCrypto (Ed25519): the auditor's console does
// not take the gateway's word for the tree size and root, it reads them from the signed note. The
// note and verifier-key rules are the server's own (src/ledger/signed-note.ts); only the hashing and
// the signature check differ. A checkpoint verifies when signed by the ledger key in either form —
// a plain Ed25519 note signature (0x01) or a tlog-cosignature/v1 (0x04, the only one on
// checkpoints signed before the 0x01 line) — given either vkey of that key.
import {
  bytesEqual,
  CheckpointError,
  COSIGNATURE,
  ED25519,
  encodeBase64,
  keyIdPreimage,
  KEY_ID_SIZE,
  parseCheckpointText,
  parseSignedNote,
  parseVkeyFields,
  signatureChecks,
  toHex,
  type KnownKey,
  type SignatureType,
} from '../../src/ledger/signed-note.js';

export type SignatureForm = 'ed25519' | 'cosignature';

export interface VerifiedCheckpoint {
  origin: string;
  treeSize: number;
  /** Standard base64, as the note has it. */
  rootHash: string;
  /** POSIX seconds of the cosignature, null when the note has none. */
  timestamp: number | null;
  signedWith: SignatureForm[];
}

interface BrowserKey extends KnownKey {
  publicKey: CryptoKey;
}

/** A copy in a fresh ArrayBuffer, the type WebCrypto takes. */
const buffer = (bytes: Uint8Array): ArrayBuffer => bytes.slice().buffer as ArrayBuffer;

async function keyIdFor(name: string, type: SignatureType, raw: Uint8Array): Promise<Uint8Array> {
  return new Uint8Array(await crypto.subtle.digest('SHA-256', buffer(keyIdPreimage(name, type, raw)))).subarray(0, KEY_ID_SIZE);
}

/** The same key (name and Ed25519 key) whatever the form of its vkey: a key seen before is compared with this. */
export function sameKey(a: string, b: string): boolean {
  try {
    const [x, y] = [parseVkeyFields(a), parseVkeyFields(b)];
    return x.name === y.name && bytesEqual(x.publicKey, y.publicKey);
  } catch {
    return false;
  }
}

/** Verifies a checkpoint note against the ledger's vkey (0x01 or 0x04); throws CheckpointError saying why not. */
export async function verifyCheckpointNote(note: string, vkey: string): Promise<VerifiedCheckpoint> {
  const fields = parseVkeyFields(vkey);
  const expectedId = await keyIdFor(fields.name, fields.type, fields.publicKey);
  if (!bytesEqual(expectedId, fields.keyId)) throw new CheckpointError(`malformed verifier key: key ID ${toHex(fields.keyId)} does not match the key`);
  let publicKey: CryptoKey;
  try {
    publicKey = await crypto.subtle.importKey('raw', buffer(fields.publicKey), { name: 'Ed25519' }, false, ['verify']);
  } catch {
    throw new CheckpointError('this browser cannot check Ed25519 signatures, or the key is not an Ed25519 key');
  }
  const forms: BrowserKey[] = [];
  for (const type of [ED25519, COSIGNATURE] as const)
    forms.push({ name: fields.name, type, keyId: await keyIdFor(fields.name, type, fields.publicKey), publicKey });

  const parsed = parseSignedNote(note, 'checkpoint');
  const body = parseCheckpointText(parsed.text);
  const checks = signatureChecks(parsed, forms);
  for (const check of checks) {
    const ok = await crypto.subtle.verify({ name: 'Ed25519' }, check.key.publicKey, buffer(check.signature), buffer(new TextEncoder().encode(check.message)));
    if (!ok) throw new CheckpointError(`signature by ${check.key.name}+${toHex(check.key.keyId)} does not verify`);
  }
  if (body.origin !== fields.name) throw new CheckpointError(`the checkpoint origin "${body.origin}" is not the key's name "${fields.name}"`);
  return {
    origin: body.origin,
    treeSize: body.treeSize,
    rootHash: encodeBase64(body.rootHash),
    timestamp: checks.find((c) => c.timestamp !== null)?.timestamp ?? null,
    signedWith: [...new Set(checks.map((c): SignatureForm => (c.key.type === ED25519 ? 'ed25519' : 'cosignature')))],
  };
}
