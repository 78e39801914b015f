import { Injectable } from '@nestjs/common';
import { randomInt, randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { decideCertificateTypes, decideIssuance, type IssuanceDenialReason } from '../access/access-decision.js';
import { LedgerUnavailableError } from '../audit/audit.errors.js';
import { actorFor, type LedgerEntryInput, type LedgerOutcome, requestFieldsOf } from '../audit/ledger-entry.js';
import { LedgerService } from '../audit/ledger.service.js';
import { MattersService } from '../catalog/matters.service.js';
import { CoalescingBatcher } from '../common/coalescing-batcher.js';
import { qrSvg } from '../common/qr-svg.js';
import { parseCreditCode } from '../common/identifiers/credit-code.js';
import { parseIdNumber } from '../common/identifiers/id-number.js';
import type { RequestContext } from '../common/request/request-context.js';
import { AppConfig } from '../config/app-config.js';
import { PurposeFactsService } from '../consent/purpose-facts.js';
import type { ItemRecord } from '../exchange/connector.js';
import { ExchangeService, type ConditionReads, type Purpose, type Subject } from '../exchange/exchange.service.js';
import type { Principal } from '../identity/principal.js';
import { buildCertificateIdentifier, MAX_VERSION } from './certificate-identifier.js';
import { CertificateCatalog } from './certificate-catalog.js';
import { certificateCredential } from './certificate-credential.js';
import { CERTIFICATE_ROWS } from './certificate-rows.js';
import type { CertificateType } from './certificate-types.js';
import { CertificateError } from './certificates.errors.js';
import { buildClaims } from './claims-builder.js';
import { certificateTypeUrn, departmentUrn, epochSeconds, OID_URN_PREFIX } from './credential/credential-model.js';
import { parseHolderJwk, type HolderJwk } from './credential/key-binding.js';
import { issueSdJwt, presentSdJwt } from './credential/sd-jwt.js';
import { signVcJwt } from './credential/vc-jwt.js';
import { CertificateEntity, type CertificateState } from './entities/certificate.entity.js';
import { IssuingKeysService, type DepartmentSigningKey } from './issuing-keys.service.js';
import { StatusListsService, type StatusSlot } from './status-lists.service.js';

const DAY_MS = 86_400_000;
const IDEMPOTENCY_KEY = /^[A-Za-z0-9._:-]{1,128}$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const SERIAL_ALPHABET = '0123456789ABCDEFGHJKLMNPQRTUWXY';
/** Random serial: 20 characters of a 31-letter alphabet (~99 bits), so identifiers cannot be guessed. */
const SERIAL_LENGTH = 20;
/** Status slot collisions tolerated before giving up (each retry takes a new random index). */
const MAX_SLOT_ATTEMPTS = 8;
const MAX_REASON_LENGTH = 500;
/** Certificates listed per holder, newest first. */
export const CERTIFICATES_LIMIT = 100;

/** What the caller asks for. */
export interface IssueRequest {
  type: string;
  holder: string;
  idempotencyKey: string;
  /** A clerk's matter, case and consent; department systems issue without one. */
  purpose: Purpose | null;
  /** The certificate this one renews. */
  replaces: string | null;
  /**
   * The holder's public key (a JWK: EC P-256 or Ed25519), when the holder's wallet has one: the
   * SD-JWT VC is bound to it (`cnf.jwk`) and presentations must carry a key-binding JWT.
   */
  holderKey?: unknown;
}

/** The status a client sees: the stored state, or EXPIRED once `validUntil` has passed. */
export type CertificateStatus = CertificateState | 'EXPIRED';

export type StatusChange = 'revoke' | 'suspend' | 'reinstate';

const CHANGES: Record<StatusChange, { from: readonly CertificateState[]; to: CertificateState; kind: LedgerEntryInput['kind'] }> = {
  revoke: { from: ['VALID', 'SUSPENDED'], to: 'REVOKED', kind: 'CERTIFICATE_REVOKE' },
  suspend: { from: ['VALID'], to: 'SUSPENDED', kind: 'CERTIFICATE_SUSPEND' },
  reinstate: { from: ['SUSPENDED'], to: 'VALID', kind: 'CERTIFICATE_REINSTATE' },
};

/** Issuer and idempotency key as one batcher key (a key holds no newline). */
function idempotencyKeyOf(issuer: string, idempotencyKey: string): string {
  return `${issuer}\n${idempotencyKey}`;
}

export function certificateStatus(row: Pick<CertificateEntity, 'state' | 'validUntil'>, now = new Date()): CertificateStatus {
  if (row.state === 'VALID' && row.validUntil !== null && row.validUntil <= now) return 'EXPIRED';
  return row.state;
}

/**
 * The certificate registry. Issuance reads the claims' data items from their departments through
 * the exchange (one decision in access/, timeouts and breakers, schema validation), signs the
 * certificate twice — a W3C VC 2.0 JWT and an SD-JWT VC — with the issuing department's key, and
 * registers it in the same transaction as its ledger entry: a certificate the ledger cannot record
 * is never registered. A department that cannot answer means no certificate (fail closed).
 */
@Injectable()
export class CertificatesService {
  /** Concurrent issuances look up their idempotency keys together. */
  private readonly registered = new CoalescingBatcher<string, CertificateEntity | null>((keys) => this.byIdempotencyKeys(keys), {
    maxInFlight: 2,
    maxBatch: 200,
    missing: () => null,
  });
  private byIdempotencyKeysQuery?: string;

  constructor(
    private readonly dataSource: DataSource,
    private readonly catalog: CertificateCatalog,
    private readonly keys: IssuingKeysService,
    private readonly statusLists: StatusListsService,
    private readonly exchange: ExchangeService,
    private readonly purposes: PurposeFactsService,
    private readonly matters: MattersService,
    private readonly ledger: LedgerService,
    private readonly config: AppConfig,
  ) {}

  async issue(principal: Principal, request: RequestContext, scope: object, input: IssueRequest): Promise<CertificateEntity> {
    const type = this.catalog.type(input.type);
    if (!type) throw CertificateError.badInput('TYPE_UNKNOWN', `certificate type "${String(input.type).slice(0, 64)}" is not in the catalog`);
    const subject = holderSubject(input.holder, type.subject);
    if (!IDEMPOTENCY_KEY.test(input.idempotencyKey)) {
      throw CertificateError.badInput('IDEMPOTENCY_KEY_INVALID', 'idempotencyKey must be 1-128 letters, digits or . _ : -');
    }
    const holderKey = holderKeyOf(input.holderKey);
    const purpose = input.purpose;
    if ((principal.kind === 'clerk' || purpose) && !purpose?.caseNumber) {
      throw CertificateError.badInput('PURPOSE_REQUIRED', 'state purpose { matter caseNumber consent } to have this certificate issued');
    }
    // An issuance reads records like a lookup: it counts against the same limit.
    await this.exchange.countAgainstRateLimit(principal, request, { kind: 'CERTIFICATE_ISSUE', subject, matter: purpose?.matter ?? null, caseNumber: purpose?.caseNumber ?? null });
    const now = new Date();
    const { matter, consent } = await this.purposes.gather(purpose, now, { principal, subject, request });
    let conditions: ConditionReads = { records: undefined, items: [], departments: [] };
    const entry = (outcome: LedgerOutcome, extra: Partial<LedgerEntryInput>): LedgerEntryInput => ({
      kind: 'CERTIFICATE_ISSUE',
      actor: actorFor(principal),
      subject,
      matter: matter?.code ?? null,
      caseNumber: purpose?.caseNumber ?? null,
      consentRef: consent.ref,
      outcome,
      ...requestFieldsOf(request),
      ...extra,
      departments: [...new Set([...(extra.departments ?? []), ...conditions.departments])].sort(),
      detail: { certificateType: type.code, ...(conditions.items.length ? { conditionItems: conditions.items } : {}), ...extra.detail },
    });

    // The one decision point, before anything about the holder is read or told: the same answer
    // whether or not the person exists, whatever their age or status.
    const facts = {
      principal,
      type,
      itemOwners: new Map(type.dataItems.map((item) => [item, this.exchange.ownerOf(item) ?? ''])),
      matter,
      caseNumber: purpose?.caseNumber ?? null,
      subject,
      consent: consent.facts,
      consentRejected: consent.rejected,
      now,
    };
    let decision = decideIssuance(facts);
    if (!decision.allowed && decision.reason === 'SUBJECT_CONDITION_NOT_MET') {
      // Only the matter's conditions stand in the way: read what they are judged from, then decide.
      conditions = await this.exchange.readConditions(scope, facts);
      decision = decideIssuance({ ...facts, subjectRecords: conditions.records });
    }
    if (!decision.allowed) {
      await this.ledger.record(entry('DENIED', { itemsDenied: type.dataItems, detail: { reason: decision.reason } }));
      throw CertificateError.issuanceDenied(decision.reason as IssuanceDenialReason);
    }

    const existing = await this.byIdempotencyKey(type.issuer, input.idempotencyKey);
    if (existing) return this.replay(existing, type, subject, holderKey, entry);
    const replaced = input.replaces ? await this.replaced(input.replaces, type, subject) : null;
    if (!this.ledger.writable) throw new LedgerUnavailableError();

    // The claims' data items, from their departments: any failure and nothing is issued.
    const departments = [...new Set(type.dataItems.map((item) => this.exchange.ownerOf(item)!))];
    const records: Map<string, ItemRecord[]> = await this.exchange.readForIssuance({
      scope,
      subject,
      items: type.dataItems,
      failed: ({ item, department, failure }) => ({
        entry: entry('FAILED', { itemsDenied: type.dataItems, departments, detail: { reason: failure, department } }),
        error: CertificateError.department(department, item, failure),
      }),
    });
    const built = buildClaims(type, records, now);
    if (!built.ok) {
      await this.ledger.record(entry('FAILED', { itemsGranted: type.dataItems, departments, detail: { reason: built.reason } }));
      throw CertificateError.cannotBuild(built.reason, built.message);
    }

    const key = await this.keys.signingKey(type.issuer);
    const version = replaced ? replaced.version + 1 : 1;
    if (version > MAX_VERSION) throw CertificateError.badInput('REPLACES_INVALID', `a certificate can be renewed at most ${MAX_VERSION - 1} times`);
    const identifier = buildCertificateIdentifier({ typeCode: type.typeCode, issuerCode: type.issuerCreditCode, serial: randomSerial(), version });
    const validUntil = type.validityDays === null ? null : new Date(now.getTime() + type.validityDays * DAY_MS);
    for (let attempt = 1; attempt <= MAX_SLOT_ATTEMPTS; attempt++) {
      const slot = await this.statusLists.candidate(type.issuer);
      const row: CertificateEntity = {
        id: randomUUID(),
        identifier,
        type: type.code,
        holderKind: type.subject,
        holder: subject.id,
        issuer: type.issuer,
        signingKid: key.kid,
        version,
        replacesId: replaced?.id ?? null,
        statusList: slot.list,
        statusIndex: slot.index,
        state: 'VALID',
        stateReason: null,
        stateChangedAt: null,
        issuedAt: now,
        validUntil,
        idempotencyKey: input.idempotencyKey,
        issuedBy: `${principal.kind}:${principal.id}`.slice(0, 300),
        holderKey,
        ...(await this.sign(type, key, { identifier, holder: subject.id, claims: built.claims, issuedAt: now, validUntil, slot, replaces: replaced?.identifier ?? null, holderKey })),
      };
      const outcome = await this.register(row, entry('GRANTED', {
        itemsGranted: type.dataItems,
        departments,
        detail: { identifier, version, replaces: replaced?.identifier ?? null },
      }));
      if (outcome === 'registered') return row;
      if (outcome === 'idempotent') {
        const winner = await this.byIdempotencyKey(type.issuer, input.idempotencyKey);
        if (winner) return this.replay(winner, type, subject, holderKey, entry);
      }
      await this.statusLists.collided(type.issuer, slot.list, attempt);
    }
    throw CertificateError.unavailable('STATUS_LIST_FULL', 'no free status list entry was found; try again');
  }

  /** One certificate, for its holder, its issuing department, or a clerk whose matter accepts the type (with what the matter needs). */
  async find(principal: Principal, request: RequestContext, id: string, purpose: Purpose | null): Promise<CertificateEntity> {
    const row = UUID.test(id) ? await this.dataSource.getRepository(CertificateEntity).findOneBy({ id: id.toLowerCase() }) : null;
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
  async listFor(principal: Principal, request: RequestContext, holder: string, purpose: Purpose | null, scope: object = {}): Promise<CertificateEntity[]> {
    const subject = holderSubject(holder, null);
    const rows = await this.dataSource.getRepository(CertificateEntity).find({ where: { holder: subject.id }, order: { issuedAt: 'DESC' }, take: CERTIFICATES_LIMIT });
    return this.visibleTo(principal, request, subject.kind, subject.id, rows, purpose, scope);
  }

  /** Revoke, suspend or reinstate: the issuing department's system only; each change is a ledger entry in the change's transaction. */
  async changeStatus(principal: Principal, request: RequestContext, id: string, change: StatusChange, reason: string | null): Promise<CertificateEntity> {
    if (change !== 'reinstate' || reason !== null) checkReason(reason);
    const rule = CHANGES[change];
    const refused = async (certificate: CertificateEntity | null): Promise<never> => {
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
    if (!UUID.test(id)) return refused(null);
    // The changed row, or the refusal: the certificate the caller may not change (null: none there).
    const outcome = await this.dataSource.transaction(async (manager): Promise<{ changed: CertificateEntity } | { refused: CertificateEntity | null }> => {
      const certificates = manager.getRepository(CertificateEntity);
      const current = await certificates.findOne({ where: { id: id.toLowerCase() }, lock: { mode: 'pessimistic_write' } });
      if (!current || principal.kind !== 'department' || principal.department !== current.issuer) return { refused: current };
      if (current.state === rule.to) return { changed: current };
      if (!rule.from.includes(current.state)) {
        throw CertificateError.conflict('STATE_CONFLICT', `a ${current.state.toLowerCase()} certificate cannot be ${change === 'reinstate' ? 'reinstated' : change + 'd'}`);
      }
      const changedAt = new Date();
      await certificates.update({ id: current.id }, { state: rule.to, stateReason: reason, stateChangedAt: changedAt });
      await this.ledger.record({
        kind: rule.kind,
        actor: actorFor(principal),
        subject: { kind: 'CERTIFICATE', id: current.identifier },
        outcome: 'GRANTED',
        departments: [current.issuer],
        ...requestFieldsOf(request),
        detail: { certificateType: current.type, holderKind: current.holderKind, from: current.state, to: rule.to, reason },
      });
      return { changed: { ...current, state: rule.to, stateReason: reason, stateChangedAt: changedAt } };
    });
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
  async presentationWithRow(principal: Principal, request: RequestContext, id: string, disclose: readonly string[]): Promise<{ row: CertificateEntity; presentation: string }> {
    const row = await this.find(principal, request, id, null);
    return { row, presentation: presentSdJwtOf(row, disclose) };
  }

  /** The public verification link a certificate's QR code opens. */
  verificationUrl(row: Pick<CertificateEntity, 'identifier'>): string {
    return `${this.config.publicBaseUrl}/verify?id=${encodeURIComponent(row.identifier)}`;
  }

  qrSvg(row: Pick<CertificateEntity, 'identifier'>): Promise<string> {
    return qrSvg(this.verificationUrl(row));
  }

  /** The registered certificate with this identifier (the public verification page's QR lookup). */
  byIdentifier(identifier: string): Promise<CertificateEntity | null> {
    if (identifier.length > 200) return Promise.resolve(null);
    return this.dataSource.getRepository(CertificateEntity).findOneBy({ identifier });
  }

  private async sign(
    type: CertificateType,
    key: DepartmentSigningKey,
    c: {
      identifier: string;
      holder: string;
      claims: Record<string, unknown>;
      issuedAt: Date;
      validUntil: Date | null;
      slot: StatusSlot;
      replaces: string | null;
      holderKey: HolderJwk | null;
    },
  ): Promise<{ credential: string; sdJwt: string }> {
    const issuer = this.catalog.department(type.issuer);
    const credentialStatus = this.statusLists.credentialStatus(type.issuer, c.slot);
    const credential = await signVcJwt(certificateCredential({ type, issuer, ...c, credentialStatus }), key, c.issuedAt);
    const sdJwt = await issueSdJwt({
      payload: {
        iss: departmentUrn(type.issuer),
        iat: epochSeconds(c.issuedAt),
        nbf: epochSeconds(c.issuedAt),
        ...(c.validUntil ? { exp: epochSeconds(c.validUntil) } : {}),
        vct: certificateTypeUrn(type.code),
        jti: `${OID_URN_PREFIX}${c.identifier}`,
        credentialStatus,
        // The IETF Token Status List reference wallets read (draft-ietf-oauth-status-list), same list and index.
        status: this.statusLists.tokenStatus(type.issuer, c.slot),
        ...(c.holderKey ? { cnf: { jwk: c.holderKey } } : {}),
      },
      disclosable: c.claims,
      key,
    });
    return { credential, sdJwt };
  }

  /**
   * Registers the certificate in the transaction of its ledger entry (the ledger's group commit:
   * one commit for many issuances), durable before this resolves. 'idempotent' — the key was taken
   * meanwhile; 'slot' — the random status index was.
   */
  private async register(row: CertificateEntity, entry: LedgerEntryInput): Promise<'registered' | 'idempotent' | 'slot'> {
    const outcome = await this.ledger.recordWith(entry, { table: CERTIFICATE_ROWS, row });
    if (outcome.written) return 'registered';
    if (outcome.reason === 'REJECTED') throw CertificateError.unavailable('REGISTRATION_FAILED', 'the certificate could not be registered; nothing was issued');
    return (await this.byIdempotencyKey(row.issuer, row.idempotencyKey)) ? 'idempotent' : 'slot';
  }

  /** The same idempotency key again: the same certificate, if it is the same request. */
  private async replay(
    existing: CertificateEntity,
    type: CertificateType,
    subject: Subject,
    holderKey: HolderJwk | null,
    entry: (outcome: LedgerOutcome, extra: Partial<LedgerEntryInput>) => LedgerEntryInput,
  ): Promise<CertificateEntity> {
    if (existing.type !== type.code || existing.holder !== subject.id) {
      throw CertificateError.conflict('IDEMPOTENCY_KEY_REUSED', 'this idempotencyKey was used for another certificate type or holder');
    }
    if (!sameHolderKey(existing.holderKey, holderKey)) {
      throw CertificateError.conflict('IDEMPOTENCY_KEY_REUSED', 'this idempotencyKey was used for a certificate bound to another holder key (or to none)');
    }
    await this.ledger.record(entry('GRANTED', { detail: { identifier: existing.identifier, replayed: true } }));
    return existing;
  }

  private async replaced(id: string, type: CertificateType, subject: Subject): Promise<CertificateEntity> {
    const row = UUID.test(id) ? await this.dataSource.getRepository(CertificateEntity).findOneBy({ id: id.toLowerCase() }) : null;
    if (!row || row.type !== type.code || row.holder !== subject.id) {
      throw CertificateError.badInput('REPLACES_INVALID', 'replaces must be a certificate of the same type and holder');
    }
    return row;
  }

  private byIdempotencyKey(issuer: string, idempotencyKey: string): Promise<CertificateEntity | null> {
    return this.registered.load(idempotencyKeyOf(issuer, idempotencyKey));
  }

  /**
   * Certificates by issuer and idempotency key, for many concurrent issuances in one query. Every
   * issuance asks, so the query's text is built once from the entity's columns (each selected under
   * its property name) instead of by a query builder per call.
   */
  private async byIdempotencyKeys(keys: string[]): Promise<Map<string, CertificateEntity>> {
    const pairs = keys.map((key) => key.split('\n') as [string, string]);
    this.byIdempotencyKeysQuery ??= `SELECT ${this.dataSource
      .getMetadata(CertificateEntity)
      .columns.map((column) => `c.${column.databaseName} AS "${column.propertyName}"`)
      .join(', ')}
      FROM onegate.certificate c
      WHERE (c.issuer, c.idempotency_key) IN (SELECT * FROM unnest($1::text[], $2::text[]))`;
    const rows: CertificateEntity[] = await this.dataSource.query(this.byIdempotencyKeysQuery, [pairs.map(([issuer]) => issuer), pairs.map(([, key]) => key)]);
    return new Map(rows.map((row) => [idempotencyKeyOf(row.issuer, row.idempotencyKey), row]));
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
    rows: CertificateEntity[],
    purpose: Purpose | null,
    scope: object = {},
  ): Promise<CertificateEntity[]> {
    let visible: CertificateEntity[];
    let matter: string | null = null;
    let consentRef: string | null = null;
    let denial: string | null = null;
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
      const { matter: rules, consent } = await this.purposes.gather(purpose, now, { principal, subject, request });
      const accepted = rules ? await this.acceptedTypes(rules.code) : [];
      const facts = { principal, matter: rules, caseNumber: purpose.caseNumber, subject, consent: consent.facts, consentRejected: consent.rejected, now };
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
      caseNumber: purpose?.caseNumber ?? null,
      consentRef,
      ...requestFieldsOf(request),
    };
    const conditionDetail: Record<string, string[]> = conditions.items.length ? { conditionItems: conditions.items } : {};
    if (visible.length === 0) {
      // Nothing shown: a refusal is recorded (REPEATED_DENIALS sees probing); the caller's answer is
      // the same as for a holder with no certificates, or an id that is not there.
      if (denial) {
        await this.ledger.record({ ...common, itemsDenied: ['certificate'], departments: conditions.departments, outcome: 'DENIED', detail: { reason: denial, ...conditionDetail } });
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

/** The holder as a subject of the given kind, or of either kind (an ID number first) when `kind` is null. */
function holderSubject(holder: string, kind: Subject['kind'] | null): Subject {
  if (kind !== 'ENTERPRISE') {
    const id = parseIdNumber(holder);
    if (id.ok) return { kind: 'PERSON', id: id.value };
    if (kind === 'PERSON') throw CertificateError.badInput('HOLDER_INVALID', `holder: ${id.message}`);
  }
  const code = parseCreditCode(holder);
  if (code.ok) return { kind: 'ENTERPRISE', id: code.value };
  throw CertificateError.badInput('HOLDER_INVALID', kind === 'ENTERPRISE' ? `holder: ${code.message}` : 'holder must be a valid ID number or unified social credit code');
}

/** The holder key of an issuance request, checked: null when none is given. */
function holderKeyOf(value: unknown): HolderJwk | null {
  if (value === undefined || value === null) return null;
  const parsed = parseHolderJwk(value);
  if (!parsed.ok) throw CertificateError.badInput(parsed.reason, `holderKey: ${parsed.message}`);
  return parsed.jwk;
}

function sameHolderKey(a: HolderJwk | null, b: HolderJwk | null): boolean {
  if (a === null || b === null) return a === b;
  return a.kty === b.kty && a.crv === b.crv && a.x === b.x && ('y' in a ? a.y : null) === ('y' in b ? b.y : null);
}

function presentSdJwtOf(row: CertificateEntity, disclose: readonly string[]): string {
  try {
    return presentSdJwt(row.sdJwt, disclose);
  } catch (error) {
    throw CertificateError.badInput('DISCLOSURE_INVALID', (error as Error).message);
  }
}

function randomSerial(): string {
  let serial = '';
  for (let i = 0; i < SERIAL_LENGTH; i++) serial += SERIAL_ALPHABET[randomInt(SERIAL_ALPHABET.length)];
  return serial;
}

function checkReason(reason: string | null): void {
  if (typeof reason !== 'string' || reason.trim() === '' || reason.length > MAX_REASON_LENGTH || /[\u0000-\u001f\u007f]/.test(reason)) {
    throw CertificateError.badInput('REASON_INVALID', `reason must be 1-${MAX_REASON_LENGTH} characters without control characters`);
  }
}

