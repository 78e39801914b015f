import { Injectable } from '@nestjs/common';
import { randomInt, randomUUID } from 'node:crypto';
import { decideIssuance, type IssuanceDenialReason } from '../access/access-decision.js';
import { LedgerUnavailableError } from '../audit/audit.errors.js';
import { actorFor, type LedgerEntryInput, type LedgerOutcome, requestFieldsOf } from '../ledger/ledger-entry.js';
import { LedgerService } from '../ledger/ledger.service.js';
import { CoalescingBatcher } from '../common/coalescing-batcher.js';
import type { RequestContext } from '../common/request/request-context.js';
import { accessFacts, caseDetail, PurposeFactsService } from '../consent/purpose-facts.js';
import type { ItemRecord } from '../exchange/connector.js';
import { ExchangeService, type ConditionReads, type Purpose, type Subject } from '../exchange/exchange.service.js';
import type { Principal } from '../identity/principal.js';
import { buildCertificateIdentifier, MAX_VERSION } from './certificate-identifier.js';
import { CertificateCatalog } from './certificate-catalog.js';
import { certificateCredential } from './certificate-credential.js';
import { certificateId, holderSubject } from './certificate-input.js';
import { CertificateRepository, type RegisteredCertificate } from './certificate.repository.js';
import type { CertificateType } from './certificate-types.js';
import { CertificateError } from './certificates.errors.js';
import { buildClaims } from './claims-builder.js';
import { certificateTypeUrn, departmentUrn, epochSeconds, OID_URN_PREFIX } from './credential/credential-model.js';
import { parseHolderJwk, type HolderJwk } from './credential/key-binding.js';
import { issueSdJwt } from './credential/sd-jwt.js';
import { signVcJwt } from './credential/vc-jwt.js';
import { IssuingKeysService, type DepartmentSigningKey } from './issuing-keys.service.js';
import { StatusListsService, type StatusSlot } from './status-lists.service.js';

const DAY_MS = 86_400_000;
const IDEMPOTENCY_KEY = /^[A-Za-z0-9._:-]{1,128}$/;
const SERIAL_ALPHABET = '0123456789ABCDEFGHJKLMNPQRTUWXY';
/** Random serial: 20 characters of a 31-letter alphabet (~99 bits), so identifiers cannot be guessed. */
const SERIAL_LENGTH = 20;
/** Status slot collisions tolerated before giving up (each retry takes a new random index). */
const MAX_SLOT_ATTEMPTS = 8;

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

/** Issuer and idempotency key as one batcher key (a key holds no newline). */
function idempotencyKeyOf(issuer: string, idempotencyKey: string): string {
  return `${issuer}\n${idempotencyKey}`;
}

/**
 * Certificate issuance and renewal (`replaces`). Issuance reads the claims' data items from their
 * departments through the exchange (one decision in access/, timeouts and breakers, schema
 * validation), signs the certificate twice — a W3C VC 2.0 JWT and an SD-JWT VC — with the issuing
 * department's key, and registers it in the same transaction as its ledger entry: a certificate the
 * ledger cannot record is never registered. A department that cannot answer means no certificate
 * (fail closed). Reading, status changes and presentations are CertificateRegistry's.
 */
@Injectable()
export class CertificateIssuance {
  /** Concurrent issuances look up their idempotency keys together. */
  private readonly registered = new CoalescingBatcher<string, RegisteredCertificate | null>((keys) => this.byIdempotencyKeys(keys), {
    maxInFlight: 2,
    maxBatch: 200,
    missing: () => null,
  });

  constructor(
    private readonly certificates: CertificateRepository,
    private readonly catalog: CertificateCatalog,
    private readonly keys: IssuingKeysService,
    private readonly statusLists: StatusListsService,
    private readonly exchange: ExchangeService,
    private readonly purposes: PurposeFactsService,
    private readonly ledger: LedgerService,
  ) {}

