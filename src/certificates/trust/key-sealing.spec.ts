import { createDecipheriv, createPrivateKey, generateKeyPairSync, randomBytes, sign, verify } from 'node:crypto';
import { KeySealingError, openPrivateKey, parseMasterKey, sealPrivateKey } from './key-sealing.js';

const master = randomBytes(32);
const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const KEY_ID = 'department:CIVIL_AFFAIRS:1';
const pkcs8 = (key = privateKey) => key.export({ type: 'pkcs8', format: 'der' });

/** Replaces one dot-separated part of a sealed key. */
function withPart(sealed: string, index: number, change: (bytes: Buffer) => Buffer): string {
  const parts = sealed.split('.');
  parts[index] = change(Buffer.from(parts[index]!, 'base64url')).toString('base64url');
  return parts.join('.');
}

function flipFirstBit(bytes: Buffer): Buffer {
  const copy = Buffer.from(bytes);
  copy[0]! ^= 0x01;
  return copy;
}

function expectOpenFails(
  sealed: string,
  masterKey: Buffer = master,
  keyId = KEY_ID,
  message = 'sealed key cannot be opened: wrong master key or tampered data',
): void {
  let error: unknown;
  try {
    openPrivateKey(sealed, masterKey, keyId);
  } catch (caught) {
    error = caught;
  }
  expect(error).toBeInstanceOf(KeySealingError);
  expect((error as Error).name).toBe('KeySealingError');
  expect((error as Error).message).toBe(message);
}

describe('key sealing', () => {
  const sealed = sealPrivateKey(privateKey, master, KEY_ID);

  it('seals as v1.<iv>.<tag>.<ciphertext> in base64url and opens to the same key', () => {
    const [version, iv, tag, ciphertext] = sealed.split('.');
    expect(version).toBe('v1');
    expect(Buffer.from(iv!, 'base64url')).toHaveLength(12);
    expect(Buffer.from(tag!, 'base64url')).toHaveLength(16);
    expect(Buffer.from(ciphertext!, 'base64url')).toHaveLength(pkcs8().length);
    expect(sealed).toMatch(/^v1(\.[A-Za-z0-9_-]+){3}$/);

    const opened = openPrivateKey(sealed, master, KEY_ID);
    expect(pkcs8(opened)).toEqual(pkcs8());
    const signature = sign('sha256', Buffer.from('x'), opened);
    expect(verify('sha256', Buffer.from('x'), publicKey, signature)).toBe(true);
  });

  it('is AES-256-GCM over PKCS#8 DER with onegate-key:v1:<keyId> as associated data', () => {
    const [, iv, tag, ciphertext] = sealed.split('.').map((part) => Buffer.from(part, 'base64url'));
    const decipher = createDecipheriv('aes-256-gcm', master, iv!);
    decipher.setAAD(Buffer.from(`onegate-key:v1:${KEY_ID}`));
    decipher.setAuthTag(tag!);
    const der = Buffer.concat([decipher.update(ciphertext!), decipher.final()]);
    expect(pkcs8(createPrivateKey({ key: der, format: 'der', type: 'pkcs8' }))).toEqual(pkcs8());
  });

  it('uses a fresh IV each time', () => {
    expect(sealPrivateKey(privateKey, master, KEY_ID)).not.toBe(sealed);
  });

  it('refuses the wrong master key and the wrong key id', () => {
    expectOpenFails(sealed, randomBytes(32));
    expectOpenFails(sealed, master, 'onegate-root-ca');
    expectOpenFails(sealed, master, `${KEY_ID} `);
  });

  it('refuses a tampered IV, tag or ciphertext, and a truncated ciphertext', () => {
    expectOpenFails(withPart(sealed, 1, flipFirstBit));
    expectOpenFails(withPart(sealed, 2, flipFirstBit));
    expectOpenFails(withPart(sealed, 3, flipFirstBit));
    expectOpenFails(withPart(sealed, 3, (bytes) => bytes.subarray(0, bytes.length - 1)));
  });

  it('refuses malformed text with a message that does not echo it', () => {
    const malformed = 'sealed key is malformed: expected v1.<iv>.<tag>.<ciphertext> in base64url';
    for (const text of [
      '',
      'v1',
      'v1...',
      sealed.replace(/^v1/, 'v2'),
      `${sealed}.extra`,
      sealed.replace('.', '.+/'),
      withPart(sealed, 1, (b) => b.subarray(1)),
      withPart(sealed, 2, (b) => b.subarray(1)),
      `v1.${'A'.repeat(20_000)}`,
    ]) {
      expectOpenFails(text, master, KEY_ID, malformed);
    }
    expectOpenFails(42 as unknown as string, master, KEY_ID, malformed);
  });

  it('refuses a master key of the wrong size', () => {
    expectOpenFails(sealed, randomBytes(16), KEY_ID, 'master key must be 32 bytes');
    expect(() => sealPrivateKey(privateKey, randomBytes(31), KEY_ID)).toThrow(RangeError);
    expect(() => sealPrivateKey(publicKey, master, KEY_ID)).toThrow('only a private key can be sealed');
    expect(() => sealPrivateKey(privateKey, master, '')).toThrow('key id');
  });

  it('never puts the master key or key material in an error', () => {
    let message = '';
    try {
      openPrivateKey(sealed, randomBytes(32), KEY_ID);
    } catch (error) {
      message = `${(error as Error).message} ${(error as Error).stack ?? ''}`;
    }
    expect(message).not.toContain(master.toString('hex'));
    expect(message).not.toContain(sealed.split('.')[3]!.slice(0, 12));
  });
});

