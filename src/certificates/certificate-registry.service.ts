import { Injectable } from '@nestjs/common';
import { decideCertificateTypes } from '../access/access-decision.js';
import { actorFor, type LedgerEntryInput, requestFieldsOf } from '../ledger/ledger-entry.js';
import { LedgerService } from '../ledger/ledger.service.js';
import { MattersService } from '../catalog/matters.service.js';
import { qrSvg } from '../common/qr-svg.js';
import type { RequestContext } from '../common/request/request-context.js';
import { AppConfig } from '../config/app-config.js';
import { accessFacts, caseDetail, PurposeFactsService } from '../consent/purpose-facts.js';
import { ExchangeService, type ConditionReads, type Purpose } from '../exchange/exchange.service.js';
import type { Principal } from '../identity/principal.js';
import { certificateId, holderSubject } from './certificate-input.js';
import { CertificateRepository, type RegisteredCertificate } from './certificate.repository.js';
import { CertificateError } from './certificates.errors.js';
import { presentSdJwt } from './credential/sd-jwt.js';
import type { CertificateState } from './entities/certificate.entity.js';
import { StatusListsService } from './status-lists.service.js';

const MAX_REASON_LENGTH = 500;
/** Certificates listed per holder, newest first. */
export const CERTIFICATES_LIMIT = 100;

/** The status a client sees: the stored state, or EXPIRED once `validUntil` has passed. */
export type CertificateStatus = CertificateState | 'EXPIRED';

export type StatusChange = 'revoke' | 'suspend' | 'reinstate';

const CHANGES: Record<StatusChange, { from: readonly CertificateState[]; to: CertificateState; kind: LedgerEntryInput['kind'] }> = {
  revoke: { from: ['VALID', 'SUSPENDED'], to: 'REVOKED', kind: 'CERTIFICATE_REVOKE' },
  suspend: { from: ['VALID'], to: 'SUSPENDED', kind: 'CERTIFICATE_SUSPEND' },
  reinstate: { from: ['SUSPENDED'], to: 'VALID', kind: 'CERTIFICATE_REINSTATE' },
};

export function certificateStatus(row: Pick<RegisteredCertificate, 'state' | 'validUntil'>, now = new Date()): CertificateStatus {
  if (row.state === 'VALID' && row.validUntil !== null && row.validUntil <= now) return 'EXPIRED';
  return row.state;
}

/**
 * The certificate registry: registered certificates as callers may see them (each read decided in
 * access/ and recorded in the ledger), their status changes (each a ledger entry in the change's
 * transaction) and presentations. Issuance is CertificateIssuance's.
 */
@Injectable()
export class CertificateRegistry {
  constructor(
    private readonly certificates: CertificateRepository,
    private readonly statusLists: StatusListsService,
    private readonly exchange: ExchangeService,
    private readonly purposes: PurposeFactsService,
    private readonly matters: MattersService,
    private readonly ledger: LedgerService,
    private readonly config: AppConfig,
  ) {}

  /** One certificate, for its holder, its issuing department, or a clerk whose matter accepts the type (with what the matter needs). */
  async find(principal: Principal, request: RequestContext, id: string, purpose: Purpose | null): Promise<RegisteredCertificate> {
    const key = certificateId(id);
    const row = key ? await this.certificates.findById(key) : null;
    if (!row) {
      await this.recordNotFound(principal, request);
      throw CertificateError.notFound();
    }
    const [visible] = await this.visibleTo(principal, request, row.holderKind, row.holder, [row], purpose);
    if (!visible) throw CertificateError.notFound();
    return visible;
  }

  /** A holder's certificates, newest first, as far as the caller may see them. */
  /** `scope`: the lookup's per-request scope when listed beside its records, so a subject condition it read is not read again. */
  async listFor(principal: Principal, request: RequestContext, holder: string, purpose: Purpose | null, scope: object = {}): Promise<RegisteredCertificate[]> {
    const subject = holderSubject(holder, null);
    const rows = await this.certificates.listByHolder(subject.id, CERTIFICATES_LIMIT);
    return this.visibleTo(principal, request, subject.kind, subject.id, rows, purpose, scope);
  }

