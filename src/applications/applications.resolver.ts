import { UsePipes } from '@nestjs/common';
import { Args, Context, Extensions, Mutation, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import { inputValidationPipe } from '../common/graphql/input-validation.pipe.js';
import { keysetCursor, readKeysetCursor } from '../common/graphql/keyset-cursor.js';
import { CurrentRequest, type RequestContext } from '../common/request/request-context.js';
import { CurrentPrincipal } from '../identity/current-principal.decorator.js';
import { HallRegistry } from '../identity/hall-registry.js';
import type { Principal } from '../identity/principal.js';
import { Roles } from '../identity/roles.decorator.js';
import { toApplication, toTask } from './application-presenter.js';
import { ApplicationError } from './applications.errors.js';
import { ApplicationsService, MY_APPLICATIONS_LIMIT } from './applications.service.js';
import {
  ApplicationIdArgs,
  DecideTaskArgs,
  DepartmentTasksArgs,
  OpenApplicationInput,
  SubmitApplicationArgs,
  TASKS_PAGE_LIMIT,
} from './dto/application.inputs.js';
import { Application, DepartmentTask, DepartmentTaskConnection } from './models/application.model.js';

function decodeCursor(cursor: string): { dueAt: Date | null; id: string } {
  const read = readKeysetCursor(cursor);
  if (!read) throw ApplicationError.badInput('CURSOR_INVALID', 'after is not a cursor this API handed out');
  return { dueAt: read.at, id: read.id };
}

/**
 * Applications of one things and their department tasks (names are contracts: openApplication,
 * submitApplication, application, myApplications, departmentTasks, decideTask).
 */
@Resolver(() => Application)
@UsePipes(inputValidationPipe())
export class ApplicationsResolver {
  constructor(
    private readonly service: ApplicationsService,
    private readonly halls: HallRegistry,
  ) {}

  @ResolveField(() => String, { nullable: true, description: 'The hall’s name (null: not in the hall registry).' })
  hallName(@Parent() application: Application): string | null {
    return this.halls.find(application.hall)?.name ?? null;
  }

  @ResolveField(() => String, { nullable: true, description: 'The hall’s name in Chinese (null: not in the hall registry).' })
  hallNameZh(@Parent() application: Application): string | null {
    return this.halls.find(application.hall)?.nameZh ?? null;
  }

  @Roles('clerk')
  @Mutation(() => Application, {
    description:
      "Opens an application of a one thing on a case of your hall (opened under the one thing's caseMatter): the guidance runs on the case — its parties' records read " +
      'under it, each read a ledger entry — and fixes the matters and the prefilled form. A DRAFT until submitted. Recorded in the ledger (APPLICATION_CHANGE).',
  })
  async openApplication(
    @Args('input') input: OpenApplicationInput,
    @CurrentPrincipal() principal: Principal,
    @CurrentRequest() request: RequestContext,
    @Context() scope: object,
  ): Promise<Application> {
    if (principal.kind !== 'clerk') throw ApplicationError.refused('CASE_NOT_FOUND');
    const opened = await this.service.open(principal, request, scope, input);
    return toApplication(opened, this.service.definitionOf(opened));
  }

  @Roles('clerk')
  @Mutation(() => Application, {
    description:
      'Submits a draft of your hall once: the form is checked against the one thing’s template (BAD_USER_INPUT FORM_INVALID with `extensions.fields`, each field ' +
      'named with why in English and Chinese; nothing is created), corrections are kept beside the record values, and one task per matter is created in the same ' +
      'transaction (OPEN when it waits for no other selected matter, WAITING otherwise). Recorded in the ledger (APPLICATION_CHANGE).',
  })
  async submitApplication(
    @Args() { id, form }: SubmitApplicationArgs,
    @CurrentPrincipal() principal: Principal,
    @CurrentRequest() request: RequestContext,
  ): Promise<Application> {
    if (principal.kind !== 'clerk') throw ApplicationError.refused('APPLICATION_NOT_FOUND');
    const submitted = await this.service.submit(principal, request, id, form);
    return toApplication(submitted, this.service.definitionOf(submitted));
  }

  @Roles('department')
  @Mutation(() => DepartmentTask, {
    description:
      "Decides one of your department's tasks while it is OPEN or NEEDS_MATERIAL: APPROVED opens the matters that waited only for it (due their promised days " +
      'from now); REJECTED and NEEDS_MATERIAL need a note, which the applicant sees. The application’s status follows its tasks. Another department’s task, a task ' +
      'not open and an unknown task are refused. Recorded in the ledger (TASK_DECISION).',
  })
  async decideTask(
    @Args() { id, decision, note }: DecideTaskArgs,
    @CurrentPrincipal() principal: Principal,
    @CurrentRequest() request: RequestContext,
  ): Promise<DepartmentTask> {
    const decided = await this.service.decide(principal, request, id, decision, note ?? null);
    const application = toApplication(decided.application, this.service.definitionOf(decided.application));
    return application.tasks.find((t) => t.id === decided.id)!;
  }

  @Roles('clerk', 'department', 'citizen')
  @Query(() => Application, {
    nullable: true,
    description: 'An application: for the clerks of its hall, a department with a task in it, or a party of its case; null for anyone else (or none).',
  })
  async application(
    @Args() { id }: ApplicationIdArgs,
    @CurrentPrincipal() principal: Principal,
    @CurrentRequest() request: RequestContext,
  ): Promise<Application | null> {
    const found = await this.service.find(principal, request, id);
    return found && toApplication(found, this.service.definitionOf(found));
  }

  @Roles('citizen')
  @Extensions({ listSize: MY_APPLICATIONS_LIMIT })
  @Query(() => [Application], {
    description: "The applications of the cases you are a party to, newest first: each task's state, department, promised date and the department's note.",
  })
  async myApplications(@CurrentPrincipal() principal: Principal): Promise<Application[]> {
    return (await this.service.mine(principal)).map((found) => toApplication(found, this.service.definitionOf(found)));
  }

  @Roles('department', 'clerk')
  @Extensions({ listSize: TASKS_PAGE_LIMIT })
  @Query(() => DepartmentTaskConnection, {
    description:
      "A department system's inbox (its own department's tasks) or a clerk's view of the hall's applications' tasks, the most urgent first (due date; waiting " +
      'tasks last); a Relay cursor connection (first, after).',
  })
  async departmentTasks(@Args() args: DepartmentTasksArgs, @CurrentPrincipal() principal: Principal): Promise<DepartmentTaskConnection> {
    const after = args.after ? decodeCursor(args.after) : null;
    const rows = await this.service.tasks(principal, args.first, after, {
      statuses: args.filter?.status ?? null,
      overdue: args.filter?.overdue ?? null,
      matter: args.filter?.matter ?? null,
      applicationId: args.filter?.application ?? null,
    });
    const page = rows.slice(0, args.first);
    const edges = page.map((row) => {
      const definition = this.service.definitionOf(row.application);
      const application = toApplication(row.application, definition);
      return {
        cursor: keysetCursor(row.dueAt, row.id),
        node: application.tasks.find((t) => t.id === row.id) ?? toTask(row, row.application.subject, application, definition),
      };
    });
    return {
      edges,
      pageInfo: {
        hasNextPage: rows.length > args.first,
        hasPreviousPage: after !== null,
        startCursor: edges[0]?.cursor ?? null,
        endCursor: edges.at(-1)?.cursor ?? null,
      },
    };
  }
}
