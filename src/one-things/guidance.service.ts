import { Injectable } from '@nestjs/common';
import type { StoredCase } from '../cases/case.repository.js';
import { CasesService } from '../cases/cases.service.js';
import { CertificateRegistry, certificateStatus } from '../certificates/certificate-registry.service.js';
import type { RequestContext } from '../common/request/request-context.js';
import type { ExchangeView } from '../exchange/exchange.service.js';
import type { Principal } from '../identity/principal.js';
import { actorFor, requestFieldsOf } from '../ledger/ledger-entry.js';
import { LedgerService } from '../ledger/ledger.service.js';
import {
  evaluate,
  guidanceOf,
  itemsToRead,
  questionsWorthAsking,
  recordsFact,
  requirementsOf,
  type Evaluation,
  type GuidanceResult,
  type PartyEvidence,
  type RecordsFact,
} from './guidance.js';
import { OneThingCatalog } from './one-thing-catalog.js';
import type { OneThingDefinition } from './one-thing-definition.js';
import { OneThingError } from './one-things.errors.js';

/** What a guidance is asked for: a one thing, the answers so far (keyed by question key), and the case whose parties' records are read. */
export interface GuideRequest {
  oneThing: string;
  answers?: unknown;
  /** A case id; absent: nothing is read. */
  case?: string | null;
}

const MAX_ANSWERS = 64;

/** A code or key from the caller, quoted for a message (bounded, control characters escaped). */
function quoted(value: unknown): string {
  return JSON.stringify(String(value).slice(0, 64));
}

/** The answers as given, each a question of the one thing and one of its options; else BAD_USER_INPUT naming what is wrong. */
export function checkedAnswers(thing: OneThingDefinition, raw: unknown): Record<string, string> {
  if (raw === undefined || raw === null) return {};
  if (typeof raw !== 'object' || Array.isArray(raw)) {
    throw OneThingError.badInput('ANSWERS_INVALID', 'answers must be an object of option values keyed by question key');
  }
  const entries = Object.entries(raw as Record<string, unknown>);
  if (entries.length > MAX_ANSWERS) throw OneThingError.badInput('ANSWERS_INVALID', `at most ${MAX_ANSWERS} answers`);
  const answers: Record<string, string> = {};
  for (const [key, value] of entries) {
    const question = thing.questions.find((q) => q.key === key);
    if (!question) throw OneThingError.badInput('QUESTION_UNKNOWN', `${quoted(key)} is not a question of ${thing.code}`);
    if (typeof value !== 'string' || !question.options.some((o) => o.value === value)) {
      throw OneThingError.badInput(
        'OPTION_UNKNOWN',
        `${quoted(value)} is not an option of question "${key}" (${question.options.map((o) => o.value).join(', ')})`,
      );
    }
    answers[key] = value;
  }
  return answers;
}

/**
 * The guidance of a one thing (guidance.ts) over a case's records: each party of the case is read
 * once, under the case, through the exchange's audited lookup (exactly as `CaseParty.record` reads
 * it: one DATA_ACCESS entry per party under the case), for the items the one thing names for its
 * role; a party's certificates are looked up (audited too) only when a requirement of its role is not
 * covered by data and a certificate could stand in. Without a case nothing is read. Refusals under a
 * case are recorded (CASE_CHANGE, action GUIDE) before the error leaves.
 *
 * Used by the `guide` query and by applications (the guidance an application is opened with).
 */
@Injectable()
export class GuidanceService {
  constructor(
    private readonly catalog: OneThingCatalog,
    private readonly cases: CasesService,
    private readonly registry: CertificateRegistry,
    private readonly ledger: LedgerService,
  ) {}

  async guide(principal: Principal, request: RequestContext, scope: object, input: GuideRequest): Promise<GuidanceResult> {
    const caseId = input.case ?? null;
    const refused = async (error: OneThingError, found: StoredCase | null = null): Promise<OneThingError> => {
      if (caseId !== null) await this.recordRefusal(principal, request, input.oneThing, caseId, found, error);
      return error;
    };
    const thing = this.catalog.get(input.oneThing);
    if (!thing) throw await refused(OneThingError.badInput('ONE_THING_UNKNOWN', `one thing ${quoted(input.oneThing)} is not in the catalog`));
    let answers: Record<string, string>;
    try {
      answers = checkedAnswers(thing, input.answers);
    } catch (error) {
      throw error instanceof OneThingError ? await refused(error) : error;
    }
    if (caseId === null) return this.guidance(thing, answers, { caseId: null, parties: [] }, await evaluated(thing, answers, []));

    // Another hall's case, or a caller who works on no case, finds none (recorded by CasesService.find).
    const stored = await this.cases.find(principal, request, scope, caseId);
    if (!stored) throw OneThingError.caseNotFound();
    if (stored.status !== 'OPEN') throw await refused(OneThingError.caseClosed(), stored);
    if (stored.matterCode !== thing.caseMatter) {
      throw await refused(
        OneThingError.badInput('CASE_MATTER_MISMATCH', `the case is for ${stored.matterCode}; ${thing.code} is worked on a case for ${thing.caseMatter}`),
        stored,
      );
    }
    // As a case's parties are read: relations a department could not judge before are judged again first.
    const found = await this.cases.rejudgeUnverified(principal, request, scope, stored);
    const rules = await this.cases.rulesOf(found);
    const views = await Promise.all(
      found.parties.map(async (party) => {
        const readable = rules?.parties?.find((r) => r.role === party.role)?.dataItems ?? [];
        const items = itemsToRead(thing, party.role, readable);
        // A role the one thing needs nothing of is not read at all.
        const view = items.length ? await this.cases.partyView(principal, request, scope, found, party, items) : null;
        return { party, view };
      }),
    );
    const parties: PartyEvidence[] = views.map(({ party, view }) => ({
      role: party.role,
      subjectId: party.subjectId,
      items: view ? evidenceOf(view) : new Map(),
      certificates: [],
      relationProven: party.relationStatus === 'PROVEN',
    }));
    // Certificates are not a fact of the rules: the evaluation over the records serves both steps.
    const run = await evaluated(thing, answers, parties);
    const withCertificates = await this.certificatesWhereNeeded(principal, request, scope, thing, run.evaluation, found, parties);
    return this.guidance(thing, answers, { caseId: found.id, parties: withCertificates }, run);
  }