  /** Revoke, suspend or reinstate: the issuing department's system only; each change is a ledger entry in the change's transaction. */
  async changeStatus(principal: Principal, request: RequestContext, id: string, change: StatusChange, reason: string | null): Promise<RegisteredCertificate> {
    if (change !== 'reinstate' || reason !== null) checkReason(reason);
    const rule = CHANGES[change];
    const refused = async (certificate: RegisteredCertificate | null): Promise<never> => {
      // Another department's certificate answers exactly as one that is not there: existence is not
      // told. Both are recorded, with what was asked, so an auditor sees the attempt.
      await this.ledger.record({
        kind: rule.kind,
        actor: actorFor(principal),
        subject: certificate ? { kind: 'CERTIFICATE', id: certificate.identifier } : null,
        outcome: 'DENIED',
        ...requestFieldsOf(request),
        detail: { reason: certificate ? 'NOT_THE_ISSUING_DEPARTMENT' : 'NOT_FOUND', to: rule.to },
      });
      throw CertificateError.notFound();
    };
    const key = certificateId(id);
    if (!key) return refused(null);
    // The changed row, or the refusal: the certificate the caller may not change (null: none there).
    const outcome = await this.certificates.withLocked(
      key,
      async (current, setState): Promise<{ changed: RegisteredCertificate } | { refused: RegisteredCertificate | null }> => {
        if (!current || principal.kind !== 'department' || principal.department !== current.issuer) return { refused: current };
        if (current.state === rule.to) return { changed: current };
        if (!rule.from.includes(current.state)) {
          throw CertificateError.conflict(
            'STATE_CONFLICT',
            `a ${current.state.toLowerCase()} certificate cannot be ${change === 'reinstate' ? 'reinstated' : change + 'd'}`,
          );
        }
        const changed = { state: rule.to, stateReason: reason, stateChangedAt: new Date() };
        await setState(changed);
        await this.ledger.record({
          kind: rule.kind,
          actor: actorFor(principal),
          subject: { kind: 'CERTIFICATE', id: current.identifier },
          outcome: 'GRANTED',
          departments: [current.issuer],
          ...requestFieldsOf(request),
          detail: { certificateType: current.type, holderKind: current.holderKind, from: current.state, to: rule.to, reason },
        });
        return { changed: { ...current, ...changed } };
      },
    );
    if ('refused' in outcome) return refused(outcome.refused);
    const row = outcome.changed;
    this.statusLists.changed(row.issuer, row.statusList);
    return row;
  }

  /**
   * An SD-JWT presentation disclosing only the chosen claims (the holder's, or the issuing
   * department's). For a holder-bound certificate (`cnf`) it is the SD-JWT without a key-binding
   * JWT, ending in "~": only the holder's wallet can sign one (with the verifier's audience and
   * nonce, over this very string), and verifiers refuse the presentation until it does.
   */
  async presentation(principal: Principal, request: RequestContext, id: string, disclose: readonly string[]): Promise<string> {
    return presentSdJwtOf(await this.find(principal, request, id, null), disclose);
  }

  /** The registered certificate and its presentation of the chosen claims, for a caller that needs both. */
  async presentationWithRow(
    principal: Principal,
    request: RequestContext,
    id: string,
    disclose: readonly string[],
  ): Promise<{ row: RegisteredCertificate; presentation: string }> {
    const row = await this.find(principal, request, id, null);
    return { row, presentation: presentSdJwtOf(row, disclose) };
  }

  /** The public verification link a certificate's QR code opens. */
  verificationUrl(row: Pick<RegisteredCertificate, 'identifier'>): string {
    return `${this.config.publicBaseUrl}/verify?id=${encodeURIComponent(row.identifier)}`;
  }

  qrSvg(row: Pick<RegisteredCertificate, 'identifier'>): Promise<string> {
    return qrSvg(this.verificationUrl(row));
  }

  /** The registered certificate with this identifier (the public verification page's QR lookup). */
  byIdentifier(identifier: string): Promise<RegisteredCertificate | null> {
    if (identifier.length > 200) return Promise.resolve(null);
    return this.certificates.findByIdentifier(identifier);
  }

