import { Field, ID, Int, ObjectType, registerEnumType } from '@nestjs/graphql';
import { JsonScalar } from '../../common/scalars/json.scalar.js';
import { QuestionModel, QuestionOptionModel } from './one-thing.model.js';

export enum RequirementStatus {
  /** Every party it is about had a record that proves it read under the case. */
  BY_DATA = 'BY_DATA',
  /** Covered, and at least one party by a valid electronic certificate. */
  BY_CERTIFICATE = 'BY_CERTIFICATE',
  /** A material the applicant brings (the one-time notice, 一次性告知单). */
  TO_BRING = 'TO_BRING',
}
registerEnumType(RequirementStatus, { name: 'RequirementStatus', description: 'How a requirement of a one thing is proven.' });

export enum FieldSource {
  /** From a record read under the case (also: an answer the records gave). */
  RECORD = 'RECORD',
  /** From an answer to a guidance question. */
  ANSWER = 'ANSWER',
  /** Nothing fills it: the applicant types it. */
  TYPED = 'TYPED',
}
registerEnumType(FieldSource, { name: 'FieldSource', description: "Where a form field's value comes from." });

@ObjectType({ description: 'A matter the guidance selected.' })
export class GuidedMatter {
  @Field()
  code: string;

  @Field()
  name: string;

  @Field()
  nameZh: string;

  @Field({ description: 'The deciding department (or agency).' })
  department: string;

  @Field()
  departmentName: string;

  @Field()
  departmentNameZh: string;

  @Field(() => Int)
  promisedDays: number;

  @Field(() => [String], { description: 'Selected matters that must be approved first.' })
  after: string[];

  @Field(() => [String], { description: 'Its requirement codes (each proven once for the whole one thing: see Guidance.requirements).' })
  requirements: string[];

  @Field(() => [String], { description: 'Why it is selected: the rules that selected it.' })
  reasons: string[];

  @Field(() => [String])
  reasonsZh: string[];
}

@ObjectType({ description: 'A requirement of the selected matters, deduplicated across them, and how it is proven.' })
export class GuidedRequirement {
  @Field()
  code: string;

  @Field()
  name: string;

  @Field()
  nameZh: string;

  @Field(() => RequirementStatus)
  status: RequirementStatus;

  @Field(() => [String], { description: 'Why: the matters needing it, the rules that added it, and for each party what proved it or what is missing.' })
  reasons: string[];

  @Field(() => [String], { description: 'The reasons in Chinese, line for line.' })
  reasonsZh: string[];

  @Field(() => [String], { description: 'The case party roles it is about.' })
  roles: string[];

  @Field(() => [String], { description: 'The selected matters that need it.' })
  matters: string[];

  @Field(() => [String], { description: 'Data items whose records proved it.' })
  dataItems: string[];

  @Field(() => [String], { description: 'Identifiers of the certificates that proved it.' })
  certificates: string[];
}

@ObjectType({ description: 'A field of the one form, with its value where it is known and where it came from.' })
export class GuidedFormField {
  @Field()
  key: string;

  @Field()
  label: string;

  @Field()
  labelZh: string;

  @Field({ description: 'text, date (YYYY-MM-DD), idNumber, phone, select or boolean.' })
  type: string;

  @Field()
  required: boolean;

  @Field(() => [QuestionOptionModel], { nullable: true, description: "A select field's options." })
  options: QuestionOptionModel[] | null;

  @Field(() => JsonScalar, { nullable: true, description: 'The prefilled value (a string or boolean); null: to be typed.' })
  value: string | boolean | null;

  @Field(() => FieldSource)
  source: FieldSource;

  @Field()
  prefilled: boolean;

  @Field(() => String, { nullable: true, description: 'Declared record source: the party role read.' })
  sourceRole: string | null;

  @Field(() => String, { nullable: true, description: 'Declared record source: the data item.' })
  sourceItem: string | null;

  @Field(() => String, { nullable: true, description: 'Declared record source: the dot path in the record.' })
  sourcePath: string | null;

  @Field(() => String, { nullable: true, description: 'Declared answer source: the question key.' })
  sourceQuestion: string | null;

  @Field(() => String, { nullable: true, description: 'Why the value is what it is (the record, or the rule by which the records answered).' })
  reason: string | null;

  @Field(() => String, { nullable: true })
  reasonZh: string | null;
}

@ObjectType({ description: 'The one form of the one thing for these answers.' })
export class GuidanceForm {
  @Field(() => [GuidedFormField])
  fields: GuidedFormField[];
}

@ObjectType({
  description:
    'The guidance of a one thing: the next questions worth asking, the exact matters, the requirements (deduplicated) and how each is proven, and the one form prefilled.',
})
export class Guidance {
  @Field()
  oneThing: string;

  @Field(() => ID, { nullable: true, description: 'The case whose parties were read; null: nothing was read.' })
  caseId: string | null;

  @Field(() => JsonScalar, { description: 'The answers in effect: those given, and those the records gave.' })
  answers: Record<string, string>;

  @Field(() => [String], { description: 'Questions the records answered (not asked).' })
  answeredByRecords: string[];

  @Field(() => [QuestionModel], { description: 'The next questions worth asking; empty: the guidance is complete.' })
  questions: QuestionModel[];

  @Field(() => [GuidedMatter])
  matters: GuidedMatter[];

  @Field(() => [GuidedRequirement])
  requirements: GuidedRequirement[];

  @Field(() => GuidanceForm)
  form: GuidanceForm;
}
