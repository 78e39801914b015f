import { createCipheriv, createDecipheriv, createPrivateKey, randomBytes, type KeyObject } from 'node:crypto';

/**
 * Private keys at rest: AES-256-GCM under the master key (CERT_MASTER_KEY), as
 * `v1.<iv>.<tag>.<ciphertext>` in base64url with PKCS#8 DER inside. The key id is the associated
 * data, so a sealed key cannot be moved to another key's slot without failing to open.
 *
 * Errors never carry key material, the master key, or the sealed text.
 */

const VERSION = 'v1';
const CIPHER = 'aes-256-gcm';
const MASTER_KEY_BYTES = 32;
const IV_BYTES = 12;
const TAG_BYTES = 16;
/** Far above any PKCS#8 EC or RSA-4096 key; bounds the work on a corrupted file. */
const MAX_SEALED_LENGTH = 16 * 1024;
const BASE64URL = /^[A-Za-z0-9_-]+$/;

const OPEN_FAILED = 'sealed key cannot be opened: wrong master key or tampered data';
const MASTER_KEY_FORM = 'master key must be 32 bytes: 64 hex characters, or base64 / base64url (43 characters, or 44 with "=" padding)';

export class KeySealingError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'KeySealingError';
  }
}

/** Seals a private key; a fresh random IV every time, so sealing twice gives different text. */
export function sealPrivateKey(key: KeyObject, masterKey: Buffer, keyId: string): string {
  if (key?.type !== 'private') throw new TypeError('only a private key can be sealed');
  assertMasterKey(masterKey, (message) => new RangeError(message));
  assertKeyId(keyId, (message) => new TypeError(message));

  const plaintext = key.export({ type: 'pkcs8', format: 'der' });
  try {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv(CIPHER, masterKey, iv, { authTagLength: TAG_BYTES });
    cipher.setAAD(associatedData(keyId));
    const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final()]);
    return [VERSION, iv, cipher.getAuthTag(), ciphertext].map((part) => (typeof part === 'string' ? part : part.toString('base64url'))).join('.');
  } finally {
    plaintext.fill(0);
  }
}

/** Opens a sealed key; throws KeySealingError on any failure, saying nothing about the content. */
export function openPrivateKey(sealed: string, masterKey: Buffer, keyId: string): KeyObject {
  assertMasterKey(masterKey, (message) => new KeySealingError(message));
  assertKeyId(keyId, (message) => new KeySealingError(message));
  const { iv, tag, ciphertext } = parseSealed(sealed);

  let plaintext: Buffer | undefined;
  try {
    const decipher = createDecipheriv(CIPHER, masterKey, iv, { authTagLength: TAG_BYTES });
    decipher.setAAD(associatedData(keyId));
    decipher.setAuthTag(tag);
    plaintext = Buffer.concat([decipher.update(ciphertext), decipher.final()]);
    return createPrivateKey({ key: plaintext, format: 'der', type: 'pkcs8' });
  } catch {
    throw new KeySealingError(OPEN_FAILED);
  } finally {
    plaintext?.fill(0);
  }
}

/**
 * Reads CERT_MASTER_KEY: 64 hex characters, or base64 / base64url of exactly 32 bytes.
 * Surrounding whitespace (a trailing newline from a file) is ignored; an all-zero key is refused
 * as a placeholder.
 */
export function parseMasterKey(value: string): Buffer {
  const text = typeof value === 'string' ? value.trim() : '';
  let key: Buffer | null = null;
  if (/^[0-9A-Fa-f]{64}$/.test(text)) key = Buffer.from(text, 'hex');
  else if (/^[A-Za-z0-9+/]{43}=?$/.test(text) || /^[A-Za-z0-9_-]{43}=?$/.test(text)) key = decodeCanonicalBase64(text);
  if (key === null || key.length !== MASTER_KEY_BYTES) throw new RangeError(MASTER_KEY_FORM);
  if (key.every((byte) => byte === 0)) throw new RangeError('master key must not be all zeros');
  return key;
}

/** Decodes 43 base64 characters only if they re-encode the same (the last character's spare bits are zero). */
function decodeCanonicalBase64(text: string): Buffer | null {
  const unpadded = text.replace(/=$/, '');
  const bytes = Buffer.from(unpadded, 'base64');
  const again = unpadded.includes('-') || unpadded.includes('_') ? bytes.toString('base64url') : bytes.toString('base64').replace(/=$/, '');
  return again === unpadded ? bytes : null;
}

function parseSealed(sealed: string): { iv: Buffer; tag: Buffer; ciphertext: Buffer } {
  const malformed = () => new KeySealingError('sealed key is malformed: expected v1.<iv>.<tag>.<ciphertext> in base64url');
  if (typeof sealed !== 'string' || sealed.length > MAX_SEALED_LENGTH) throw malformed();
  const parts = sealed.trim().split('.');
  if (parts.length !== 4 || parts[0] !== VERSION) throw malformed();
  const [iv, tag, ciphertext] = parts.slice(1).map((part) => (BASE64URL.test(part) ? Buffer.from(part, 'base64url') : null));
  if (!iv || !tag || !ciphertext || iv.length !== IV_BYTES || tag.length !== TAG_BYTES || ciphertext.length === 0) throw malformed();
  return { iv, tag, ciphertext };
}

function associatedData(keyId: string): Buffer {
  return Buffer.from(`onegate-key:${VERSION}:${keyId}`, 'utf8');
}

function assertMasterKey(masterKey: Buffer, error: (message: string) => Error): void {
  if (!Buffer.isBuffer(masterKey) || masterKey.length !== MASTER_KEY_BYTES) throw error(`master key must be ${MASTER_KEY_BYTES} bytes`);
}

function assertKeyId(keyId: string, error: (message: string) => Error): void {
  if (typeof keyId !== 'string' || keyId.length === 0 || keyId.length > 256) throw error('key id must be a string of 1-256 characters');
}