  async issue(principal: Principal, request: RequestContext, scope: object, input: IssueRequest): Promise<RegisteredCertificate> {
    const type = this.catalog.type(input.type);
    if (!type) throw CertificateError.badInput('TYPE_UNKNOWN', `certificate type "${String(input.type).slice(0, 64)}" is not in the catalog`);
    const subject = holderSubject(input.holder, type.subject);
    if (!IDEMPOTENCY_KEY.test(input.idempotencyKey)) {
      throw CertificateError.badInput('IDEMPOTENCY_KEY_INVALID', 'idempotencyKey must be 1-128 letters, digits or . _ : -');
    }
    const holderKey = holderKeyOf(input.holderKey);
    const purpose = input.purpose;
    if ((principal.kind === 'clerk' || purpose) && !purpose?.caseNumber && !purpose?.case) {
      throw CertificateError.badInput('PURPOSE_REQUIRED', 'state purpose { matter caseNumber consent } to have this certificate issued');
    }
    // An issuance reads records like a lookup: it counts against the same limit.
    await this.exchange.countAgainstRateLimit(principal, request, {
      kind: 'CERTIFICATE_ISSUE',
      subject,
      matter: purpose?.matter ?? null,
      caseNumber: purpose?.caseNumber ?? null,
    });
    const now = new Date();
    const gathered = await this.purposes.gather(purpose, now, { principal, subject, request, scope });
    const { matter, consent } = gathered;
    const caseNumber = gathered.purpose?.caseNumber ?? null;
    let conditions: ConditionReads = { records: undefined, items: [], departments: [] };
    const entry = (outcome: LedgerOutcome, extra: Partial<LedgerEntryInput>): LedgerEntryInput => ({
      kind: 'CERTIFICATE_ISSUE',
      actor: actorFor(principal),
      subject,
      matter: matter?.code ?? null,
      caseNumber,
      consentRef: consent.ref,
      outcome,
      ...requestFieldsOf(request),
      ...extra,
      departments: [...new Set([...(extra.departments ?? []), ...conditions.departments])].sort(),
      detail: {
        certificateType: type.code,
        ...caseDetail(gathered),
        ...(conditions.items.length ? { conditionItems: conditions.items } : {}),
        ...extra.detail,
      },
    });

    // The one decision point, before anything about the holder is read or told: the same answer
    // whether or not the person exists, whatever their age or status.
    const facts = {
      type,
      itemOwners: new Map(type.dataItems.map((item) => [item, this.exchange.ownerOf(item) ?? ''])),
      ...accessFacts(gathered, principal, subject, now),
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
      const row: RegisteredCertificate = {
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
        ...(await this.sign(type, key, {
          identifier,
          holder: subject.id,
          claims: built.claims,
          issuedAt: now,
          validUntil,
          slot,
          replaces: replaced?.identifier ?? null,
          holderKey,
        })),
      };
      const outcome = await this.register(
        row,
        entry('GRANTED', {
          itemsGranted: type.dataItems,
          departments,
          detail: { identifier, version, replaces: replaced?.identifier ?? null },
        }),
      );
      if (outcome === 'registered') return row;
      if (outcome === 'idempotent') {
        const winner = await this.byIdempotencyKey(type.issuer, input.idempotencyKey);
        if (winner) return this.replay(winner, type, subject, holderKey, entry);
      }
      await this.statusLists.collided(type.issuer, slot.list, attempt);
    }
    throw CertificateError.unavailable('STATUS_LIST_FULL', 'no free status list entry was found; try again');
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
  private async register(row: RegisteredCertificate, entry: LedgerEntryInput): Promise<'registered' | 'idempotent' | 'slot'> {
    const outcome = await this.ledger.recordWith(entry, { table: this.certificates.registration, row });
    if (outcome.written) return 'registered';
    if (outcome.reason === 'REJECTED') throw CertificateError.unavailable('REGISTRATION_FAILED', 'the certificate could not be registered; nothing was issued');
    return (await this.byIdempotencyKey(row.issuer, row.idempotencyKey)) ? 'idempotent' : 'slot';
  }

  /** The same idempotency key again: the same certificate, if it is the same request. */
  private async replay(
    existing: RegisteredCertificate,
    type: CertificateType,
    subject: Subject,
    holderKey: HolderJwk | null,
    entry: (outcome: LedgerOutcome, extra: Partial<LedgerEntryInput>) => LedgerEntryInput,
  ): Promise<RegisteredCertificate> {
    if (existing.type !== type.code || existing.holder !== subject.id) {
      throw CertificateError.conflict('IDEMPOTENCY_KEY_REUSED', 'this idempotencyKey was used for another certificate type or holder');
    }
    if (!sameHolderKey(existing.holderKey, holderKey)) {
      throw CertificateError.conflict('IDEMPOTENCY_KEY_REUSED', 'this idempotencyKey was used for a certificate bound to another holder key (or to none)');
    }
    await this.ledger.record(entry('GRANTED', { detail: { identifier: existing.identifier, replayed: true } }));
    return existing;
  }

  private async replaced(id: string, type: CertificateType, subject: Subject): Promise<RegisteredCertificate> {
    const key = certificateId(id);
    const row = key ? await this.certificates.findById(key) : null;
    if (!row || row.type !== type.code || row.holder !== subject.id) {
      throw CertificateError.badInput('REPLACES_INVALID', 'replaces must be a certificate of the same type and holder');
    }
    return row;
  }

  private byIdempotencyKey(issuer: string, idempotencyKey: string): Promise<RegisteredCertificate | null> {
    return this.registered.load(idempotencyKeyOf(issuer, idempotencyKey));
  }

  /** Certificates by issuer and idempotency key, for many concurrent issuances in one query. */
  private async byIdempotencyKeys(keys: string[]): Promise<Map<string, RegisteredCertificate>> {
    const rows = await this.certificates.findByIdempotencyKeys(
      keys.map((key) => {
        const [issuer, idempotencyKey] = key.split('\n') as [string, string];
        return { issuer, idempotencyKey };
      }),
    );
    return new Map(rows.map((row) => [idempotencyKeyOf(row.issuer, row.idempotencyKey), row]));
  }
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

function randomSerial(): string {
  let serial = '';
  for (let i = 0; i < SERIAL_LENGTH; i++) serial += SERIAL_ALPHABET[randomInt(SERIAL_ALPHABET.length)];
  return serial;
}
