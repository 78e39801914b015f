import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { applicationReadDenial, taskDecisionDenial, taskListingScope, type ApplicationDenialReason } from '../access/application-access.js';
import { caseStandingDenial } from '../access/case-access.js';
import type { StoredCase } from '../cases/case.repository.js';
import { MattersService } from '../catalog/matters.service.js';
import { DomainError } from '../common/errors/domain-error.js';
import type { RequestContext } from '../common/request/request-context.js';
import { AppConfig } from '../config/app-config.js';
import { PurposeFactsService } from '../consent/purpose-facts.js';
import type { ClerkPrincipal, Principal } from '../identity/principal.js';
import { actorFor, requestFieldsOf, type LedgerDetailValue, type LedgerEntryKind, type LedgerOutcome } from '../ledger/ledger-entry.js';
import { LedgerService } from '../ledger/ledger.service.js';
import type { OneThingDefinition } from '../one-things/one-thing-definition.js';
import {
  ApplicationRepository,
  inMatterOrder,
  type ApplicationChangeRefusal,
  type ApplicationRow,
  type StoredApplication,
  type TaskChange,
  type TaskRow,
  type TaskWithApplication,
} from './application.repository.js';
import { ApplicationError } from './applications.errors.js';
import type { TaskStatusCode } from './entities/application-task.entity.js';
import type { FormValue } from './entities/application.entity.js';
import { correctionsOf, FormValidator } from './form-schema.js';
import { OneThingGuidance } from './one-thing-guidance.js';
import { TaskDeadlines } from './task-deadlines.js';
import { applicationStatusOf, dueDate, planTasks, tasksToOpen } from './task-plan.js';

/** The most applications myApplications lists (newest first). */
export const MY_APPLICATIONS_LIMIT = 50;

export type TaskDecisionCode = Extract<TaskStatusCode, 'APPROVED' | 'REJECTED' | 'NEEDS_MATERIAL'>;

/** Where an entry about an application goes: its case (matter, number, id) and the application. */
interface EntryPlace {
  matter: string | null;
  caseNumber: string | null;
  detail: Record<string, LedgerDetailValue>;
}

/**
 * Applications of one things on cases (docs/applications.md): opened at the window with the
 * guidance run on the case (its reads audited under the case), submitted once with the form checked
 * against the one thing's template and one task per selected matter created in the same
 * transaction, their deadlines scheduled with them; decided by the deciding departments, each
 * approval opening the matters that waited for it. Every change is a ledger entry under the case
 * (APPLICATION_CHANGE, TASK_DECISION) committed inside the change's transaction, and every refusal one too.
 */
@Injectable()
export class ApplicationsService {
  private readonly forms = new FormValidator();

  constructor(
    private readonly applications: ApplicationRepository,
    private readonly purposes: PurposeFactsService,
    private readonly matters: MattersService,
    private readonly guidance: OneThingGuidance,
    private readonly deadlines: TaskDeadlines,
    private readonly ledger: LedgerService,
    private readonly config: AppConfig,
  ) {}

