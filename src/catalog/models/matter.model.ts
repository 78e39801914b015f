import { Field, Int, ObjectType } from '@nestjs/graphql';

@ObjectType({ description: 'What satisfies a material: records onegate can pull, or certificates the citizen holds.' })
export class MaterialSources {
  @Field(() => [String], { description: 'Data items whose records satisfy the material.' })
  dataItems: string[];

  @Field(() => [String], { description: 'Certificate types that satisfy the material.' })
  certificateTypes: string[];
}

@ObjectType({ description: 'A material a matter needs. Satisfied by nothing listed: the applicant brings it.' })
export class Material {
  @Field()
  code: string;

  @Field()
  name: string;

  @Field(() => MaterialSources)
  satisfiedBy: MaterialSources;
}

@ObjectType({ description: "A condition on the subject of a matter, judged from the subject's records before anything is released." })
export class SubjectCondition {
  @Field({ description: 'DECEASED (a death record exists), AGE_AT_LEAST (years) or MINOR (under 18).' })
  condition: string;

  @Field(() => Int, { nullable: true, description: 'For AGE_AT_LEAST: the age in whole years.' })
  years: number | null;
}

@ObjectType({ description: 'A matter (事项): the purpose a lookup states, and what it may read.' })
export class Matter {
  @Field({ description: 'e.g. HOUSE_TRANSFER' })
  code: string;

  @Field()
  name: string;

  @Field(() => String, { nullable: true, description: 'Chinese name.' })
  nameZh: string | null;

  @Field()
  description: string;

  @Field({ description: 'PERSON (looked up by ID number) or ENTERPRISE (by credit code).' })
  subject: string;

  @Field(() => [String], { description: 'Data items the matter may read; any other item is denied.' })
  dataItems: string[];

  @Field({ description: "Whether the citizen's consent is needed to read their records under this matter." })
  consentRequired: boolean;

  @Field(() => [String], { description: 'Principal kinds that may handle the matter: clerk, department, citizen.' })
  roles: string[];

  @Field({
    description:
      "Where a clerk may handle it: ANY hall, or a hall whose region shares the PROVINCE (2 digits), CITY (4) or COUNTY (6) of the subject's division code.",
  })
  jurisdiction: string;

  @Field(() => [SubjectCondition], {
    description: 'Conditions on the subject (SUBJECT_CONDITION_NOT_MET when one fails: nothing is released).',
  })
  subjectConditions: SubjectCondition[];

  @Field(() => [Material])
  materials: Material[];

  @Field({ description: 'FILE: as declared in schemas/matters/; ADMIN: changed through the API.' })
  managedBy: string;
}
