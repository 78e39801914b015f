import { UsePipes } from '@nestjs/common';
import { Args, Query, Resolver } from '@nestjs/graphql';
import { inputValidationPipe } from '../common/graphql/input-validation.pipe.js';
import { CurrentRequest, type RequestContext } from '../common/request/request-context.js';
import { CurrentPrincipal } from '../identity/current-principal.decorator.js';
import type { CitizenPrincipal, Principal } from '../identity/principal.js';
import { Roles } from '../identity/roles.decorator.js';
import { AuditService } from './audit.service.js';
import { AuditEntriesArgs, AuditFlagsArgs, PAGE_SIZE, PageArgs } from './dto/audit-entries.args.js';
import { AuditEntryConnection, AuditFlag, DataAccessConnection } from './models/audit-connection.model.js';

@Resolver()
@UsePipes(inputValidationPipe())
export class AuditResolver {
  constructor(private readonly audit: AuditService) {}

  @Roles('auditor')
  @Query(() => AuditEntryConnection, {
    description: `Ledger entries matching the filter, newest first; a Relay cursor connection (first or last ≤ ${PAGE_SIZE.max}). Auditors only; each call is itself a restricted ledger entry.`,
  })
  auditEntries(
    @CurrentPrincipal() principal: Principal,
    @CurrentRequest() request: RequestContext,
    @Args() args: AuditEntriesArgs,
  ): Promise<AuditEntryConnection> {
    return this.audit.entries(principal, request, args);
  }

  @Roles('auditor')
  @Query(() => [AuditFlag], { description: 'Unusual access in a period (default the last 24 hours, at most 31 days). Auditors only.' })
  auditFlags(@CurrentPrincipal() principal: Principal, @CurrentRequest() request: RequestContext, @Args() args: AuditFlagsArgs): Promise<AuditFlag[]> {
    return this.audit.flags(principal, request, args);
  }

  @Roles('citizen')
  @Query(() => DataAccessConnection, {
    description: 'Who read my data, when, which items and for which matter; newest first, a Relay cursor connection. Citizens only, for themselves.',
  })
  myDataAccesses(@CurrentPrincipal() principal: Principal, @Args() args: PageArgs): Promise<DataAccessConnection> {
    return this.audit.dataAccesses(principal as CitizenPrincipal, args);
  }
}
