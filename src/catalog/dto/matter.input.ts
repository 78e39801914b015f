import { Field, InputType, Int } from '@nestjs/graphql';

@InputType()
export class MaterialSourcesInput {
  @Field(() => [String], { defaultValue: [] })
  dataItems: string[];

  @Field(() => [String], { defaultValue: [] })
  certificateTypes: string[];

  @Field(() => Boolean, { nullable: true, description: "In a case: the party's relation, proven from records, satisfies it." })
  relation?: boolean | null;
}

@InputType()
export class MaterialInput {
  @Field()
  code: string;

  @Field()
  name: string;

  @Field(() => String, { nullable: true, description: 'Chinese name, for the one-time notice (一次性告知单).' })
  nameZh?: string | null;

  @Field(() => [String], { nullable: true, description: 'In a case: the party roles the material is about; none: the subject role.' })
  roles?: string[] | null;

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

@InputType({ description: 'The relation a party role must have to another role, proven from records.' })
export class PartyRoleRelationInput {
  @Field({ description: 'PARENT_OF, SPOUSE_OF, CO_OWNER_OF, NEXT_OF_KIN_OF or LEGAL_REPRESENTATIVE_OF.' })
  type: string;

  @Field({ description: 'The other role.' })
  to: string;

  @Field(() => String, { nullable: true, description: 'PARENT_OF only: MOTHER or FATHER.' })
  side?: string | null;
}

@InputType({ description: 'A party role of a matter handled as a case (see Matter.parties).' })
export class PartyRoleInput {
  @Field()
  role: string;

  @Field()
  name: string;

  @Field(() => String, { nullable: true })
  nameZh?: string | null;

  @Field({ defaultValue: 'PERSON', description: 'PERSON or ENTERPRISE.' })
  kind: string;

  @Field({ defaultValue: false })
  subject: boolean;

  @Field({ defaultValue: false })
  applicant: boolean;

  @Field({ defaultValue: false })
  required: boolean;

  @Field({ defaultValue: false })
  multiple: boolean;

  @Field({ defaultValue: false })
  everyoneInRecords: boolean;

  @Field(() => [String])
  dataItems: string[];

  @Field(() => [SubjectConditionInput], { defaultValue: [] })
  conditions: SubjectConditionInput[];

  @Field(() => PartyRoleRelationInput, { nullable: true })
  relation?: PartyRoleRelationInput | null;

  @Field({ description: "SELF (the party's own consent), NONE, or BY (a related party's: consentBy, onBehalfOf)." })
  consent: string;

  @Field(() => [String], { nullable: true, description: 'BY: the roles whose consent covers this one.' })
  consentBy?: string[] | null;

  @Field(() => String, { nullable: true, description: 'BY: REQUIRED (default) or OPTIONAL.' })
  onBehalfOf?: string | null;
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

  @Field(() => [PartyRoleInput], { defaultValue: [], description: 'The party roles when the matter is handled as a case; none: it is not.' })
  parties: PartyRoleInput[];
}

/**
 * The matter as parseMatterDefinition reads it (the shape of schemas/matters/): a party role's
 * consent is SELF, NONE or `{ by, onBehalfOf }`.
 */
export function matterDeclaration(input: MatterInput): Record<string, unknown> {
  return {
    ...input,
    parties: (input.parties ?? []).map(({ consent, consentBy, onBehalfOf, ...role }) => ({
      ...role,
      consent: consent === 'BY' ? { by: consentBy ?? [], onBehalfOf: onBehalfOf ?? 'REQUIRED' } : consent,
    })),
  };
}
