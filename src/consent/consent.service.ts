import { Injectable, type OnModuleInit } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { consentCovers, decideConsentListing, type ConsentFacts } from '../access/access-decision.js';
import type { CaseGrantFacts } from '../access/case-access.js';
import { actorFor, type LedgerEntryKind, requestFieldsOf } from '../ledger/ledger-entry.js';
import { LedgerService } from '../ledger/ledger.service.js';
import { MattersService } from '../catalog/matters.service.js';
import type { RequestContext } from '../common/request/request-context.js';
import { AppConfig } from '../config/app-config.js';
import { HallRegistry } from '../identity/hall-registry.js';
import type { CitizenPrincipal, Principal } from '../identity/principal.js';
import { ConsentError } from './consent.errors.js';
import { loadConsentSigningKey, type ConsentSigningKey } from './consent-key.js';
import type { ConsentLookup, ConsentReferenceKind, ConsentRejected, ConsentUse } from './consent-lookup.js';
import { ConsentTokenError, looksLikeConsentToken, signConsentToken, verifyConsentToken, type ConsentTokenSettings } from './consent-token.js';
import { CONSENT_VALIDITY, type GrantConsentInput } from './dto/grant-consent.input.js';
import { ConsentGrantRepository, type ConsentGrantRow, type GrantPlace } from './consent-grant.repository.js';
import { ConsentGrant, ConsentStatus } from './models/consent-grant.model.js';
import type { CoveringConsent } from './models/covering-consent.model.js';
import { CoalescingBatcher } from '../common/coalescing-batcher.js';

const DAY_MS = 24 * 3600 * 1000;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** A case judges at most this many of its parties' grants, newest first. */
const CASE_GRANTS_LIMIT = 50;
/** myConsents lists at most this many grants, newest first. */
export const MY_CONSENTS_LIMIT = 100;

/**
 * Citizens' consent grants: grant, revoke and list (each grant and revocation a ledger entry
 * committed inside the change's transaction: no entry, no change), consent tokens for the QR code,
 * and `resolveForAccess`, which turns what a clerk presents into the facts the access decision
 * judges. Nothing is cached: every lookup reads the grant, so a revocation applies to the next request.
 */
@Injectable()
export class ConsentService implements OnModuleInit {
  private key?: ConsentSigningKey;
  private readonly lookups = new CoalescingBatcher<string, ConsentGrantRow | null>((ids) => this.readGrants(ids), {
    maxInFlight: 1,
    maxBatch: 100,
    missing: () => null,
  });

  constructor(
    private readonly grants: ConsentGrantRepository,
    private readonly ledger: LedgerService,
    private readonly matters: MattersService,
    private readonly config: AppConfig,
    private readonly halls: HallRegistry,
  ) {}

  onModuleInit(): void {
    // In production loadConfig already required CONSENT_SIGNING_KEY_FILE; a bad key stops start-up here.
    this.key = loadConsentSigningKey(this.config);
  }

