import { UsePipes } from '@nestjs/common';
import { Args, Context, Query, Resolver } from '@nestjs/graphql';
import { DECIDING_DEPARTMENT_NAMES } from '../common/departments.js';
import { inputValidationPipe } from '../common/graphql/input-validation.pipe.js';
import { CurrentRequest, type RequestContext } from '../common/request/request-context.js';
import { CurrentPrincipal } from '../identity/current-principal.decorator.js';
import type { Principal } from '../identity/principal.js';
import { Roles } from '../identity/roles.decorator.js';
import { GuideInput } from './dto/guide.input.js';
import type { GuidanceResult } from './guidance.js';
import { GuidanceService } from './guidance.service.js';
import { FieldSource, Guidance, RequirementStatus } from './models/guidance.model.js';
import { BurdenLine, OneThing, type BeforeFigures } from './models/one-thing.model.js';
import { OneThingCatalog } from './one-thing-catalog.js';
import type { BurdenLine as Burden } from './burden.js';
import { BurdenService } from './burden.service.js';
import type { OneThingDefinition } from './one-thing-definition.js';

function toBefore(before: OneThingDefinition['before']): BeforeFigures {
  return {
    matters: before.matters ?? null,
    steps: before.steps ?? null,
    forms: before.forms ?? null,
    formFields: before.formFields ?? null,
    materials: before.materials ?? null,
    days: before.days ?? null,
    visits: before.visits ?? null,
    source: before.source,
  };
}

export function toOneThing(thing: OneThingDefinition): OneThing {
  return {
    code: thing.code,
    name: thing.name,
    nameZh: thing.nameZh,
    description: thing.description,
    descriptionZh: thing.descriptionZh,
    caseMatter: thing.caseMatter,
    matters: thing.matters.map((m) => ({
      code: m.code,
      name: m.name,
      nameZh: m.nameZh,
      department: m.department,
      departmentName: DECIDING_DEPARTMENT_NAMES[m.department].en,
      departmentNameZh: DECIDING_DEPARTMENT_NAMES[m.department].zh,
      promisedDays: m.promisedDays,
      after: [...m.after],
      when: m.when,
    })),
    questions: thing.questions.map((q) => ({ key: q.key, text: q.text, textZh: q.textZh, options: q.options.map((o) => ({ ...o })) })),
    before: toBefore(thing.before),
  };
}

export function toGuidance(result: GuidanceResult): Guidance {
  return {
    oneThing: result.oneThing,
    caseId: result.caseId,
    answers: result.answers,
    answeredByRecords: result.answeredByRecords,
    questions: result.questions.map((q) => ({ key: q.key, text: q.text, textZh: q.textZh, options: q.options.map((o) => ({ ...o })) })),
    matters: result.matters.map((m) => ({ ...m, reasons: m.reasons.map((r) => r.text), reasonsZh: m.reasons.map((r) => r.textZh) })),
    requirements: result.requirements.map((r) => ({
      ...r,
      status: RequirementStatus[r.status],
      reasons: r.reasons.map((reason) => reason.text),
      reasonsZh: r.reasons.map((reason) => reason.textZh),
    })),
    form: {
      fields: result.form.fields.map((f) => ({
        key: f.key,
        label: f.label,
        labelZh: f.labelZh,
        type: f.type,
        required: f.required,
        options: f.options,
        value: f.value,
        source: FieldSource[f.valueSource],
        prefilled: f.prefilled,
        sourceRole: f.source.kind === 'record' ? f.source.role : null,
        sourceItem: f.source.kind === 'record' ? f.source.item : null,
        sourcePath: f.source.kind === 'record' ? f.source.path : null,
        sourceQuestion: f.source.kind === 'answer' ? f.source.question : null,
        reason: f.reason?.text ?? null,
        reasonZh: f.reason?.textZh ?? null,
      })),
    },
  };
}

/** One things (names are contracts: oneThings, oneThing, guide). */
@Resolver()
@UsePipes(inputValidationPipe())
export class OneThingsResolver {
  constructor(
    private readonly catalog: OneThingCatalog,
    private readonly guidance: GuidanceService,
    private readonly burden: BurdenService,
  ) {}

  @Query(() => [OneThing], { description: 'Every one thing: its matters, deciding departments, promised days and guidance questions.' })
  oneThings(): OneThing[] {
    return this.catalog.list().map(toOneThing);
  }

  @Query(() => OneThing, { nullable: true, description: 'One one thing by code; null when there is none.' })
  oneThing(@Args('code') code: string): OneThing | null {
    const thing = this.catalog.get(code);
    return thing ? toOneThing(thing) : null;
  }

  @Roles('clerk', 'citizen')
  @Query(() => Guidance, {
    description:
      'The guidance of a one thing for the answers so far: the next questions worth asking (none the records answer, none that no longer changes the outcome), the matters, ' +
      "the requirements deduplicated with BY_DATA / BY_CERTIFICATE / TO_BRING and why, and the one form prefilled. With `case` (a clerk's open case of the one thing's case matter) " +
      'each party is read under the case, each read a ledger entry; without one nothing is read. Unknown one thing, question or option: BAD_USER_INPUT naming it.',
  })
  async guide(
    @Args('input') input: GuideInput,
    @CurrentPrincipal() principal: Principal,
    @CurrentRequest() request: RequestContext,
    @Context() scope: object,
  ): Promise<Guidance> {
    return toGuidance(await this.guidance.guide(principal, request, scope, { oneThing: input.oneThing, answers: input.answers, case: input.case ?? null }));
  }

  @Roles('clerk')
  @Query(() => [BurdenLine], {
    description:
      'The burden report: per guidance asked (a one thing, its answers and a case of your hall), the matters, requirements before and after deduplication, ' +
      'materials without paper, form fields prefilled, departments and visits, beside the figures before the one thing. Without input: each one thing with its ' +
      'demo story’s answers and no case (nothing read). `npm run burden` plays the demo stories on cases.',
  })
  async burdenReport(
    @Args('input', { type: () => [GuideInput], nullable: true }) input: GuideInput[] | null,
    @CurrentPrincipal() principal: Principal,
    @CurrentRequest() request: RequestContext,
    @Context() scope: object,
  ): Promise<BurdenLine[]> {
    const asked = input?.map((i) => ({ oneThing: i.oneThing, answers: i.answers, case: i.case ?? null })) ?? null;
    return (await this.burden.report(principal, request, scope, asked)).map((line: Burden) => ({ ...line, before: toBefore(line.before) }));
  }
}
