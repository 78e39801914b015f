import { randomInt } from 'node:crypto';
import { gunzipSync, gzipSync } from 'node:zlib';
import { contextRelatedResources, CREDENTIAL_CONTEXT, xsdDateTime } from './credential-model.js';

/**
 * W3C Bitstring Status List v1.0: one bit per issued credential, published gzipped inside a
 * signed `BitstringStatusListCredential`. Bit 0 is the most significant bit of the first byte.
 */

/** Entries per list: the specification's minimum (16 KiB), large enough for herd privacy. */
export const STATUS_LIST_SIZE = 131_072;

export type StatusPurpose = 'revocation' | 'suspension';

export const STATUS_PURPOSES: readonly StatusPurpose[] = ['revocation', 'suspension'];

/** Default ceiling on a decoded list: far above any real list, low enough to stop a zip bomb. */
export const MAX_DECODED_LIST_BYTES = 16 * 1024 * 1024;

function checkIndex(index: number, size: number): void {
  if (!Number.isInteger(index) || index < 0 || index >= size) throw new RangeError(`status index must be an integer in [0, ${size})`);
}

/** Reads bit `index` of a bitstring (false beyond its end is not assumed: the index must fit). */
export function bitAt(bytes: Uint8Array, index: number): boolean {
  checkIndex(index, bytes.length * 8);
  return ((bytes[index >> 3]! >> (7 - (index & 7))) & 1) === 1;
}

/** A mutable bitstring of a fixed number of bits (a multiple of 8). */
export class Bitstring {
  readonly bytes: Uint8Array;

  constructor(readonly size: number = STATUS_LIST_SIZE) {
    if (!Number.isInteger(size) || size <= 0 || size % 8 !== 0) throw new RangeError('a bitstring size is a positive multiple of 8');
    this.bytes = new Uint8Array(size / 8);
  }

  /** A bitstring with exactly the given indices set (e.g. the revoked credentials of one list). */
  static fromIndices(size: number, indices: Iterable<number>): Bitstring {
    const bits = new Bitstring(size);
    for (const index of indices) bits.set(index);
    return bits;
  }

  get(index: number): boolean {
    return bitAt(this.bytes, index);
  }

  set(index: number, value = true): void {
    checkIndex(index, this.size);
    const mask = 1 << (7 - (index & 7));
    const at = index >> 3;
    this.bytes[at] = value ? this.bytes[at]! | mask : this.bytes[at]! & ~mask;
  }
}

/** `encodedList`: multibase base64url (prefix `u`, no padding) of the gzipped bitstring. */
export function encodeList(bits: Uint8Array): string {
  return `u${gzipSync(bits).toString('base64url')}`;
}

/**
 * Decodes an `encodedList`. Throws RangeError for anything that is not a multibase-base64url
 * gzip stream, or that inflates beyond `maxBytes` (zlib stops at `maxOutputLength`, so a
 * compressed bomb never gets expanded in memory).
 */
export function decodeList(encoded: string, maxBytes: number = MAX_DECODED_LIST_BYTES): Uint8Array {
  if (typeof encoded !== 'string' || !encoded.startsWith('u') || !/^[A-Za-z0-9_-]+$/.test(encoded.slice(1))) {
    throw new RangeError('an encoded status list is "u" followed by base64url');
  }
  let inflated: Buffer;
  try {
    inflated = gunzipSync(Buffer.from(encoded.slice(1), 'base64url'), { maxOutputLength: maxBytes });
  } catch (error) {
    const tooLarge = error instanceof RangeError || (error as { code?: unknown }).code === 'ERR_BUFFER_TOO_LARGE';
    throw new RangeError(tooLarge ? `the status list inflates beyond ${maxBytes} bytes` : 'the status list is not valid gzip', { cause: error });
  }
  if (inflated.length === 0) throw new RangeError('the status list is empty');
  return new Uint8Array(inflated.buffer, inflated.byteOffset, inflated.length);
}

/**
 * Chooses an unused index at random, so an index says nothing about issue order or volume.
 * Random probes are cheap while the list is sparse; once they keep hitting used entries, a scan
 * from a random start still finds a free one if any is left. Null when the list is full.
 */
export function pickFreeIndex(
  isTaken: (index: number) => boolean,
  size: number = STATUS_LIST_SIZE,
  random: (max: number) => number = randomInt,
  probes = 64,
): number | null {
  if (!Number.isInteger(size) || size <= 0) throw new RangeError('a status list size is a positive integer');
  for (let probe = 0; probe < probes; probe++) {
    const index = random(size);
    if (!isTaken(index)) return index;
  }
  const start = random(size);
  for (let offset = 0; offset < size; offset++) {
    const index = (start + offset) % size;
    if (!isTaken(index)) return index;
  }
  return null;
}

export interface StatusListCredentialOptions {
  /** Where the list is published; also the credential's `id`, which verifiers match. */
  url: string;
  issuer: { id: string; name: string; creditCode: string };
  purpose: StatusPurpose;
  encodedList: string;
  validFrom: Date;
  validUntil: Date;
}

/**
 * The unsigned `BitstringStatusListCredential` (sign it with `signVcJwt`). Its issuer carries
 * `creditCode`, so it is under onegate's JSON-LD context too, as certificates are.
 */
export function statusListCredential(opts: StatusListCredentialOptions): Record<string, unknown> {
  return {
    '@context': [...CREDENTIAL_CONTEXT],
    id: opts.url,
    type: ['VerifiableCredential', 'BitstringStatusListCredential'],
    issuer: { ...opts.issuer },
    validFrom: xsdDateTime(opts.validFrom),
    validUntil: xsdDateTime(opts.validUntil),
    credentialSubject: {
      id: `${opts.url}#list`,
      type: 'BitstringStatusList',
      statusPurpose: opts.purpose,
      encodedList: opts.encodedList,
    },
    relatedResource: contextRelatedResources(),
  };
}
