import { Field, GraphQLISODateTime, ID, ObjectType, registerEnumType } from '@nestjs/graphql';

export enum ConsentStatus {
  ACTIVE = 'ACTIVE',
  EXPIRED = 'EXPIRED',
  REVOKED = 'REVOKED',
}
registerEnumType(ConsentStatus, { name: 'ConsentStatus', description: 'ACTIVE until it expires or the citizen revokes it.' });

@ObjectType({ description: 'A citizen\'s consent for a matter, optionally limited to one case and one hall.' })
export class ConsentGrant {
  @Field(() => ID, { description: 'What a clerk passes as purpose.consent.' })
  id: string;

  @Field()
  matter: string;

  @Field(() => String, { nullable: true, description: 'The one case the consent covers; any case of the matter when null.' })
  caseNumber: string | null;

  @Field(() => String, { nullable: true, description: 'The one hall whose clerks it covers; any hall when null.' })
  hall: string | null;

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
