import { Injectable } from '@nestjs/common';
import type { MatterRules } from '../access/access-decision.js';
import { actorFor, requestFieldsOf } from '../ledger/ledger-entry.js';
import { LedgerService } from '../ledger/ledger.service.js';
import { AppConfig } from '../config/app-config.js';
import type { RequestContext } from '../common/request/request-context.js';
import type { Principal } from '../identity/principal.js';
import { CatalogError, CatalogErrorCode } from './catalog.errors.js';
import { CatalogRepository } from './catalog.repository.js';
import { MatterRepository, type MatterRow } from './matter.repository.js';
import { MATTER_CODE, MatterDefinitionError, parseMatterDefinition, type MatterDefinition, type SubjectCondition } from './matter-definition.js';
import type { PartyRoleDefinition } from './matter-parties.js';
import type { Matter, PartyRole } from './models/matter.model.js';

/**
 * Matters as the runtime role reads them, and the admin changes to them. Every change is an
 * ADMIN_CHANGE ledger entry committed inside the change's transaction: no entry, no change.
 */
/** One matter in the snapshot: what the access decision and the materials checklist read. */
interface SnapshotMatter {
  rules: MatterRules;
  materials: Matter['materials'];
}

@Injectable()
export class MattersService {
  /** Every matter as last read: its rules for the access decision and its materials for checklists, on each lookup. */
  private snapshot: { readAt: number; matters: Promise<Map<string, SnapshotMatter>> } | null = null;

  constructor(
    private readonly matters: MatterRepository,
    private readonly catalog: CatalogRepository,
    private readonly ledger: LedgerService,
    private readonly config: AppConfig,
  ) {}

  /** The rules of one matter for the access decision; null for an unknown code. */
  async rules(code: string): Promise<MatterRules | null> {
    return (await this.current()).get(code)?.rules ?? null;
  }

  /** The materials of one matter (what a checklist judges); null for an unknown code. */
  async materials(code: string): Promise<Matter['materials'] | null> {
    return (await this.current()).get(code)?.materials ?? null;
  }

  /**
   * Every matter, read at once and kept MATTER_CACHE_SECONDS (a change through this instance
   * applies at once; other instances see it within that time).
   */
  private current(): Promise<Map<string, SnapshotMatter>> {
    const now = Date.now();
    if (!this.snapshot || now - this.snapshot.readAt >= this.config.MATTER_CACHE_SECONDS * 1000) {
      const snapshot = { readAt: now, matters: this.readSnapshot() };
      this.snapshot = snapshot;
      // A failed read is not kept: the next lookup tries again.
      snapshot.matters.catch(() => {
        if (this.snapshot === snapshot) this.snapshot = null;
      });
    }
    return this.snapshot.matters;
  }

  private async readSnapshot(): Promise<Map<string, SnapshotMatter>> {
    const rows = await this.matters.list();
    return new Map(
      rows.map((m): [string, SnapshotMatter] => [
        m.code,
        {
          rules: Object.freeze({
            code: m.code,
            subject: m.subject as MatterRules['subject'],
            dataItems: Object.freeze([...m.dataItemCodes]),
            consentRequired: m.consentRequired,
            roles: Object.freeze([...m.roles]) as MatterRules['roles'],
            jurisdiction: m.jurisdiction as MatterRules['jurisdiction'],
            subjectConditions: Object.freeze(m.subjectConditions.map((c) => Object.freeze({ ...c }))),
            parties: Object.freeze(m.parties ?? []),
          }),
          materials: m.materials,
        },
      ]),
    );
  }

  async list(): Promise<Matter[]> {
    return (await this.matters.list()).map(toMatter);
  }

  async find(code: string): Promise<Matter | null> {
    // No matter has a code of another form (and PostgreSQL text cannot even hold some, such as U+0000).
    if (!MATTER_CODE.test(code)) return null;
    const matter = await this.matters.find(code);
    return matter && toMatter(matter);
  }