  async open(
    principal: ClerkPrincipal,
    request: RequestContext,
    scope: object,
    input: { oneThing: string; case: string; answers?: Record<string, unknown> | null },
  ): Promise<StoredApplication> {
    // The case as this request reads it: the guidance below reads the same.
    const found = await this.purposes.caseInRequest(input.case, scope);
    const denial = caseStandingDenial(principal, found);
    const place = (c: StoredCase | null): EntryPlace => ({
      matter: c?.matterCode ?? null,
      caseNumber: c?.caseNumber ?? null,
      detail: { ...(c ? { caseId: c.id } : {}), oneThing: input.oneThing.slice(0, 64) },
    });
    if (!found || denial) {
      const reason = denial === 'CASE_CLOSED' ? 'CASE_CLOSED' : 'CASE_NOT_FOUND';
      throw await this.refuse(
        principal,
        request,
        'APPLICATION_CHANGE',
        'OPEN',
        reason === 'CASE_CLOSED' ? place(found) : place(null),
        ApplicationError.refused(reason),
      );
    }
    const definition = this.guidance.definition(input.oneThing);
    if (!definition) {
      const error = ApplicationError.badInput('ONE_THING_UNKNOWN', `one thing "${input.oneThing.slice(0, 64)}" is not in the catalog`);
      throw await this.refuse(principal, request, 'APPLICATION_CHANGE', 'OPEN', place(found), error);
    }
    if (definition.caseMatter !== found.matterCode) {
      const error = ApplicationError.badInput(
        'ONE_THING_NOT_FOR_CASE',
        `${definition.code} is applied for on a ${definition.caseMatter} case, not ${found.matterCode}`,
      );
      throw await this.refuse(principal, request, 'APPLICATION_CHANGE', 'OPEN', place(found), error);
    }
    let guided;
    try {
      guided = await this.guidance.guide(principal, request, scope, { oneThing: definition.code, answers: input.answers ?? {}, case: found.id });
    } catch (error) {
      // An unknown question or option, a case the guidance may not read: refused, and recorded as such.
      if (error instanceof DomainError) throw await this.refuse(principal, request, 'APPLICATION_CHANGE', 'OPEN', place(found), error);
      throw error;
    }
    const now = new Date();
    const row: ApplicationRow = {
      id: randomUUID(),
      oneThing: definition.code,
      caseId: found.id,
      hall: found.hall,
      region: found.region,
      subject: await this.subjectOf(found),
      status: 'DRAFT',
      answers: guided.answers,
      matters: definition.matters.filter((m) => guided.matters.includes(m.code)).map((m) => m.code),
      prefill: guided.fields,
      form: null,
      corrections: null,
      openedBy: principal.id,
      createdAt: now,
      submittedAt: null,
      updatedAt: now,
    };
    await this.applications.open(row, () =>
      this.record(principal, request, 'APPLICATION_CHANGE', 'GRANTED', {
        matter: found.matterCode,
        caseNumber: found.caseNumber,
        detail: { action: 'OPEN', caseId: found.id, applicationId: row.id, oneThing: row.oneThing, matters: row.matters },
      }),
    );
    return {
      ...row,
      tasks: [],
      caseNumber: found.caseNumber,
      caseMatter: found.matterCode,
      caseStatus: found.status,
      parties: found.parties.map((p) => p.subjectId),
    };
  }

  /**
   * Submits a draft of the clerk's hall: the form checked against the template (every bad field
   * named, nothing created), the corrections kept beside the record values, and one task per matter
   * created with the application's update, the open tasks' deadlines and the ledger entry in one
   * transaction.
   */
  async submit(principal: ClerkPrincipal, request: RequestContext, id: string, form: unknown): Promise<StoredApplication> {
    const found = await this.applications.find(id);
    const placeOf = (a: StoredApplication | null, extra: Record<string, LedgerDetailValue> = {}): EntryPlace =>
      a
        ? { matter: a.caseMatter, caseNumber: a.caseNumber, detail: { caseId: a.caseId, applicationId: a.id, ...extra } }
        : { matter: null, caseNumber: null, detail: extra };
    const denial = applicationReadDenial(principal, found && factsOf(found));
    if (!found || denial)
      throw await this.refuse(principal, request, 'APPLICATION_CHANGE', 'SUBMIT', placeOf(null), ApplicationError.refused('APPLICATION_NOT_FOUND'));
    if (found.status !== 'DRAFT')
      throw await this.refuse(principal, request, 'APPLICATION_CHANGE', 'SUBMIT', placeOf(found), ApplicationError.refused('APPLICATION_NOT_DRAFT'));
    const definition = this.definitionOf(found);
    const problems = this.forms.validate(definition, found.matters, form);
    if (problems.length > 0) {
      const error = ApplicationError.formInvalid(problems);
      throw await this.refuse(principal, request, 'APPLICATION_CHANGE', 'SUBMIT', placeOf(found, { fields: problems.map((p) => p.key).slice(0, 32) }), error);
    }
    const values = form as Record<string, FormValue>;
    const corrections = correctionsOf(found.prefill, values);
    const now = new Date();
    const selected = definition.matters.filter((m) => found.matters.includes(m.code));
    const tasks: TaskRow[] = planTasks(selected, now, this.config.TASK_DAY_SECONDS).map((planned) => ({
      id: randomUUID(),
      applicationId: found.id,
      matterCode: planned.matterCode,
      department: planned.department,
      status: planned.status,
      after: planned.after,
      promisedDays: planned.promisedDays,
      dueAt: planned.dueAt,
      overdue: false,
      note: null,
      decidedBy: null,
      decidedAt: null,
      openedAt: planned.openedAt,
      createdAt: now,
    }));
    const refusal = await this.applications.submit(
      found.id,
      async () => ({ update: { form: values, corrections, status: applicationStatusOf(tasks), submittedAt: now }, tasks }),
      async (sql, created) => {
        const open = created.filter((t) => t.status === 'OPEN');
        await this.deadlines.schedule(sql, open, now);
        await this.record(
          principal,
          request,
          'APPLICATION_CHANGE',
          'GRANTED',
          placeOf(found, {
            action: 'SUBMIT',
            tasks: created.map((t) => t.matterCode),
            opened: open.map((t) => t.matterCode),
            departments: [...new Set(created.map((t) => t.department))],
            corrected: corrections.map((c) => c.key),
          }),
        );
      },
    );
    if (refusal) throw await this.refuse(principal, request, 'APPLICATION_CHANGE', 'SUBMIT', placeOf(found), changeError(refusal));
    // As committed: the draft was locked, found a DRAFT of an OPEN case, and changed only by this.
    const status = applicationStatusOf(tasks);
    return { ...found, form: values, corrections, status, submittedAt: now, updatedAt: now, caseStatus: 'OPEN', tasks: inMatterOrder(tasks, found.matters) };
  }

