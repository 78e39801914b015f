import type { ConsentFacts, DenialReason } from '../access/access-decision.js';
import type { RequestContext } from '../common/request/request-context.js';
import type { Principal } from '../identity/principal.js';

/**
 * Who presents a consent reference, about whom and why: a grant covers only the halls and
 * departments it names, and a grant naming nobody is bound to the hall where its token is first used.
 */
export interface ConsentUse {
  principal: Principal;
  subject: { kind: 'PERSON' | 'ENTERPRISE'; id: string };
  /** The stated matter code (null: none). */
  matter: string | null;
  caseNumber: string | null;
  /** Under a case: its parties, any of whose grants (or grants for them) a window may bind to its hall. */
  caseParties?: readonly string[];
  /** For the ledger entry of a binding. */
  request?: Pick<RequestContext, 'requestId' | 'clientAddress'>;
  /** Settles once the request may change anything (its rate limit taken): a binding waits for it, reads do not. */
  mayWrite?: Promise<unknown>;
}

/** How a consent reference was presented: a grant id (uuid) or a consent token (the QR code). */
export type ConsentReferenceKind = 'grant' | 'token';

/** Why a presented consent reference gave no consent facts. */
export type ConsentLookupFailure =
  /** Neither a grant id nor a consent token. */
  | 'REFERENCE_MALFORMED'
  /** A well-formed grant id (or an authentic token's grant) that does not exist. */
  | 'GRANT_NOT_FOUND'
  /** A token with a bad signature, another key, wrong type, issuer or audience, or unusable claims. */
  | 'TOKEN_INVALID'
  /** An authentic token past its `exp` (or older than CONSENT_TOKEN_TTL_SECONDS). */
  | 'TOKEN_EXPIRED'
  /** The grant names neither the caller's hall (a clerk) nor its department (a department system). */
  | 'NOT_FOR_THIS_PLACE'
  /** The grant was given on someone else's behalf: it covers them only in a case (purpose.case), where the relation is proven. */
  | 'ON_BEHALF_NEEDS_CASE';

/** The grant was found: the decision judges it (revoked, expired, covering). */
export interface ConsentFound {
  facts: ConsentFacts;
  via: ConsentReferenceKind;
  /** The grant id, whichever way it was presented: the `consentRef` of the access's ledger entry. */
  ref: string;
  invalid: null;
}

/** A reference was presented but gave nothing to judge. */
export interface ConsentRejected {
  facts: null;
  /** null when the reference was neither form. */
  via: ConsentReferenceKind | null;
  /** The grant the reference named when it can be trusted (a well-formed id, an authentic expired token); else null. */
  ref: string | null;
  invalid: ConsentLookupFailure;
}

/**
 * What `ConsentService.resolveForAccess` answers. A rejected reference is distinct from no reference
 * at all: the caller passes `consent: null` to the decision only when none was presented (→
 * CONSENT_MISSING), and reports a rejected one with `denialForRejectedConsent` instead.
 */
export type ConsentLookup = ConsentFound | ConsentRejected;

/**
 * The denial for a consent reference that gave no facts: an expired token is CONSENT_EXPIRED; anything
 * else is CONSENT_NOT_COVERING — the same answer for an unknown id, a forged token, someone
 * else's grant and a grant for another hall or department, so a reference's existence never shows.
 */
export function denialForRejectedConsent(failure: ConsentLookupFailure): DenialReason {
  return failure === 'TOKEN_EXPIRED' ? 'CONSENT_EXPIRED' : 'CONSENT_NOT_COVERING';
}