  /**
   * Grants the citizen's consent for a matter, optionally limited to one case, for the halls and
   * departments named (none: bound to the first hall where its QR code is used).
   */
  async grant(citizen: CitizenPrincipal, request: RequestContext, input: GrantConsentInput, now: Date = new Date()): Promise<ConsentGrant> {
    const matter = await this.matters.find(input.matter);
    if (!matter) throw ConsentError.badInput('MATTER_UNKNOWN', `matter "${input.matter.slice(0, 64)}" is not in the catalog`);
    // Consent lets someone else read the citizen's records: it needs a matter about persons that a clerk or department handles.
    // (In a case, a person's role of an enterprise matter — a legal representative — consents too.)
    const personInCase = matter.parties.some((p) => p.kind === 'PERSON' && p.consent.kind !== 'NONE');
    if ((matter.subject !== 'PERSON' && !personInCase) || !matter.roles.some((role) => role !== 'citizen')) {
      throw ConsentError.badInput('MATTER_NOT_CONSENTABLE', `matter "${matter.code}" is not one a citizen's consent can cover`);
    }
    if (input.onBehalfOf && input.onBehalfOf !== citizen.id) {
      // Only where a party's consent may be given by a related party (a parent for a newborn, a next of kin for the deceased).
      const rules = await this.matters.rules(matter.code);
      if (!rules?.parties?.some((role) => role.consent.kind === 'BY')) {
        throw ConsentError.badInput('ON_BEHALF_NOT_ALLOWED', `matter "${matter.code}" takes no consent given on someone else's behalf`);
      }
    }
    const expiresAt = input.expiresAt ?? new Date(now.getTime() + CONSENT_VALIDITY.defaultDays * DAY_MS);
    if (expiresAt.getTime() <= now.getTime()) throw ConsentError.badInput('EXPIRY_INVALID', 'expiresAt must be in the future');
    if (expiresAt.getTime() > now.getTime() + CONSENT_VALIDITY.maxDays * DAY_MS) {
      throw ConsentError.badInput('EXPIRY_INVALID', `expiresAt must be at most ${CONSENT_VALIDITY.maxDays} days ahead`);
    }
    const halls = [...new Set([...(input.hall ? [input.hall] : []), ...(input.halls ?? [])])];
    if (this.halls.unknownHalls(halls).length > 0) {
      throw ConsentError.badInput('HALL_UNKNOWN', 'hall must be a known service hall code (see serviceHalls)');
    }
    const grant: ConsentGrantRow = {
      id: randomUUID(),
      citizenIdNumber: citizen.id,
      onBehalfOf: input.onBehalfOf && input.onBehalfOf !== citizen.id ? input.onBehalfOf : null,
      matterCode: matter.code,
      caseNumber: input.caseNumber ?? null,
      halls,
      departments: [...new Set(input.departments ?? [])],
      grantedAt: now,
      expiresAt,
      revokedAt: null,
    };
    await this.grants.insert(grant, () => this.record('CONSENT_GRANT', citizen, request, grant));
    return toConsentGrant(grant, now);
  }

  /**
   * Revokes one of the citizen's grants. Someone else's grant and an unknown id are both NOT_FOUND;
   * revoking again returns the grant as it is (revokedAt unchanged, no second entry).
   */
  async revoke(citizen: CitizenPrincipal, request: RequestContext, id: string, now: Date = new Date()): Promise<ConsentGrant> {
    const revoked = UUID.test(id) ? await this.revokeOwn(citizen, request, id, now) : null;
    if (revoked) return revoked;
    // Not theirs or not there: the same answer, and a refusal in the ledger.
    await this.ledger.record({
      kind: 'CONSENT_REVOKE',
      actor: actorFor(citizen),
      subject: { kind: 'PERSON', id: citizen.id },
      outcome: 'DENIED',
      ...requestFieldsOf(request),
      detail: { reason: 'NOT_FOUND' },
    });
    throw ConsentError.notFound();
  }

  private async revokeOwn(citizen: CitizenPrincipal, request: RequestContext, id: string, now: Date): Promise<ConsentGrant | null> {
    const grant = await this.grants.revoke(id.toLowerCase(), citizen.id, now, (revoked) => this.record('CONSENT_REVOKE', citizen, request, revoked));
    return grant && toConsentGrant(grant, now);
  }

  /** The citizen's grants, newest first (at most MY_CONSENTS_LIMIT). */
  async listFor(citizen: CitizenPrincipal, now: Date = new Date()): Promise<ConsentGrant[]> {
    const grants = await this.grants.listByCitizen(citizen.id, MY_CONSENTS_LIMIT);
    return grants.map((grant) => toConsentGrant(grant, now));
  }

  /**
   * The citizen's active grants that cover a window's matter and case and name the caller's hall (a
   * clerk) or department (a department system), newest first, so the clerk can pick one instead of
   * the citizen showing it; a grant for another hall is not listed. The access decision judges the
   * window's standing first (role, subject, jurisdiction); the listing, allowed or denied, is a
   * CONSENT_LOOKUP ledger entry written before anything is returned. A matter that needs no consent
   * has nothing to pick: nothing is read.
   */
  async covering(
    principal: Principal,
    request: RequestContext,
    query: { idNumber: string; matter: string; caseNumber: string },
    now: Date = new Date(),
  ): Promise<CoveringConsent[]> {
    const matter = await this.matters.rules(query.matter);
    const subject = { kind: 'PERSON' as const, id: query.idNumber };
    const denial = decideConsentListing({ principal, matter, subject });
    const entry = (outcome: 'GRANTED' | 'DENIED', detail: Record<string, string | number>) =>
      this.ledger.record({
        kind: 'CONSENT_LOOKUP',
        actor: actorFor(principal),
        subject,
        matter: matter?.code ?? query.matter,
        caseNumber: query.caseNumber,
        outcome,
        ...requestFieldsOf(request),
        detail,
      });
    if (denial) {
      await entry('DENIED', { reason: denial });
      throw ConsentError.denied(denial);
    }
    if (!matter!.consentRequired) return [];
    const place = placeOf(principal);
    // Only grants naming the caller's hall or department; a clerk elsewhere finds nothing to pick.
    const rows = place ? await this.grants.listActiveNaming(subject.id, matter!.code, place, now, MY_CONSENTS_LIMIT) : [];
    const covering = rows.filter((grant) =>
      consentCovers(factsOf(grant, grant.expiresAt, principal), { principal, subject, caseNumber: query.caseNumber, matter: matter! }),
    );
    await entry('GRANTED', { grants: covering.length });
    return covering.map((grant) => {
      const { id, onBehalfOf, matter: code, caseNumber, hall, halls, departments, grantedAt, expiresAt } = toConsentGrant(grant, now);
      return { id, onBehalfOf, matter: code, caseNumber, hall, halls, departments, grantedAt, expiresAt };
    });
  }