  /**
   * A department decides its open task: APPROVED opens the matters whose predecessors are now all
   * approved (due their promised days from now, their deadlines scheduled), REJECTED and
   * NEEDS_MATERIAL keep the note for the applicant; the application's status follows its tasks.
   * Another department's task, a task not open and an unknown task are refused and recorded.
   */
  async decide(
    principal: Principal,
    request: RequestContext,
    taskId: string,
    decision: TaskDecisionCode,
    note: string | null,
  ): Promise<TaskRow & { application: StoredApplication }> {
    const applicationId = await this.applications.applicationOfTask(taskId);
    const found = applicationId ? await this.applications.find(applicationId) : null;
    const task = found?.tasks.find((t) => t.id === taskId.toLowerCase()) ?? null;
    const placeOf = (extra: Record<string, LedgerDetailValue> = {}): EntryPlace =>
      found && task
        ? {
            matter: found.caseMatter,
            caseNumber: found.caseNumber,
            detail: { caseId: found.caseId, applicationId: found.id, taskId: task.id, taskMatter: task.matterCode, decision, ...extra },
          }
        : { matter: null, caseNumber: null, detail: { decision, ...extra } };
    const refused = (error: DomainError) => this.refuse(principal, request, 'TASK_DECISION', 'DECIDE', placeOf(), error);
    const denial = taskDecisionDenial(principal, task);
    if (!found || !task || denial) throw await refused(ApplicationError.refused(denial ?? 'TASK_NOT_FOUND'));
    const text = note?.trim() || null;
    if (decision !== 'APPROVED' && !text) throw await refused(ApplicationError.badInput('NOTE_REQUIRED', `${decision} needs a note for the applicant`));
    let outcome: { opened: TaskRow[]; status: string } = { opened: [], status: found.status };
    try {
      const refusal = await this.applications.decide(
        task.id,
        async (_locked, tasks, current) => {
          // Judged again on the locked application: another decision may have come first.
          const again = taskDecisionDenial(principal, current);
          if (again) throw ApplicationError.refused(again);
          const now = new Date();
          const decided: TaskChange = { id: current.id, status: decision, note: text, decidedBy: principal.id, decidedAt: now };
          const after = tasks.map((t) => (t.id === current.id ? { ...t, status: decision } : t));
          const opening = tasksToOpen(after);
          const opened: TaskChange[] = opening.map((t) => ({
            id: t.id,
            status: 'OPEN',
            openedAt: now,
            dueAt: dueDate(now, t.promisedDays, this.config.TASK_DAY_SECONDS),
          }));
          const status = applicationStatusOf(after.map((t) => (opening.includes(t) ? { ...t, status: 'OPEN' as const } : t)));
          outcome = { opened: opening, status };
          return { changes: [decided, ...opened], status, at: now };
        },
        async (sql, changes) => {
          const opened = changes.filter((c) => c.status === 'OPEN').map((c) => ({ id: c.id, dueAt: c.dueAt ?? null }));
          await this.deadlines.schedule(sql, opened, new Date());
          await this.record(
            principal,
            request,
            'TASK_DECISION',
            'GRANTED',
            placeOf({ action: 'DECIDE', opened: outcome.opened.map((t) => t.matterCode), applicationStatus: outcome.status, noted: text !== null }),
          );
        },
      );
      if (refusal) throw changeError(refusal);
    } catch (error) {
      if (error instanceof ApplicationError) throw await refused(error);
      throw error;
    }
    const after = (await this.applications.find(found.id))!;
    return { ...after.tasks.find((t) => t.id === task.id)!, application: after };
  }

