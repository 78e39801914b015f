import { expect } from '@jest/globals';
import type { Test } from 'supertest';
import { LedgerService } from '../../src/ledger/ledger.service.js';
import type { LedgerEntryInput } from '../../src/ledger/ledger-entry.js';
import type { TestApp } from '../harness/test-app.js';
import { referenceRoot, referenceVerifyInclusion } from './rfc9162-reference.js';
import { referenceCheckpointBody, referenceOpenNote } from './signed-note-reference.js';

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
    expect(
      referenceVerifyInclusion(
        leaves[i]!,
        i,
        rows.length,
        proof.hashes.map((h) => h.toString('base64')),
        root,
      ),
    ).toBe(true);
  }
  return rows.length;
}

/**
 * Checks a C2SP checkpoint note against trusted vkeys with the independent reference reader
 * (signed-note-reference.ts, written from the C2SP texts, nothing from src/ledger): the signature
 * lines by those keys must verify and the origin must be their name. `time` is the cosignature's,
 * null when no 0x04 key was given or the note has no cosignature line; `types` the signature types
 * that verified.
 */
export function referenceVerifyCheckpoint(
  note: string,
  vkeys: string | string[],
): { origin: string; treeSize: number; rootHash: string; time: number | null; types: number[] } {
  const { text, verified } = referenceOpenNote(note, typeof vkeys === 'string' ? [vkeys] : vkeys);
  const body = referenceCheckpointBody(text);
  if (verified.some((v) => v.name !== body.origin)) throw new Error('the checkpoint origin is not the key name');
  return { ...body, time: verified.find((v) => v.time !== null)?.time ?? null, types: verified.map((v) => v.type) };
}