  /**
   * The grants of these citizens (a case's parties) for the matter that name the hall, newest first,
   * as a case judges them (case-access.ts caseConsent): at most CASE_GRANTS_LIMIT of each citizen.
   */
  async grantsForCase(citizens: readonly string[], matter: string, hall: string): Promise<CaseGrantFacts[]> {
    const rows = await this.grants.listForCase(citizens, matter, hall, CASE_GRANTS_LIMIT);
    return rows.map((grant) => ({
      id: grant.id,
      citizen: grant.citizenIdNumber,
      onBehalfOf: grant.onBehalfOf,
      matter: grant.matterCode,
      caseNumber: grant.caseNumber,
      expiresAt: grant.expiresAt,
      revokedAt: grant.revokedAt,
    }));
  }

  /**
   * A freshly signed consent token for an ACTIVE grant, valid for CONSENT_TOKEN_TTL_SECONDS or until
   * the grant expires, whichever is first; null for a grant that is not ACTIVE.
   */
  async tokenFor(grant: ConsentGrant, now: Date = new Date()): Promise<string | null> {
    if (statusOf(grant, now) !== ConsentStatus.ACTIVE) return null;
    return signConsentToken(
      // The token names no hall: the grant, read afresh when the token is used, says where it applies.
      { grantId: grant.id, matter: grant.matter, caseNumber: grant.caseNumber, hall: null, expiresAt: grant.expiresAt },
      this.signingKey(),
      this.tokenSettings(),
      now,
    );
  }

  /**
   * What a clerk presents as `purpose.consent` — a grant id or a consent token — as the facts the
   * access decision judges. Found: the grant as it is now (revokedAt set once revoked; via a token,
   * expiresAt is the earlier of the grant's and the token's expiry). Rejected: no facts, and why
   * (see ConsentLookup and denialForRejectedConsent) — among them a grant that does not name the
   * caller's hall or department (deny by default). A grant naming nobody, presented as its token by
   * a clerk who may use it for this purpose, is first bound to the clerk's hall (a CONSENT_BIND
   * ledger entry). Reads the database every time.
   */
  async resolveForAccess(reference: string, now: Date, use: ConsentUse): Promise<ConsentLookup> {
    const found = await this.resolveGrant(reference, now, use);
    if (found.invalid) return found;
    // A grant given on someone else's behalf covers them only in a case, where the relation is proven from records.
    if (found.grant.onBehalfOf !== null) return { facts: null, via: found.via, ref: found.ref, invalid: 'ON_BEHALF_NEEDS_CASE' };
    return { facts: factsOf(found.grant, found.expiresAt, use.principal), via: found.via, ref: found.ref, invalid: null };
  }

  /**
   * A presented reference as the grant it names and names the caller's place — the case's way of
   * using a consent shown at the window (its grantor or the person it is for must be a party; the
   * case judges that). `expiresAt` is the earlier of the grant's and the token's expiry.
   */
  async resolveForCase(reference: string, now: Date, use: ConsentUse): Promise<{ grant: CaseGrantFacts; ref: string; invalid: null } | ConsentRejected> {
    const found = await this.resolveGrant(reference, now, use);
    if (found.invalid) return found;
    const { grant, expiresAt } = found;
    return {
      ref: found.ref,
      invalid: null,
      grant: {
        id: grant.id,
        citizen: grant.citizenIdNumber,
        onBehalfOf: grant.onBehalfOf,
        matter: grant.matterCode,
        caseNumber: grant.caseNumber,
        expiresAt,
        revokedAt: grant.revokedAt,
      },
    };
  }

