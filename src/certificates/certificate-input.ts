import { parseCreditCode } from '../common/identifiers/credit-code.js';
import { parseIdNumber } from '../common/identifiers/id-number.js';
import type { Subject } from '../exchange/exchange.service.js';
import { CertificateError } from './certificates.errors.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A certificate id as callers give it, normalised; null when it is not one (no certificate has it). */
export function certificateId(id: string): string | null {
  return UUID.test(id) ? id.toLowerCase() : null;
}

/** The holder as a subject of the given kind, or of either kind (an ID number first) when `kind` is null. */
export function holderSubject(holder: string, kind: Subject['kind'] | null): Subject {
  if (kind !== 'ENTERPRISE') {
    const id = parseIdNumber(holder);
    if (id.ok) return { kind: 'PERSON', id: id.value };
    if (kind === 'PERSON') throw CertificateError.badInput('HOLDER_INVALID', `holder: ${id.message}`);
  }
  const code = parseCreditCode(holder);
  if (code.ok) return { kind: 'ENTERPRISE', id: code.value };
  throw CertificateError.badInput(
    'HOLDER_INVALID',
    kind === 'ENTERPRISE' ? `holder: ${code.message}` : 'holder must be a valid ID number or unified social credit code',
  );
}