  /** Creates the matter or replaces the one with the same code; from now on the start-up sync leaves it alone. */
  async save(admin: Principal, request: RequestContext, input: unknown): Promise<Matter> {
    const itemCodes = await this.catalog.dataItemCodes();
    let definition: MatterDefinition;
    try {
      definition = parseMatterDefinition(input, itemCodes);
    } catch (error) {
      if (error instanceof MatterDefinitionError) throw new CatalogError(CatalogErrorCode.BAD_USER_INPUT, 'MATTER_INVALID', error.message);
      throw error;
    }
    await this.matters.save(definition, (existed) =>
      this.recordChange(admin, request, existed ? 'MATTER_UPDATED' : 'MATTER_CREATED', definition.code, {
        dataItems: definition.dataItems,
        roles: definition.roles,
        consentRequired: definition.consentRequired,
        jurisdiction: definition.jurisdiction,
        subjectConditions: definition.subjectConditions.map(describeCondition),
        parties: definition.parties.map((p) => p.role),
      }),
    );
    this.snapshot = null;
    return (await this.find(definition.code))!;
  }

  async delete(admin: Principal, request: RequestContext, code: string): Promise<boolean> {
    if (!MATTER_CODE.test(code)) throw new CatalogError(CatalogErrorCode.NOT_FOUND, 'MATTER_NOT_FOUND', 'no matter has a code of that form');
    const outcome = await this.matters.delete(code, () => this.recordChange(admin, request, 'MATTER_DELETED', code, {}));
    // Consent grants name their matter: a matter citizens have consented under is kept.
    if (outcome === 'IN_USE') throw new CatalogError(CatalogErrorCode.CONFLICT, 'MATTER_IN_USE', `matter "${code}" has consent grants and cannot be deleted`);
    if (outcome === 'NOT_FOUND') throw new CatalogError(CatalogErrorCode.NOT_FOUND, 'MATTER_NOT_FOUND', `no matter with code "${code.slice(0, 64)}"`);
    this.snapshot = null;
    return true;
  }

  /** Written while the change's transaction is open, so a change the ledger cannot record is rolled back. */
  private async recordChange(
    admin: Principal,
    request: RequestContext,
    action: string,
    matter: string,
    detail: Record<string, string | boolean | string[]>,
  ): Promise<void> {
    await this.ledger.record({
      kind: 'ADMIN_CHANGE',
      actor: actorFor(admin),
      matter,
      outcome: 'GRANTED',
      ...requestFieldsOf(request),
      detail: { action, ...detail },
    });
  }
}

function toMatter(m: MatterRow): Matter {
  return {
    code: m.code,
    name: m.name,
    nameZh: m.nameZh,
    description: m.description,
    subject: m.subject,
    dataItems: m.dataItemCodes,
    consentRequired: m.consentRequired,
    roles: m.roles,
    jurisdiction: m.jurisdiction,
    subjectConditions: m.subjectConditions.map(conditionModel),
    materials: m.materials,
    parties: (m.parties ?? []).map(toPartyRole),
    managedBy: m.managedBy,
  };
}

function toPartyRole(p: PartyRoleDefinition): PartyRole {
  return {
    role: p.role,
    name: p.name,
    nameZh: p.nameZh,
    kind: p.kind,
    subject: p.subject,
    applicant: p.applicant,
    required: p.required,
    multiple: p.multiple,
    everyoneInRecords: p.everyoneInRecords,
    dataItems: p.dataItems,
    conditions: p.conditions.map(conditionModel),
    relation: p.relation,
    consent: {
      kind: p.consent.kind,
      byRoles: p.consent.kind === 'BY' ? p.consent.roles : [],
      onBehalfOf: p.consent.kind === 'BY' ? p.consent.onBehalfOf : null,
    },
  };
}

/** A condition as the ledger's ADMIN_CHANGE detail lists it, e.g. `AGE_AT_LEAST:60`. */
function describeCondition(c: SubjectCondition): string {
  return c.condition === 'AGE_AT_LEAST' ? `${c.condition}:${c.years}` : c.condition;
}

/** A condition as the schema shows it: `years` for AGE_AT_LEAST, else null. */
function conditionModel(c: SubjectCondition): Matter['subjectConditions'][number] {
  return { condition: c.condition, years: c.condition === 'AGE_AT_LEAST' ? c.years : null };
}
