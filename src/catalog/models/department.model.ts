import { Field, ObjectType } from '@nestjs/graphql';
import { DataItem } from './data-item.model.js';

@ObjectType({ description: 'A department that owns records shared through onegate.' })
export class Department {
  @Field({ description: 'Stable department code, e.g. PUBLIC_SECURITY.' })
  code: string;

  @Field()
  name: string;

  @Field(() => [String], { description: 'What the department holds, in words.' })
  holds: string[];

  @Field(() => [DataItem], { description: 'The data items this department shares.' })
  dataItems: DataItem[];
}
