import { randomUUID } from 'node:crypto';
import type { LedgerEntryInput } from '../../src/ledger/ledger-entry.js';

/** The i-th synthetic ledger entry of the ledger benchmarks: a clerk's granted house-transfer lookup, as the exchange records one. */
export function entry(i: number): LedgerEntryInput {
  return {
    kind: 'DATA_ACCESS',
    actor: { kind: 'clerk', id: `C-${i % 400}`, hall: 'JINGAN-01', region: '310106', department: null },
    subject: { kind: 'PERSON', id: `3101061980${String(i % 1_000_000).padStart(6, '0')}1X` },
    matter: 'HOUSE_TRANSFER',
    caseNumber: `JA-2026-${i}`,
    itemsGranted: ['person.basic', 'household.registration', 'marriage.record', 'property.ownership'],
    departments: ['PUBLIC_SECURITY', 'CIVIL_AFFAIRS', 'NATURAL_RESOURCES'],
    outcome: 'GRANTED',
    requestId: randomUUID(),
    clientAddress: '127.0.0.1',
  };
}
