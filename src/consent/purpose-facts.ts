import { Injectable } from '@nestjs/common';
import type { ConsentFacts, DenialReason, MatterRules } from '../access/access-decision.js';
import type { Purpose } from '../access/purpose.js';
import { MattersService } from '../catalog/matters.service.js';
import { denialForRejectedConsent, type ConsentUse } from './consent-lookup.js';
import { ConsentService } from './consent.service.js';

/** A presented consent reference, resolved: the facts the decision judges, the reference the ledger records, or why it was rejected. */
export interface ConsentOutcome {
  facts: ConsentFacts | null;
  ref: string | null;
  rejected: DenialReason | null;
}

/** What the access decision needs of a stated purpose. */
export interface PurposeFacts {
  /** The matter's rules; null for an unknown matter or no purpose. */
  matter: MatterRules | null;
  consent: ConsentOutcome;
}

/**
 * Gathers the facts of a stated purpose for the access decision (access/), wherever records are read
 * (a lookup, an issuance, certificates shown beside a lookup): the matter's rules and the presented
 * consent resolved for this caller and subject (null facts: none usable, e.g. a grant that does not
 * name the caller's hall or department).
 */
@Injectable()
export class PurposeFactsService {
  constructor(
    private readonly matters: MattersService,
    private readonly consents: ConsentService,
  ) {}

  async gather(purpose: Purpose | null, now: Date, use: Pick<ConsentUse, 'principal' | 'subject' | 'request'>): Promise<PurposeFacts> {
    const [matter, consent] = await Promise.all([
      purpose ? this.matters.rules(purpose.matter) : null,
      this.consentFacts(purpose?.consent ?? null, now, { ...use, matter: purpose?.matter ?? null, caseNumber: purpose?.caseNumber ?? null }),
    ]);
    return { matter, consent };
  }

  private async consentFacts(reference: string | null, now: Date, use: ConsentUse): Promise<ConsentOutcome> {
    if (reference === null) return { facts: null, ref: null, rejected: null };
    const lookup = await this.consents.resolveForAccess(reference, now, use);
    return { facts: lookup.facts, ref: lookup.ref, rejected: lookup.invalid ? denialForRejectedConsent(lookup.invalid) : null };
  }
}