  private async resolveGrant(
    reference: string,
    now: Date,
    use: ConsentUse,
  ): Promise<{ grant: ConsentGrantRow; expiresAt: Date; via: ConsentReferenceKind; ref: string; invalid: null } | ConsentRejected> {
    if (typeof reference === 'string' && UUID.test(reference)) {
      const id = reference.toLowerCase();
      const grant = await this.findGrant(id);
      if (!grant) return { facts: null, via: 'grant', ref: id, invalid: 'GRANT_NOT_FOUND' };
      if (!namesCaller(grant, use.principal)) return { facts: null, via: 'grant', ref: grant.id, invalid: 'NOT_FOR_THIS_PLACE' };
      return { grant, expiresAt: grant.expiresAt, via: 'grant', ref: grant.id, invalid: null };
    }
    if (typeof reference !== 'string' || !looksLikeConsentToken(reference)) {
      return { facts: null, via: null, ref: null, invalid: 'REFERENCE_MALFORMED' };
    }
    let claims;
    try {
      claims = await verifyConsentToken(reference, this.signingKey().publicKey, this.tokenSettings(), now);
    } catch (error) {
      if (!(error instanceof ConsentTokenError)) throw error;
      const invalid = error.reason === 'TOKEN_EXPIRED' ? 'TOKEN_EXPIRED' : 'TOKEN_INVALID';
      return { facts: null, via: 'token', ref: error.grantId, invalid };
    }
    let grant = await this.findGrant(claims.grantId);
    if (!grant) return { facts: null, via: 'token', ref: claims.grantId, invalid: 'GRANT_NOT_FOUND' };
    // The token repeats the grant's matter and case, which never change; a difference means it was not ours to trust.
    // (Tokens name no hall since grants name halls; an older one's hall must be among the grant's.)
    if (grant.matterCode !== claims.matter || grant.caseNumber !== claims.caseNumber || (claims.hall !== null && !grant.halls.includes(claims.hall))) {
      return { facts: null, via: 'token', ref: grant.id, invalid: 'TOKEN_INVALID' };
    }
    const expiresAt = claims.expiresAt < grant.expiresAt ? claims.expiresAt : grant.expiresAt;
    if (grant.halls.length === 0 && grant.departments.length === 0) {
      await use.mayWrite;
      grant = await this.bindAtWindow(grant, expiresAt, now, use);
    }
    if (!namesCaller(grant, use.principal)) return { facts: null, via: 'token', ref: grant.id, invalid: 'NOT_FOR_THIS_PLACE' };
    return { grant, expiresAt, via: 'token', ref: grant.id, invalid: null };
  }

  /**
   * A grant naming nobody, scanned at a window, is bound to that window's hall — when the clerk may
   * use it there and then: the grant is the subject's, active, for this matter and case, and the
   * clerk has standing (role, jurisdiction). Anything else leaves it unbound (and so not covering).
   * The binding is a CONSENT_BIND ledger entry committed within the change; of two windows binding
   * at once, one wins and the other sees the grant bound elsewhere.
   */
  private async bindAtWindow(grant: ConsentGrantRow, expiresAt: Date, now: Date, use: ConsentUse): Promise<ConsentGrantRow> {
    const { principal, subject } = use;
    if (principal.kind !== 'clerk') return grant;
    if (grant.revokedAt !== null || expiresAt <= now) return grant;
    const concerned = [subject.id, ...(use.caseParties ?? [])];
    const forThem = concerned.includes(grant.citizenIdNumber) || (grant.onBehalfOf !== null && concerned.includes(grant.onBehalfOf));
    if (subject.kind !== 'PERSON' || !forThem || use.matter !== grant.matterCode) return grant;
    if (grant.caseNumber !== null && grant.caseNumber !== use.caseNumber) return grant;
    const matter = await this.matters.rules(grant.matterCode);
    if (!matter || decideConsentListing({ principal, matter, subject }) !== null) return grant;
    const bound = await this.grants.bindToHall(grant.id, principal.hall, () =>
      this.ledger.record({
        kind: 'CONSENT_BIND',
        actor: actorFor(principal),
        subject: { kind: 'PERSON', id: grant.citizenIdNumber },
        matter: grant.matterCode,
        caseNumber: use.caseNumber,
        consentRef: grant.id,
        outcome: 'GRANTED',
        requestId: use.request?.requestId ?? null,
        clientAddress: use.request?.clientAddress ?? null,
        detail: { hall: principal.hall },
      }),
    );
    if (bound) return { ...grant, halls: [principal.hall] };
    return (await this.findGrant(grant.id)) ?? grant;
  }

