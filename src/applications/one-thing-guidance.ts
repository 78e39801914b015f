import { Injectable } from '@nestjs/common';
import type { RequestContext } from '../common/request/request-context.js';
import type { ClerkPrincipal } from '../identity/principal.js';
import { GuidanceService } from '../one-things/guidance.service.js';
import { OneThingCatalog } from '../one-things/one-thing-catalog.js';
import type { OneThingDefinition } from '../one-things/one-thing-definition.js';
import type { PrefilledValue } from './entities/application.entity.js';

/** What openApplication keeps of the guidance run on a case. */
export interface ApplicationGuidance {
  /** The answers in effect: given, and given by the records. */
  answers: Record<string, string>;
  /** The selected matters' codes. */
  matters: string[];
  /** Each field of the form with its value and where it came from. */
  fields: PrefilledValue[];
}

/**
 * What the applications domain needs of the one-things domain: a one thing's definition, and the
 * guidance run on a case (the records read under it, each read a ledger entry). Provided by
 * ApplicationsModule over OneThingCatalog and GuidanceService (src/one-things).
 */
export abstract class OneThingGuidance {
  abstract definition(code: string): OneThingDefinition | undefined;

  abstract guide(
    principal: ClerkPrincipal,
    request: RequestContext,
    scope: object,
    input: { oneThing: string; answers: Record<string, unknown>; case: string },
  ): Promise<ApplicationGuidance>;
}

/** The guidance of the one-things domain (GuidanceService over OneThingCatalog), kept as openApplication needs it. */
@Injectable()
export class GuidanceOfOneThings extends OneThingGuidance {
  constructor(
    private readonly catalog: OneThingCatalog,
    private readonly guidance: GuidanceService,
  ) {
    super();
  }

  definition(code: string): OneThingDefinition | undefined {
    return this.catalog.get(code);
  }

  async guide(
    principal: ClerkPrincipal,
    request: RequestContext,
    scope: object,
    input: { oneThing: string; answers: Record<string, unknown>; case: string },
  ): Promise<ApplicationGuidance> {
    const result = await this.guidance.guide(principal, request, scope, input);
    return {
      answers: result.answers,
      matters: result.matters.map((m) => m.code),
      fields: result.form.fields.map((f) => ({ key: f.key, value: f.value, source: f.valueSource })),
    };
  }
}
