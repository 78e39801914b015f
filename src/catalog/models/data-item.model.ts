import { Field, ObjectType } from '@nestjs/graphql';
import { JsonScalar } from '../../common/scalars/json.scalar.js';

@ObjectType({ description: 'One kind of record a department shares, with the JSON Schema its answers must satisfy.' })
export class DataItem {
  @Field({ description: 'Data item code, e.g. household.registration.' })
  code: string;

  @Field({ description: 'Code of the department that owns the item.' })
  department: string;

  @Field({ description: "The item's name in English, e.g. Medical birth certificate." })
  title: string;

  @Field({ description: "The item's name in Chinese, e.g. 出生医学证明." })
  nameZh: string;

  @Field(() => JsonScalar, { description: 'JSON Schema (2020-12) of one record of this item.' })
  schema: Record<string, unknown>;
}
