import { deflateSync, inflateSync } from 'node:zlib';
import { epochSeconds, type JsonObject } from './credential-model.js';
import { decodeBase64url } from './vc-jwt.js';

/**
 * IETF Token Status List (draft-ietf-oauth-status-list-17): the status of many referenced tokens
 * as a byte array of `bits`-bit values, compressed with DEFLATE in the ZLIB format (RFC 1950/1951)
 * and published base64url inside a signed Status List Token (`typ: statuslist+jwt`).
 *
 * Unlike the W3C Bitstring Status List (status-list.ts: one bit per entry, most significant bit
 * first, gzip), values are packed from the least significant bit: entry `i` of a 2-bit list is bits
 * `2(i mod 4)` and `2(i mod 4) + 1` of byte `floor(i / 4)`.
 */

/** `typ` of a Status List Token in JWT format. */
export const STATUS_LIST_TOKEN_TYPE = 'statuslist+jwt';

/** The media type a Status List Token is served with (and asked for in `Accept`). */
export const STATUS_LIST_TOKEN_MEDIA_TYPE = 'application/statuslist+jwt';

/** Status Type values (draft §7.1). */
export const TOKEN_STATUS = { VALID: 0x00, INVALID: 0x01, SUSPENDED: 0x02 } as const;
export type TokenStatusValue = (typeof TOKEN_STATUS)[keyof typeof TOKEN_STATUS];

/** Bits per entry the draft allows. */
export type StatusBits = 1 | 2 | 4 | 8;
export const STATUS_BITS: readonly StatusBits[] = [1, 2, 4, 8];

/** onegate's lists: 2 bits, so one list says VALID, INVALID (revoked) or SUSPENDED. */
export const ONEGATE_STATUS_BITS: StatusBits = 2;

/** Default ceiling on a decompressed list: far above any real list, low enough to stop a zip bomb. */
export const MAX_DECOMPRESSED_STATUS_LIST_BYTES = 16 * 1024 * 1024;

function checkBits(bits: number): asserts bits is StatusBits {
  if (!(STATUS_BITS as readonly number[]).includes(bits)) throw new RangeError('bits is one of 1, 2, 4 or 8');
}

/** The value of entry `index` (null beyond the end of the list: the draft makes no statement then). */
export function statusAt(bytes: Uint8Array, bits: StatusBits, index: number): number | null {
  checkBits(bits);
  if (!Number.isSafeInteger(index) || index < 0 || index >= (bytes.length * 8) / bits) return null;
  const perByte = 8 / bits;
  const shift = (index % perByte) * bits;
  return (bytes[Math.floor(index / perByte)]! >> shift) & ((1 << bits) - 1);
}

/** A mutable status array of `size` entries of `bits` bits each, every entry VALID (0) to begin with. */
export class TokenStatusArray {
  readonly bytes: Uint8Array;

  constructor(
    readonly size: number,
    readonly bits: StatusBits = ONEGATE_STATUS_BITS,
  ) {
    checkBits(bits);
    if (!Number.isSafeInteger(size) || size <= 0 || (size * bits) % 8 !== 0)
      throw new RangeError('a status list fills whole bytes: size × bits is a positive multiple of 8');
    this.bytes = new Uint8Array((size * bits) / 8);
  }

  get(index: number): number {
    const value = statusAt(this.bytes, this.bits, index);
    if (value === null) throw new RangeError(`status index must be an integer in [0, ${this.size})`);
    return value;
  }

  set(index: number, value: number): void {
    if (!Number.isSafeInteger(index) || index < 0 || index >= this.size) throw new RangeError(`status index must be an integer in [0, ${this.size})`);
    const max = (1 << this.bits) - 1;
    if (!Number.isInteger(value) || value < 0 || value > max) throw new RangeError(`a ${this.bits}-bit status is an integer in [0, ${max}]`);
    const perByte = 8 / this.bits;
    const shift = (index % perByte) * this.bits;
    const at = Math.floor(index / perByte);
    this.bytes[at] = (this.bytes[at]! & ~(max << shift)) | (value << shift);
  }
}

/** `lst`: base64url (no padding) of the ZLIB-wrapped DEFLATE stream, at the highest compression level. */
export function compressStatusList(bytes: Uint8Array): string {
  return deflateSync(bytes, { level: 9 }).toString('base64url');
}

/**
 * Decodes an `lst`. Throws RangeError for anything that is not strict base64url of a ZLIB stream,
 * or that inflates beyond `maxBytes` (zlib stops at `maxOutputLength`: a bomb is never expanded).
 */
export function decompressStatusList(lst: string, maxBytes: number = MAX_DECOMPRESSED_STATUS_LIST_BYTES): Uint8Array {
  const compressed = typeof lst === 'string' && lst.length > 0 ? decodeBase64url(lst) : null;
  if (!compressed) throw new RangeError('lst is not base64url');
  let inflated: Buffer;
  try {
    inflated = inflateSync(compressed, { maxOutputLength: maxBytes });
  } catch (error) {
    const tooLarge = error instanceof RangeError || (error as { code?: unknown }).code === 'ERR_BUFFER_TOO_LARGE';
    throw new RangeError(tooLarge ? `the status list inflates beyond ${maxBytes} bytes` : 'lst is not a ZLIB (RFC 1950) DEFLATE stream', { cause: error });
  }
  if (inflated.length === 0) throw new RangeError('the status list is empty');
  return new Uint8Array(inflated.buffer, inflated.byteOffset, inflated.length);
}

export interface StatusListTokenOptions {
  /** Where the token is published: its `sub`, and the `uri` of the referenced tokens' `status_list`. */
  uri: string;
  /** The referenced tokens' `iss` (kept equal, as earlier drafts of Token Status List require). */
  issuer: string;
  issuedAt: Date;
  expiresAt: Date;
  /** How long a consumer may cache the token before fetching a fresh copy (seconds, positive). */
  ttlSeconds: number;
  list: TokenStatusArray;
}

/** The unsigned Status List Token claims (sign with header `typ: statuslist+jwt`). */
export function statusListTokenPayload(opts: StatusListTokenOptions): JsonObject {
  if (!Number.isInteger(opts.ttlSeconds) || opts.ttlSeconds <= 0) throw new RangeError('ttl is a positive number of seconds');
  return {
    iss: opts.issuer,
    sub: opts.uri,
    iat: epochSeconds(opts.issuedAt),
    exp: epochSeconds(opts.expiresAt),
    ttl: opts.ttlSeconds,
    status_list: { bits: opts.list.bits, lst: compressStatusList(opts.list.bytes) },
  };
}
