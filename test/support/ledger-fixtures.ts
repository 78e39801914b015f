import { expect } from '@jest/globals';
import { createHash, createPublicKey, verify } from 'node:crypto';
import type { Test } from 'supertest';
import { LedgerService } from '../../src/audit/ledger.service.js';
import type { LedgerEntryInput } from '../../src/audit/ledger-entry.js';
import type { TestApp } from '../harness/test-app.js';
import { referenceRoot, referenceVerifyInclusion } from './rfc9162-reference.js';

/** A data-access entry as the exchange will write it, for a clerk at `hall` reading `subject`. */
export function accessEntry(subject: string, overrides: Partial<LedgerEntryInput> = {}): LedgerEntryInput {
  return {
    kind: 'DATA_ACCESS',
    actor: { kind: 'clerk', id: 'C-001', hall: 'JINGAN-01', region: '310106', department: null },
    subject: { kind: 'PERSON', id: subject },
    matter: 'HOUSE_TRANSFER',
    caseNumber: 'JA-2026-000123',
    consentRef: null,
    itemsGranted: ['person.basic', 'household.registration'],
    itemsDenied: [],
    departments: ['PUBLIC_SECURITY'],
    outcome: 'GRANTED',
    requestId: null,
    clientAddress: '127.0.0.1',
    ...overrides,
  };
}

/** Sends the request with the body kept as text whatever its content type (supertest parses only the types it knows, and NDJSON is not one). */
export function asText(req: Test): Test {
  return req.buffer(true).parse((res, done) => {
    let body = '';
    res.setEncoding('utf8');
    res.on('data', (chunk: string) => (body += chunk));
    res.on('end', () => done(null, body));
  });
}

export function ledgerOf(t: TestApp): LedgerService {
  return t.app.get(LedgerService);
}

/**
 * The stored ledger holds one tree: contiguous leaf indexes from 0, a checkpoint whose root is the
 * RFC 9162 root of the stored leaves, and inclusion proofs into that root for the `proven` entries
 * (all when not given), each for the stored leaf. Returns the number of entries.
 */
export async function expectStoredTreeVerifies(
  t: TestApp,
  db: { query<R>(text: string): Promise<{ rows: R[] }> },
  proven?: readonly number[],
): Promise<number> {
  const { rows } = await db.query<{ i: number; h: Buffer }>('SELECT leaf_index::int AS i, leaf_hash AS h FROM onegate.ledger_entry ORDER BY leaf_index');
  expect(rows.map((r) => r.i)).toEqual(rows.map((_, i) => i));
  const leaves = rows.map((r) => r.h.toString('base64'));
  // The root the gateway signs (from its stored tree nodes) is the RFC 9162 root of the stored leaves.
  const ledger = ledgerOf(t);
  const checkpoint = await ledger.createCheckpoint();
  expect(checkpoint.treeSize).toBe(rows.length);
  const root = referenceRoot(leaves);
  expect(checkpoint.rootHash.toString('base64')).toBe(root);
  for (const i of proven ?? leaves.keys()) {
    const proof = await ledger.inclusionProof(i, rows.length);
    expect(proof.leafHash.toString('base64')).toBe(leaves[i]);
    expect(referenceVerifyInclusion(leaves[i]!, i, rows.length, proof.hashes.map((h) => h.toString('base64')), root)).toBe(true);
  }
  return rows.length;
}

/**
 * Checks a C2SP checkpoint's timestamped Ed25519 cosignature against a vkey, written here from
 * the C2SP signed-note and tlog-cosignature texts, independently of src/audit/checkpoint.ts.
 */
export function referenceVerifyCheckpoint(note: string, vkey: string): { origin: string; treeSize: number; rootHash: string; time: number } {
  // <name>+<key id>+<base64>: the name and key id hold no '+', the base64 may.
  const [name, keyIdHex, ...rest] = vkey.split('+');
  const keyB64 = rest.join('+');
  const keyBytes = Buffer.from(keyB64!, 'base64');
  if (keyBytes[0] !== 0x04 || keyBytes.length !== 33) throw new Error('not an Ed25519 cosignature vkey');
  const publicKey = keyBytes.subarray(1);
  const keyId = createHash('sha256').update(Buffer.concat([Buffer.from(`${name}\n`), Buffer.of(0x04), publicKey])).digest().subarray(0, 4);
  if (keyId.toString('hex') !== keyIdHex) throw new Error('vkey key id does not match its key');

  const split = note.indexOf('\n\n');
  const body = note.slice(0, split + 1);
  const [origin, size, root] = body.split('\n');
  const line = note
    .slice(split + 2)
    .split('\n')
    .find((l) => l.startsWith(`\u2014 ${name} `));
  if (!line) throw new Error('no signature line for the key');
  const blob = Buffer.from(line.slice(`\u2014 ${name} `.length), 'base64');
  if (!blob.subarray(0, 4).equals(keyId)) throw new Error('signature key id differs');
  const time = Number(blob.readBigUInt64BE(4));
  const message = Buffer.from(`cosignature/v1\ntime ${time}\n${body}`);
  const key = createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: publicKey.toString('base64url') }, format: 'jwk' });
  if (!verify(null, message, key, blob.subarray(12))) throw new Error('checkpoint signature does not verify');
  return { origin: origin!, treeSize: Number(size), rootHash: root!, time };
}
