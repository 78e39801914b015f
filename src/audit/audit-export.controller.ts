import { Controller, Get, Query, Res, UsePipes } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { Readable } from 'node:stream';
import { inputValidationPipe } from '../common/graphql/input-validation.pipe.js';
import { CurrentRequest, type RequestContext } from '../common/request/request-context.js';
import { CurrentPrincipal } from '../identity/current-principal.decorator.js';
import type { Principal } from '../identity/principal.js';
import { Roles } from '../identity/roles.decorator.js';
import { AuditService } from './audit.service.js';
import { AuditEntryFilter } from './dto/audit-entries.args.js';

/**
 * `GET /audit/export?subject=…&from=…` (auditors): the ledger as NDJSON for `npm run ledger:verify`.
 * Query parameters are the fields of AuditEntryFilter; none gives the complete ledger.
 */
@Controller('audit')
export class AuditExportController {
  constructor(private readonly audit: AuditService) {}

  @Roles('auditor')
  @Get('export')
  @UsePipes(inputValidationPipe('http'))
  async export(
    @CurrentPrincipal() principal: Principal,
    @CurrentRequest() request: RequestContext,
    @Query() filter: AuditEntryFilter,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    const lines = this.audit.exportLines(principal, request, filter);
    // The first chunk (header) is produced before any byte is sent, so a ledger that cannot record
    // the export, or cannot sign a checkpoint, is a clean error response rather than a cut stream.
    const first = await lines.next();
    const stamp = new Date().toISOString().replace(/[:.]/g, '-');
    reply
      .header('content-type', 'application/x-ndjson; charset=utf-8')
      .header('cache-control', 'no-store')
      .header('content-disposition', `attachment; filename="onegate-ledger-${stamp}.ndjson"`);
    const body = Readable.from(
      (async function* () {
        if (!first.done) yield first.value;
        yield* lines;
      })(),
    );
    await reply.send(body);
  }
}
