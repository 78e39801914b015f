import { Field, ID, InputType } from '@nestjs/graphql';
import { IsOptional, IsString, IsUUID, MaxLength } from 'class-validator';
import { JsonScalar } from '../../common/scalars/json.scalar.js';

@InputType({ description: 'What the guidance is asked for.' })
export class GuideInput {
  @Field({ description: 'A one thing code, e.g. NEWBORN (see oneThings).' })
  @IsString()
  @MaxLength(100)
  oneThing: string;

  @Field(() => JsonScalar, { nullable: true, description: 'The answers so far, keyed by question key, e.g. { "size": "LARGE" }.' })
  @IsOptional()
  answers?: unknown;

  @Field(() => ID, {
    nullable: true,
    description: "A case for the one thing's case matter: its parties' records are read under it (each read a ledger entry). Absent: nothing is read.",
  })
  @IsOptional()
  @IsUUID('all', { message: 'case must be a case id' })
  case?: string | null;
}
