import { ArgsType, Field, Int } from '@nestjs/graphql';
import { IsInt, Min } from 'class-validator';

@ArgsType()
export class InclusionProofArgs {
  @Field(() => Int)
  @IsInt()
  @Min(0)
  index: number;

  @Field(() => Int)
  @IsInt()
  @Min(1)
  treeSize: number;
}

@ArgsType()
export class ConsistencyProofArgs {
  @Field(() => Int)
  @IsInt()
  @Min(1)
  fromSize: number;

  @Field(() => Int)
  @IsInt()
  @Min(1)
  toSize: number;
}