  /**
   * The rows the caller may see, after recording the read: a citizen their own, a department the
   * ones it issued, a clerk those of types the stated matter accepts (with its consent and
   * jurisdiction rules). Auditors and administrators see none — certificates carry record data.
   */
  private async visibleTo(
    principal: Principal,
    request: RequestContext,
    holderKind: 'PERSON' | 'ENTERPRISE',
    holder: string,
    rows: RegisteredCertificate[],
    purpose: Purpose | null,
    scope: object = {},
  ): Promise<RegisteredCertificate[]> {
    let visible: RegisteredCertificate[];
    let matter: string | null = null;
    let consentRef: string | null = null;
    let denial: string | null = null;
    let caseNumber = purpose?.caseNumber ?? null;
    let caseFields: Record<string, string> = {};
    let conditions: ConditionReads = { records: undefined, items: [], departments: [] };
    const subject = { kind: holderKind, id: holder };
    if (principal.kind === 'citizen') {
      const own = holderKind === 'PERSON' && holder === principal.id;
      visible = own ? rows : [];
      if (!own) denial = 'NOT_OWN_RECORDS';
    } else if (principal.kind === 'department') {
      visible = rows.filter((row) => row.issuer === principal.department);
      if (visible.length < rows.length) denial = 'NOT_THE_ISSUING_DEPARTMENT';
    } else if (principal.kind === 'clerk' && purpose) {
      const now = new Date();
      const gathered = await this.purposes.gather(purpose, now, { principal, subject, request, scope });
      const { matter: rules, consent } = gathered;
      const accepted = rules ? await this.acceptedTypes(rules.code) : [];
      const facts = accessFacts(gathered, principal, subject, now);
      caseNumber = facts.caseNumber;
      caseFields = caseDetail(gathered);
      conditions = await this.exchange.readConditions(scope, facts);
      const decision = decideCertificateTypes({ ...facts, subjectRecords: conditions.records }, accepted);
      matter = rules?.code ?? null;
      consentRef = consent.ref;
      denial = decision.denial;
      visible = rows.filter((row) => decision.allowed.includes(row.type));
    } else {
      visible = [];
      denial = principal.kind === 'clerk' ? 'MATTER_UNKNOWN' : 'ROLE_NEVER_READS_RECORDS';
    }
    const common = {
      kind: 'DATA_ACCESS' as const,
      actor: actorFor(principal),
      subject,
      matter,
      caseNumber,
      consentRef,
      ...requestFieldsOf(request),
    };
    const conditionDetail: Record<string, string | string[]> = { ...caseFields, ...(conditions.items.length ? { conditionItems: conditions.items } : {}) };
    if (visible.length === 0) {
      // Nothing shown: a refusal is recorded (REPEATED_DENIALS sees probing); the caller's answer is
      // the same as for a holder with no certificates, or an id that is not there.
      if (denial) {
        await this.ledger.record({
          ...common,
          itemsDenied: ['certificate'],
          departments: conditions.departments,
          outcome: 'DENIED',
          detail: { reason: denial, ...conditionDetail },
        });
      }
      return [];
    }
    await this.ledger.record({
      ...common,
      itemsGranted: [...new Set(visible.map((row) => `certificate.${row.type}`))].slice(0, 64),
      departments: [...new Set([...visible.map((row) => row.issuer), ...conditions.departments])].sort(),
      outcome: 'GRANTED',
      detail: { certificates: visible.slice(0, 64).map((row) => row.identifier), ...conditionDetail },
    });
    return visible;
  }

  /** A read of a certificate id that is not there, recorded like a refusal (the answer is the same as for one that is not the caller's). */
  private async recordNotFound(principal: Principal, request: RequestContext): Promise<void> {
    await this.ledger.record({
      kind: 'DATA_ACCESS',
      actor: actorFor(principal),
      itemsDenied: ['certificate'],
      outcome: 'DENIED',
      ...requestFieldsOf(request),
      detail: { reason: 'NOT_FOUND' },
    });
  }

  /** Certificate types a matter accepts for one of its materials. */
  async acceptedTypes(matterCode: string): Promise<string[]> {
    const materials = await this.matters.materials(matterCode);
    return [...new Set((materials ?? []).flatMap((m) => m.satisfiedBy.certificateTypes))];
  }
}

function presentSdJwtOf(row: RegisteredCertificate, disclose: readonly string[]): string {
  try {
    return presentSdJwt(row.sdJwt, disclose);
  } catch (error) {
    throw CertificateError.badInput('DISCLOSURE_INVALID', (error as Error).message);
  }
}

function checkReason(reason: string | null): void {
  if (typeof reason !== 'string' || reason.trim() === '' || reason.length > MAX_REASON_LENGTH || /[\u0000-\u001f\u007f]/.test(reason)) {
    throw CertificateError.badInput('REASON_INVALID', `reason must be 1-${MAX_REASON_LENGTH} characters without control characters`);
  }
}
