import { ArgsType, Field } from '@nestjs/graphql';
import { IsString, Matches } from 'class-validator';
import { MATTER_CODE } from '../../catalog/matter-definition.js';
import { CASE_NUMBER_MESSAGE, CASE_NUMBER_PATTERN } from '../../common/identifiers/case-number.js';
import { IdNumberScalar } from '../../common/scalars/id-number.scalar.js';

/** What a window states to see which of a citizen's grants it may rely on: the citizen, the matter and the case. */
@ArgsType()
export class ConsentsCoveringArgs {
  @Field(() => IdNumberScalar, { description: "The citizen's ID number (the scalar has checked it)." })
  @IsString()
  idNumber: string;

  @Field({ description: 'The matter the lookup will state, e.g. HOUSE_TRANSFER.' })
  @IsString()
  @Matches(MATTER_CODE, { message: 'matter must be a matter code such as HOUSE_TRANSFER' })
  matter: string;

  @Field({ description: 'The case the lookup will state.' })
  @IsString()
  @Matches(CASE_NUMBER_PATTERN, { message: CASE_NUMBER_MESSAGE })
  caseNumber: string;
}
