import { Field, ObjectType } from '@nestjs/graphql';

@ObjectType({ description: 'A service hall (政务服务大厅) of the hall registry, as a consent names it.' })
export class ServiceHallModel {
  @Field({ description: 'The hall code clerk tokens carry, e.g. LONGYOU-01.' })
  code: string;

  @Field({ description: 'The name in English.' })
  name: string;

  @Field({ description: 'The name in Chinese.' })
  nameZh: string;

  @Field({ description: '6-digit administrative division code of the area the hall serves.' })
  regionCode: string;
}