describe('parseMasterKey', () => {
  const key = Buffer.from('000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f', 'hex');

  it('reads 64 hex characters, base64 and base64url, padded or not', () => {
    expect(parseMasterKey(key.toString('hex'))).toEqual(key);
    expect(parseMasterKey(key.toString('hex').toUpperCase())).toEqual(key);
    const special = Buffer.alloc(32, 0xfb); // encodes with '+' / '-' characters
    expect(parseMasterKey(special.toString('base64'))).toEqual(special);
    expect(parseMasterKey(special.toString('base64').replace(/=$/, ''))).toEqual(special);
    expect(parseMasterKey(special.toString('base64url'))).toEqual(special);
    expect(parseMasterKey(`${key.toString('hex')}\n`)).toEqual(key);
  });

  it('refuses anything else with the expected form and without echoing the value', () => {
    const secretLooking = `${key.toString('hex')}00`;
    for (const value of [
      '',
      'abc',
      secretLooking,
      key.toString('hex').slice(2),
      Buffer.alloc(31, 7).toString('base64'),
      Buffer.alloc(33, 7).toString('base64'),
      `${Buffer.alloc(32, 0xfb).toString('base64').slice(0, 2)}-_${Buffer.alloc(32, 0xfb).toString('base64').slice(4)}`,
      'g'.repeat(64),
    ]) {
      expect(() => parseMasterKey(value)).toThrow(RangeError);
      try {
        parseMasterKey(value);
      } catch (error) {
        expect((error as Error).message).toMatch(/^master key must be 32 bytes: 64 hex characters, or base64/);
        if (value.length > 3) expect((error as Error).message).not.toContain(value);
      }
    }
    expect(() => parseMasterKey(undefined as unknown as string)).toThrow(RangeError);
  });

  it('refuses non-canonical base64 (spare bits set) and the all-zero placeholder', () => {
    const canonical = Buffer.alloc(32, 0x11).toString('base64url'); // 43 characters
    const spareBitsSet = `${canonical.slice(0, 42)}${String.fromCharCode(canonical.charCodeAt(42) + 1)}`;
    expect(() => parseMasterKey(spareBitsSet)).toThrow(RangeError);
    expect(() => parseMasterKey('0'.repeat(64))).toThrow('master key must not be all zeros');
  });
});