  /**
   * The grant as it is now. Concurrent lookups share one query (a lookup that arrives while one is
   * running waits for the next), so every answer was read after its lookup began: a revocation
   * applies to the next request.
   */
  private findGrant(id: string): Promise<ConsentGrantRow | null> {
    return this.lookups.load(id);
  }

  private async readGrants(ids: string[]): Promise<Map<string, ConsentGrantRow>> {
    return new Map((await this.grants.findByIds(ids)).map((grant) => [grant.id, grant]));
  }

  private signingKey(): ConsentSigningKey {
    // Loaded at start-up. Without one (production without CONSENT_SIGNING_KEY_FILE) this throws: tokens fail closed.
    this.key ??= loadConsentSigningKey(this.config);
    return this.key;
  }

  private tokenSettings(): ConsentTokenSettings {
    return {
      audience: this.config.TOKEN_AUDIENCE,
      ttlSeconds: this.config.CONSENT_TOKEN_TTL_SECONDS,
      clockToleranceSeconds: this.config.TOKEN_CLOCK_TOLERANCE_SECONDS,
    };
  }

  /** Written while the change's transaction is open, so a change the ledger cannot record is rolled back. */
  private async record(kind: LedgerEntryKind, citizen: CitizenPrincipal, request: RequestContext, grant: ConsentGrantRow): Promise<void> {
    await this.ledger.record({
      kind,
      actor: actorFor(citizen),
      subject: { kind: 'PERSON', id: citizen.id },
      matter: grant.matterCode,
      caseNumber: grant.caseNumber,
      consentRef: grant.id,
      outcome: 'GRANTED',
      ...requestFieldsOf(request),
      detail: {
        halls: grant.halls,
        departments: grant.departments,
        expiresAt: grant.expiresAt.toISOString(),
        ...(grant.onBehalfOf ? { onBehalfOf: grant.onBehalfOf } : {}),
      },
    });
  }
}

function statusOf(grant: { expiresAt: Date; revokedAt: Date | null }, now: Date): ConsentStatus {
  if (grant.revokedAt !== null && grant.revokedAt <= now) return ConsentStatus.REVOKED;
  if (grant.expiresAt <= now) return ConsentStatus.EXPIRED;
  return ConsentStatus.ACTIVE;
}

/** Where a caller acts from, as a grant names it: a clerk's hall or a department system's department. */
function placeOf(principal: Principal): GrantPlace | null {
  if (principal.kind === 'clerk') return { column: 'halls', code: principal.hall };
  if (principal.kind === 'department') return { column: 'departments', code: principal.department };
  return null;
}

/** Whether the grant names the caller's hall (a clerk) or department (a department system). */
function namesCaller(grant: Pick<ConsentGrantRow, 'halls' | 'departments'>, principal: Principal): boolean {
  const place = placeOf(principal);
  return place !== null && grant[place.column].includes(place.code);
}

function toConsentGrant(grant: ConsentGrantRow, now: Date): ConsentGrant {
  return {
    id: grant.id,
    onBehalfOf: grant.onBehalfOf,
    matter: grant.matterCode,
    caseNumber: grant.caseNumber,
    hall: grant.halls.length === 1 && grant.departments.length === 0 ? grant.halls[0]! : null,
    halls: grant.halls,
    departments: grant.departments,
    grantedAt: grant.grantedAt,
    expiresAt: grant.expiresAt,
    revokedAt: grant.revokedAt,
    status: statusOf(grant, now),
  };
}

/**
 * The grant as the decision judges it, for a caller it names: `hall` is the clerk's hall (which the
 * grant names), null for a department system (whose department the grant names). Callers it does
 * not name never get facts (NOT_FOR_THIS_PLACE).
 */
function factsOf(grant: ConsentGrantRow, expiresAt: Date, principal: Principal): ConsentFacts {
  return {
    id: grant.id,
    citizen: grant.citizenIdNumber,
    matter: grant.matterCode,
    caseNumber: grant.caseNumber,
    hall: principal.kind === 'clerk' ? principal.hall : null,
    expiresAt,
    revokedAt: grant.revokedAt,
  };
}
