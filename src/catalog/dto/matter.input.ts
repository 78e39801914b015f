import { Field, InputType, Int } from '@nestjs/graphql';

@InputType()
export class MaterialSourcesInput {
  @Field(() => [String], { defaultValue: [] })
  dataItems: string[];

  @Field(() => [String], { defaultValue: [] })
  certificateTypes: string[];
}

@InputType()
export class MaterialInput {
  @Field()
  code: string;

  @Field()
  name: string;

  @Field(() => MaterialSourcesInput, { nullable: true })
  satisfiedBy?: MaterialSourcesInput;
}

@InputType()
export class SubjectConditionInput {
  @Field({ description: 'DECEASED, AGE_AT_LEAST or MINOR.' })
  condition: string;

  @Field(() => Int, { nullable: true, description: 'For AGE_AT_LEAST only.' })
  years?: number | null;
}

/** A whole matter; `saveMatter` creates it or replaces the one with the same code. Checked by parseMatterDefinition. */
@InputType()
export class MatterInput {
  @Field()
  code: string;

  @Field()
  name: string;

  @Field(() => String, { nullable: true })
  nameZh?: string | null;

  @Field()
  description: string;

  @Field({ description: 'PERSON or ENTERPRISE.' })
  subject: string;

  @Field(() => [String])
  dataItems: string[];

  @Field()
  consentRequired: boolean;

  @Field(() => [String], { description: 'clerk, department and/or citizen.' })
  roles: string[];

  @Field({ description: 'ANY, PROVINCE, CITY or COUNTY.' })
  jurisdiction: string;

  @Field(() => [SubjectConditionInput], { defaultValue: [], description: 'Conditions on the subject; none by default.' })
  subjectConditions: SubjectConditionInput[];

  @Field(() => [MaterialInput], { defaultValue: [] })
  materials: MaterialInput[];
}
