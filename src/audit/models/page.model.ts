import { Field, ObjectType } from '@nestjs/graphql';

@ObjectType({ description: 'Relay-style paging: pass endCursor as `after` for the next page.' })
export class PageInfo {
  @Field()
  hasNextPage: boolean;

  @Field(() => String, { nullable: true })
  endCursor: string | null;
}
