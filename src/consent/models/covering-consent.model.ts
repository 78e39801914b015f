import { Field, GraphQLISODateTime, ID, ObjectType } from '@nestjs/graphql';

/** A citizen's active grant as a window sees it: enough to pick it, never a token. */
@ObjectType({ description: "A citizen's active consent grant that covers a window's stated matter and case, for picking it as purpose.consent." })
export class CoveringConsent {
  @Field(() => ID, { description: 'What the clerk passes as purpose.consent.' })
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
}
