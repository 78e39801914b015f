import { Field, ObjectType, registerEnumType } from '@nestjs/graphql';

export enum MaterialSatisfaction {
  /** A department's record, released in this lookup, stands in for it. */
  BY_DATA = 'BY_DATA',
  /** A valid electronic certificate the citizen holds stands in for it. */
  BY_CERTIFICATE = 'BY_CERTIFICATE',
  /** The applicant still has to bring it. */
  TO_BRING = 'TO_BRING',
  /** A department holding a record that would cover it did not answer: ask again before telling the applicant to bring it. */
  NOT_CHECKED = 'NOT_CHECKED',
}
registerEnumType(MaterialSatisfaction, { name: 'MaterialSatisfaction', description: 'How a material of the matter is covered in this lookup.' });

@ObjectType({ description: "One material of the lookup's matter, and what covers it." })
export class MaterialStatus {
  @Field()
  code: string;

  @Field()
  name: string;

  @Field(() => MaterialSatisfaction)
  satisfied: MaterialSatisfaction;

  @Field(() => [String], { description: 'The data items whose records cover it (BY_DATA).' })
  dataItems: string[];

  @Field(() => [String], { description: 'Identifiers of the valid certificates that cover it (BY_CERTIFICATE).' })
  certificates: string[];
}
