import { Field, GraphQLISODateTime, ObjectType } from '@nestjs/graphql';

/*
 * The records of each data item as the gateway releases them are GraphQL types made from the items'
 * catalog entries at start-up (item-views.ts): field names, types and nullability follow the items'
 * JSON Schemas (schemas/data-items/). Every record says where it came from.
 */

@ObjectType({ description: 'Where a record came from: the department that answered and when.' })
export class RecordSource {
  @Field({ description: 'Department code, e.g. PUBLIC_SECURITY.' })
  department: string;

  @Field({ description: 'The data item, e.g. household.registration.' })
  dataItem: string;

  @Field(() => GraphQLISODateTime)
  fetchedAt: Date;
}
