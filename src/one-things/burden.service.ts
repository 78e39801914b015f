import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { CasesService } from '../cases/cases.service.js';
import type { RequestContext } from '../common/request/request-context.js';
import { ConsentService } from '../consent/consent.service.js';
import type { CitizenPrincipal, ClerkPrincipal, Principal } from '../identity/principal.js';
import { burdenOf, type BurdenLine } from './burden.js';
import { DEMO_STORIES, type DemoStory } from './demo-stories.js';
import { GuidanceService, type GuideRequest } from './guidance.service.js';
import { OneThingCatalog } from './one-thing-catalog.js';
import { OneThingError } from './one-things.errors.js';

/**
 * The burden report: per one thing, what its guidance asks of the applicant (burden.ts). `report`
 * measures the guidance for the cases a clerk names (or, naming none, each one thing's demo answers
 * without a case: nothing read); `playDemoStories` plays each demo story as a visit to its hall — a
 * clerk opens the case, the demo people give their consents, the guidance reads the records under
 * the case, the case is closed and the consents revoked — every step recorded in the ledger as any visit is. Only for a
 * database seeded with the demo people (`npm run burden`).
 */
/** The most guidances one burden report runs. */
export const BURDEN_REPORT_LIMIT = 20;

@Injectable()
export class BurdenService {
  constructor(
    private readonly catalog: OneThingCatalog,
    private readonly guidance: GuidanceService,
    private readonly cases: CasesService,
    private readonly consents: ConsentService,
  ) {}

  async report(principal: Principal, request: RequestContext, scope: object, inputs: readonly GuideRequest[] | null): Promise<BurdenLine[]> {
    if (inputs && inputs.length > BURDEN_REPORT_LIMIT)
      throw OneThingError.badInput('TOO_MANY', `at most ${BURDEN_REPORT_LIMIT} guidances in one burden report`);
    const asked = inputs ?? DEMO_STORIES.map((story) => ({ oneThing: story.oneThing, answers: story.answers, case: null }));
    const lines: BurdenLine[] = [];
    for (const input of asked) {
      const guidance = await this.guidance.guide(principal, request, scope, input);
      lines.push(burdenOf(this.catalog.get(guidance.oneThing)!, guidance));
    }
    return lines;
  }

  async playDemoStories(now = new Date()): Promise<BurdenLine[]> {
    const lines: BurdenLine[] = [];
    for (const story of DEMO_STORIES) lines.push(await this.play(story, now));
    return lines;
  }

  private async play(story: DemoStory, now: Date): Promise<BurdenLine> {
    const thing = this.catalog.get(story.oneThing);
    if (!thing) throw OneThingError.badInput('ONE_THING_UNKNOWN', `the demo story's one thing "${story.oneThing}" is not in the catalog`);
    const tokenExpiresAt = new Date(now.getTime() + 3_600_000);
    const clerk: ClerkPrincipal = { kind: 'clerk', id: `BURDEN-${story.hall}`, hall: story.hall, region: story.region, tokenExpiresAt };
    const request: RequestContext = { requestId: randomUUID(), clientRequestId: null, clientAddress: null };
    const opened = await this.cases.open(
      clerk,
      request,
      {},
      {
        matter: thing.caseMatter,
        caseNumber: null,
        parties: story.parties.map((p) => ({ role: p.role, idNumber: p.idNumber ?? null, creditCode: p.creditCode ?? null })),
      },
    );
    const given: Array<{ citizen: CitizenPrincipal; id: string }> = [];
    try {
      for (const consent of story.consents) {
        const citizen: CitizenPrincipal = { kind: 'citizen', id: consent.by, tokenExpiresAt };
        const grant = await this.consents.grant(
          citizen,
          request,
          consent.onBehalfOf ? { matter: thing.caseMatter, onBehalfOf: consent.onBehalfOf } : { matter: thing.caseMatter, hall: story.hall },
        );
        given.push({ citizen, id: grant.id });
        // Shown at the window as its QR code: attached to the case (and bound to the hall).
        if (consent.onBehalfOf) {
          const shown = await this.consents.tokenFor(grant);
          if (shown) await this.cases.attachConsent(clerk, request, {}, opened.id, shown);
        }
      }
      const guidance = await this.guidance.guide(clerk, request, {}, { oneThing: thing.code, answers: story.answers, case: opened.id });
      return burdenOf(thing, guidance);
    } finally {
      // The visit is over: the case is closed and the consents given for it revoked.
      await this.cases.close(clerk, request, {}, opened.id);
      for (const { citizen, id } of given) await this.consents.revoke(citizen, request, id);
    }
  }
}
