import { Field, Int, ObjectType } from '@nestjs/graphql';

@ObjectType({ description: 'What satisfies a material: records onegate can pull, or certificates the citizen holds.' })
export class MaterialSources {
  @Field(() => [String], { description: 'Data items whose records satisfy the material.' })
  dataItems: string[];

  @Field(() => [String], { description: 'Certificate types that satisfy the material.' })
  certificateTypes: string[];

  @Field(() => Boolean, { nullable: true, description: "In a case: the party's relation, proven from records, satisfies it." })
  relation?: boolean | null;
}

@ObjectType({ description: 'A material a matter needs. Satisfied by nothing listed: the applicant brings it.' })
export class Material {
  @Field()
  code: string;

  @Field()
  name: string;

  @Field(() => String, { nullable: true, description: 'Chinese name, for the one-time notice of what to bring (一次性告知单).' })
  nameZh?: string | null;

  @Field(() => [String], { nullable: true, description: "In a case: the party roles the material is about; null: the matter's subject role." })
  roles?: string[] | null;

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

@ObjectType({ description: 'The relation a party role must have to another role, proven from records.' })
export class PartyRoleRelation {
  @Field({ description: 'PARENT_OF, SPOUSE_OF, CO_OWNER_OF, NEXT_OF_KIN_OF or LEGAL_REPRESENTATIVE_OF.' })
  type: string;

  @Field({ description: 'The other role.' })
  to: string;

  @Field(() => String, { nullable: true, description: 'PARENT_OF only: MOTHER or FATHER when the records must name that parent.' })
  side: string | null;
}

@ObjectType({ description: "Whose consent lets a case read a party's records." })
export class PartyRoleConsent {
  @Field({ description: "SELF (the party's own), NONE (no consent: an enterprise) or BY (a related party's, on this party's behalf)." })
  kind: string;

  @Field(() => [String], { description: 'BY: the roles whose consent covers this one.' })
  byRoles: string[];

  @Field(() => String, {
    nullable: true,
    description: "BY: REQUIRED (the grant must name this party in onBehalfOf) or OPTIONAL (the acting party's own grant covers too).",
  })
  onBehalfOf: string | null;
}

@ObjectType({ description: 'A party role of a matter handled as a case: who takes part, whose records are read for them, and what must hold.' })
export class PartyRole {
  @Field({ description: 'e.g. MOTHER' })
  role: string;

  @Field()
  name: string;

  @Field(() => String, { nullable: true })
  nameZh: string | null;

  @Field({ description: 'PERSON or ENTERPRISE.' })
  kind: string;

  @Field({ description: 'The role whose records the matter is about.' })
  subject: boolean;

  @Field({ description: 'May apply at the window.' })
  applicant: boolean;

  @Field({ description: 'The case needs a party in this role.' })
  required: boolean;

  @Field({ description: 'Several parties may take the role.' })
  multiple: boolean;

  @Field({ description: 'Everyone the records imply for the role must be a party (every co-owner).' })
  everyoneInRecords: boolean;

  @Field(() => [String], { description: 'The data items read for a party in this role.' })
  dataItems: string[];

  @Field(() => [SubjectCondition])
  conditions: SubjectCondition[];

  @Field(() => PartyRoleRelation, { nullable: true })
  relation: PartyRoleRelation | null;

  @Field(() => PartyRoleConsent)
  consent: PartyRoleConsent;
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

  @Field(() => [PartyRole], { description: 'The party roles when the matter is handled as a case (openCase); empty: looked up one subject at a time.' })
  parties: PartyRole[];

  @Field({ description: 'FILE: as declared in schemas/matters/; ADMIN: changed through the API.' })
  managedBy: string;
}
