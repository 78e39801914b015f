import { Field, GraphQLISODateTime, ID, ObjectType, registerEnumType } from '@nestjs/graphql';

export enum ConsentStatus {
  ACTIVE = 'ACTIVE',
  EXPIRED = 'EXPIRED',
  REVOKED = 'REVOKED',
}
registerEnumType(ConsentStatus, { name: 'ConsentStatus', description: 'ACTIVE until it expires or the citizen revokes it.' });

@ObjectType({ description: "A citizen's consent for a matter, optionally limited to one case, for the halls and departments it names." })
export class ConsentGrant {
  @Field(() => ID, { description: 'What a clerk passes as purpose.consent.' })
  id: string;

  @Field()
  matter: string;

  @Field(() => String, {
    nullable: true,
    description:
      'The person the consent is given for, when not the citizen who gave it: a parent for their minor child, a next of kin for the deceased (it covers them only in a case where that relation is proven from records).',
  })
  onBehalfOf: string | null;

  @Field(() => String, { nullable: true, description: 'The one case the consent covers; any case of the matter when null.' })
  caseNumber: string | null;

  @Field(() => String, {
    nullable: true,
    description: 'The hall when the grant names exactly one hall and no department; else null (see halls and departments).',
  })
  hall: string | null;

  @Field(() => [String], { description: 'The service halls whose clerks it covers.' })
  halls: string[];

  @Field(() => [String], {
    description:
      'The departments whose systems it covers. A grant naming no hall and no department covers nobody until its QR code is used at a window (then it names that hall).',
  })
  departments: string[];

  @Field(() => GraphQLISODateTime)
  grantedAt: Date;

  @Field(() => GraphQLISODateTime)
  expiresAt: Date;

  @Field(() => GraphQLISODateTime, { nullable: true })
  revokedAt: Date | null;

  @Field(() => ConsentStatus)
  status: ConsentStatus;

  // `token` is resolved by ConsentResolver: signed only when asked for.
}
