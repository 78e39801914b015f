import { UsePipes } from '@nestjs/common';
import { Args, Context, ID, Mutation, Query, Resolver } from '@nestjs/graphql';
import { inputValidationPipe } from '../common/graphql/input-validation.pipe.js';
import { keysetCursor, readKeysetCursor } from '../common/graphql/keyset-cursor.js';
import { CurrentRequest, type RequestContext } from '../common/request/request-context.js';
import { CurrentPrincipal } from '../identity/current-principal.decorator.js';
import type { ClerkPrincipal, Principal } from '../identity/principal.js';
import { Roles } from '../identity/roles.decorator.js';
import type { StoredCase } from './case.repository.js';
import { CaseError } from './cases.errors.js';
import { CasesService } from './cases.service.js';
import { CaseIdArgs, CasesArgs, OpenCaseInput, PartyInput } from './dto/case.inputs.js';
import { Case, CaseConnection, CaseStatus } from './models/case.model.js';

/** The case as the schema shows it; its parties, materials and suggestions are resolved by CaseFieldsResolver. */
export function toCase(found: StoredCase): Case {
  return {
    id: found.id,
    caseNumber: found.caseNumber,
    status: CaseStatus[found.status],
    hall: found.hall,
    createdAt: found.createdAt,
    closedAt: found.closedAt,
    found,
  };
}

function decodeCursor(cursor: string): { createdAt: Date; id: string } {
  const read = readKeysetCursor(cursor);
  if (!read?.at) throw CaseError.badInput('CURSOR_INVALID', 'after is not a cursor this API handed out');
  return { createdAt: read.at, id: read.id };
}

/** The clerk's cases (names are contracts: openCase, addParty, closeCase, attachConsent, case, cases). */
@Resolver(() => Case)
@UsePipes(inputValidationPipe())
export class CasesResolver {
  constructor(private readonly service: CasesService) {}

  @Roles('clerk')
  @Mutation(() => Case, {
    description:
      "Opens a case at your hall for a matter handled as a case, with the parties known so far. Each party's relation to the others is judged from records " +
      '(a relation the records disprove refuses the case: RELATION_NOT_PROVEN naming the role). Recorded in the ledger (CASE_CHANGE, RELATION_CHECK).',
  })
  async openCase(
    @Args('input') input: OpenCaseInput,
    @CurrentPrincipal() principal: Principal,
    @CurrentRequest() request: RequestContext,
    @Context() scope: object,
  ): Promise<Case> {
    return toCase(await this.service.open(principal as ClerkPrincipal, request, scope, input));
  }

  @Roles('clerk')
  @Mutation(() => Case, { description: 'Adds a party to an open case of your hall (its relation judged from records as for openCase).' })
  async addParty(
    @Args('caseId', { type: () => ID }) caseId: string,
    @Args('party') party: PartyInput,
    @CurrentPrincipal() principal: Principal,
    @CurrentRequest() request: RequestContext,
    @Context() scope: object,
  ): Promise<Case> {
    return toCase(await this.service.addParty(principal as ClerkPrincipal, request, scope, caseId, party));
  }

  @Roles('clerk')
  @Mutation(() => Case, { description: 'Closes a case of your hall: nothing more is read or changed under it.' })
  async closeCase(
    @Args() { id }: CaseIdArgs,
    @CurrentPrincipal() principal: Principal,
    @CurrentRequest() request: RequestContext,
    @Context() scope: object,
  ): Promise<Case> {
    return toCase(await this.service.close(principal as ClerkPrincipal, request, scope, id));
  }

  @Roles('clerk')
  @Mutation(() => Case, {
    description:
      "Attaches a consent a party shows at the window (a grant id or the QR code's token) to the case: it must be for the case's matter and given by or for a party. " +
      'A grant naming no hall is bound to yours. The case then reads the parties it covers.',
  })
  async attachConsent(
    @Args('caseId', { type: () => ID }) caseId: string,
    @Args('consent') consent: string,
    @CurrentPrincipal() principal: Principal,
    @CurrentRequest() request: RequestContext,
    @Context() scope: object,
  ): Promise<Case> {
    return toCase(await this.service.attachConsent(principal as ClerkPrincipal, request, scope, caseId, consent));
  }

  @Roles('clerk')
  @Query(() => Case, { nullable: true, description: 'A case of your hall; null for none (or another hall’s).' })
  async case(
    @Args() { id }: CaseIdArgs,
    @CurrentPrincipal() principal: Principal,
    @CurrentRequest() request: RequestContext,
    @Context() scope: object,
  ): Promise<Case | null> {
    const found = await this.service.find(principal, request, scope, id);
    return found && toCase(found);
  }

  @Roles('clerk')
  @Query(() => CaseConnection, { description: "Your hall's cases, newest first; a Relay cursor connection (first, after)." })
  async cases(@Args() args: CasesArgs, @CurrentPrincipal() principal: Principal): Promise<CaseConnection> {
    const after = args.after ? decodeCursor(args.after) : null;
    const rows = await this.service.list(principal as ClerkPrincipal, args.first, after, { status: args.filter?.status, matter: args.filter?.matter });
    const page = rows.slice(0, args.first);
    const edges = page.map((found) => ({ cursor: keysetCursor(found.createdAt, found.id), node: toCase(found) }));
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
