import { ArgsType, Field, ID } from '@nestjs/graphql';
import { Type } from 'class-transformer';
import { IsOptional, IsString, ValidateNested } from 'class-validator';
import { PurposeInput } from '../../exchange/dto/purpose.input.js';

/*
 * Arguments with an optional purpose. A nullable input as a parameter of its own (`PurposeInput |
 * null`) reaches the validation pipe as a plain Object and goes unchecked; as a field of an args
 * class it is validated like a lookup's purpose whenever it is given.
 */

@ArgsType()
abstract class OptionalPurposeArgs {
  @Field(() => PurposeInput, { nullable: true })
  @IsOptional()
  @ValidateNested()
  @Type(() => PurposeInput)
  purpose?: PurposeInput | null;
}

@ArgsType()
export class CertificateArgs extends OptionalPurposeArgs {
  @Field(() => ID)
  @IsString()
  id: string;
}

@ArgsType()
export class CertificatesArgs extends OptionalPurposeArgs {
  @Field()
  @IsString()
  holder: string;
}