  private async guidance(
    thing: OneThingDefinition,
    answers: Record<string, string>,
    evidence: { caseId: string | null; parties: PartyEvidence[] },
    { records, roles, evaluation }: Evaluated,
  ): Promise<GuidanceResult> {
    const questions = await questionsWorthAsking(thing, answers, evaluation, records, roles);
    return guidanceOf(thing, evaluation, questions, evidence, records, this.catalog.namesOf(thing));
  }

  /**
   * A person party's valid certificates, looked up under the case only when one of the selected
   * requirements of its role is not covered by a record and names certificate types.
   */
  private async certificatesWhereNeeded(
    principal: Principal,
    request: RequestContext,
    scope: object,
    thing: OneThingDefinition,
    evaluation: Evaluation,
    found: StoredCase,
    parties: PartyEvidence[],
  ): Promise<PartyEvidence[]> {
    const selected = new Set([...requirementsOf(thing, evaluation).values()].flat());
    return Promise.all(
      parties.map(async (party, i) => {
        const row = found.parties[i]!;
        const wanting = thing.requirements.some(
          (r) =>
            selected.has(r.code) &&
            r.roles.includes(party.role) &&
            r.satisfiedBy.certificateTypes.length > 0 &&
            !r.satisfiedBy.dataItems.some((item) => {
              const outcome = party.items.get(item);
              return outcome?.kind === 'records' && outcome.records.length > 0;
            }),
        );
        if (!wanting || row.subjectKind !== 'PERSON') return party;
        const purpose = { matter: found.matterCode, caseNumber: found.caseNumber, consent: null, case: found.id };
        const held = await this.registry.listFor(principal, request, row.subjectId, purpose, scope);
        return { ...party, certificates: held.filter((c) => certificateStatus(c) === 'VALID').map((c) => ({ type: c.type, identifier: c.identifier })) };
      }),
    );
  }

  private async recordRefusal(
    principal: Principal,
    request: RequestContext,
    oneThing: string,
    caseId: string,
    found: StoredCase | null,
    error: OneThingError,
  ): Promise<void> {
    await this.ledger.record({
      kind: 'CASE_CHANGE',
      actor: actorFor(principal),
      matter: found?.matterCode ?? null,
      caseNumber: found?.caseNumber ?? null,
      outcome: 'DENIED',
      ...requestFieldsOf(request),
      detail: {
        action: 'GUIDE',
        reason: error.reason,
        ...(this.catalog.get(oneThing) ? { oneThing } : {}),
        ...(found ? { caseId: found.id } : /^[0-9a-f-]{36}$/i.test(caseId) ? { caseId: caseId.toLowerCase() } : {}),
      },
    });
  }
}

interface Evaluated {
  records: RecordsFact;
  roles: string[];
  evaluation: Evaluation;
}

/** The rules run over what was read of the parties (nothing without a case). */
async function evaluated(thing: OneThingDefinition, answers: Record<string, string>, parties: readonly PartyEvidence[]): Promise<Evaluated> {
  const records = recordsFact(parties);
  const roles = [...new Set(parties.map((p) => p.role))];
  return { records, roles, evaluation: await evaluate(thing, answers, records, roles) };
}

/** The outcome of each item read for a party, as the guidance judges it. */
function evidenceOf(view: ExchangeView): PartyEvidence['items'] {
  const items = new Map<string, PartyEvidence['items'] extends ReadonlyMap<string, infer O> ? O : never>();
  for (const [item, outcome] of view.outcomes) {
    if (outcome.kind === 'records') items.set(item, { kind: 'records', records: outcome.records });
    else if (outcome.kind === 'denied') items.set(item, { kind: 'denied', reason: outcome.reason });
    else items.set(item, { kind: 'failed', department: outcome.department });
  }
  return items;
}