  /** The application, for the clerks of its hall, a department with a task in it, or a party of its case; null (and a DENIED entry) for anyone else. */
  async find(principal: Principal, request: RequestContext, id: string): Promise<StoredApplication | null> {
    const found = await this.applications.find(id);
    if (!found || applicationReadDenial(principal, factsOf(found))) {
      await this.record(principal, request, 'APPLICATION_CHANGE', 'DENIED', {
        matter: null,
        caseNumber: null,
        detail: { action: 'READ', reason: 'APPLICATION_NOT_FOUND' },
      });
      return null;
    }
    return found;
  }

  /** The applications of the cases the citizen is a party to, newest first. */
  async mine(principal: Principal): Promise<Array<ApplicationRow & { caseNumber: string; tasks: TaskRow[] }>> {
    if (principal.kind !== 'citizen') return [];
    return this.applications.listByParty(principal.id, MY_APPLICATIONS_LIMIT);
  }

  /** A page of the caller's tasks (a department's own, a clerk's hall's), one more than `first` when there is a next page; with each task's application and its tasks. */
  async tasks(
    principal: Principal,
    first: number,
    after: { dueAt: Date | null; id: string } | null,
    filter: { statuses?: TaskStatusCode[] | null; overdue?: boolean | null; matter?: string | null; applicationId?: string | null },
  ): Promise<Array<TaskWithApplication & { application: { tasks: TaskRow[] } }>> {
    const scope = taskListingScope(principal);
    if (!scope) return [];
    const rows = await this.applications.listTasks(scope, first + 1, after, filter);
    const tasks = await this.applications.tasksOf([...new Set(rows.map((r) => r.applicationId))]);
    return rows.map((row) => ({
      ...row,
      application: { ...row.application, tasks: inMatterOrder(tasks.get(row.applicationId) ?? [], row.application.matters) },
    }));
  }

  /** The one thing an application was opened for (its definition stays in the catalog while applications exist). */
  definitionOf(found: Pick<ApplicationRow, 'oneThing'>): OneThingDefinition {
    const definition = this.guidance.definition(found.oneThing);
    if (!definition) throw new Error(`one thing ${found.oneThing} of a stored application is no longer in the catalog`);
    return definition;
  }

  /** The case's subject party (the newborn): who the tasks are about. */
  private async subjectOf(found: StoredCase): Promise<string> {
    const rules = await this.matters.rules(found.matterCode);
    const role = rules?.parties?.find((r) => r.subject)?.role;
    return (found.parties.find((p) => p.role === role) ?? found.parties[0])!.subjectId;
  }

  /** Records the refusal (a DENIED entry of `kind`) and returns the error to throw. */
  private async refuse(
    principal: Principal,
    request: RequestContext,
    kind: LedgerEntryKind,
    action: string,
    place: EntryPlace,
    error: DomainError,
  ): Promise<DomainError> {
    await this.record(principal, request, kind, 'DENIED', { ...place, detail: { action, reason: error.extensions.reason, ...place.detail } });
    return error;
  }

  private async record(principal: Principal, request: RequestContext, kind: LedgerEntryKind, outcome: LedgerOutcome, place: EntryPlace): Promise<void> {
    await this.ledger.record({
      kind,
      actor: actorFor(principal),
      matter: place.matter,
      caseNumber: place.caseNumber,
      outcome,
      ...requestFieldsOf(request),
      detail: place.detail,
    });
  }
}

function factsOf(found: StoredApplication) {
  return { hall: found.hall, parties: found.parties, departments: found.tasks.map((t) => t.department) };
}

function changeError(refusal: ApplicationChangeRefusal): ApplicationError {
  return ApplicationError.refused(refusal === 'APPLICATION_NOT_DRAFT' ? 'APPLICATION_NOT_DRAFT' : (refusal as ApplicationDenialReason | 'CASE_CLOSED'));
}
