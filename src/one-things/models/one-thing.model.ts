import { Field, Int, ObjectType } from '@nestjs/graphql';

@ObjectType({ description: "An option of a guidance question; its `value` is the answer's value." })
export class QuestionOptionModel {
  @Field()
  value: string;

  @Field()
  text: string;

  @Field()
  textZh: string;
}

@ObjectType('Question', { description: 'A guidance question (the funnel): answers are keyed by its `key`.' })
export class QuestionModel {
  @Field()
  key: string;

  @Field()
  text: string;

  @Field()
  textZh: string;

  @Field(() => [QuestionOptionModel])
  options: QuestionOptionModel[];
}

@ObjectType({ description: 'A matter of a one thing: decided by one department, as one task of an application.' })
export class OneThingMatter {
  @Field()
  code: string;

  @Field()
  name: string;

  @Field()
  nameZh: string;

  @Field({ description: 'The deciding department: a department holding records, or an agency (HEALTHCARE_SECURITY, WATER_SUPPLY, FIRE_RESCUE, …).' })
  department: string;

  @Field()
  departmentName: string;

  @Field()
  departmentNameZh: string;

  @Field(() => Int, { description: 'Calendar days promised from submission (for a matter that waits: from when it opens).' })
  promisedDays: number;

  @Field(() => [String], { description: 'Matters of the one thing that must be approved before this one opens.' })
  after: string[];

  @Field({ description: 'ALWAYS, or RULE: only when a rule selects it.' })
  when: string;
}

@ObjectType({ description: 'The errand before the one thing, as a public report gives it (null: the report does not say).' })
export class BeforeFigures {
  @Field(() => Int, { nullable: true })
  matters: number | null;

  @Field(() => Int, { nullable: true })
  steps: number | null;

  @Field(() => Int, { nullable: true })
  forms: number | null;

  @Field(() => Int, { nullable: true })
  formFields: number | null;

  @Field(() => Int, { nullable: true })
  materials: number | null;

  @Field(() => Int, { nullable: true })
  days: number | null;

  @Field(() => Int, { nullable: true })
  visits: number | null;

  @Field({ description: 'Which report, in a few words.' })
  source: string;
}

@ObjectType({
  description: 'A one thing (一件事): several matters a citizen sees as one errand, guided by a few questions, with one form (schemas/one-things/).',
})
export class OneThing {
  @Field()
  code: string;

  @Field()
  name: string;

  @Field()
  nameZh: string;

  @Field()
  description: string;

  @Field()
  descriptionZh: string;

  @Field({ description: 'The matter a case for it is opened under (its parties are the people of the one thing).' })
  caseMatter: string;

  @Field(() => [OneThingMatter])
  matters: OneThingMatter[];

  @Field(() => [QuestionModel])
  questions: QuestionModel[];

  @Field(() => BeforeFigures)
  before: BeforeFigures;
}

@ObjectType({ description: 'What a one thing asks of the applicant for one story, beside the errand before it (docs/one-things.md, "Burden report").' })
export class BurdenLine {
  @Field()
  oneThing: string;

  @Field(() => String, { nullable: true, description: 'The case the records were read under; null: nothing was read.' })
  caseId: string | null;

  @Field(() => Int)
  matters: number;

  @Field(() => Int, { description: 'Requirements counted per matter, as separate offices would each ask for them.' })
  requirementsBeforeDeduplication: number;

  @Field(() => Int, { description: 'Requirements once for the whole one thing.' })
  materialsRequired: number;

  @Field(() => Int, { description: 'Of those, proven by records or certificates: nothing on paper.' })
  materialsWithoutPaper: number;

  @Field(() => Int)
  fieldsTotal: number;

  @Field(() => Int)
  fieldsPrefilled: number;

  @Field(() => Int, { description: 'Deciding departments and agencies of the selected matters.' })
  departments: number;

  @Field(() => Int, { description: 'Window visits: the one at which the case is opened and the application submitted.' })
  visits: number;

  @Field(() => BeforeFigures)
  before: BeforeFigures;
}
