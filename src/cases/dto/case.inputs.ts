import { ArgsType, Field, ID, InputType, Int } from '@nestjs/graphql';
import { Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsIn, IsInt, IsOptional, IsString, IsUUID, Matches, Max, Min, ValidateNested } from 'class-validator';
import { PARTY_ROLE_CODE } from '../../catalog/matter-parties.js';
import { MATTER_CODE } from '../../catalog/matter-definition.js';
import { CASE_NUMBER_MESSAGE, CASE_NUMBER_PATTERN } from '../../common/identifiers/case-number.js';
import { CreditCodeScalar } from '../../common/scalars/credit-code.scalar.js';
import { IdNumberScalar } from '../../common/scalars/id-number.scalar.js';
import { CaseStatus } from '../models/case.model.js';
import { CASES_PAGE_LIMIT } from '../cases.service.js';

/** Most parties one case may have. */
export const CASE_MAX_PARTIES = 20;

@InputType({ description: 'A party of a case: its role, and an ID number (a person) or a credit code (an enterprise).' })
export class PartyInput {
  @Field({ description: 'A role the matter declares, e.g. MOTHER (see Matter.parties).' })
  @IsString()
  @Matches(PARTY_ROLE_CODE, { message: 'role must be a party role such as MOTHER' })
  role: string;

  @Field(() => IdNumberScalar, { nullable: true })
  @IsOptional()
  @IsString()
  idNumber?: string | null;

  @Field(() => CreditCodeScalar, { nullable: true })
  @IsOptional()
  @IsString()
  creditCode?: string | null;
}

@InputType({ description: 'A case to open: the matter, the parties known so far, and the case number (generated for the hall when absent).' })
export class OpenCaseInput {
  @Field({ description: 'A matter handled as a case (one whose `parties` are declared), e.g. NEWBORN_REGISTRATION.' })
  @IsString()
  @Matches(MATTER_CODE, { message: 'matter must be a matter code such as NEWBORN_REGISTRATION' })
  matter: string;

  @Field(() => String, { nullable: true, description: 'The hall’s case number (受理编号); generated as <hall>-<year>-<serial> when absent.' })
  @IsOptional()
  @IsString()
  @Matches(CASE_NUMBER_PATTERN, { message: CASE_NUMBER_MESSAGE })
  caseNumber?: string | null;

  @Field(() => [PartyInput])
  @IsArray()
  @ArrayMaxSize(CASE_MAX_PARTIES)
  @ValidateNested({ each: true })
  @Type(() => PartyInput)
  parties: PartyInput[];
}

@InputType({ description: 'Which of the hall’s cases to list.' })
export class CaseFilter {
  @Field(() => CaseStatus, { nullable: true })
  @IsOptional()
  @IsIn(Object.values(CaseStatus))
  status?: CaseStatus | null;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @IsString()
  @Matches(MATTER_CODE, { message: 'matter must be a matter code' })
  matter?: string | null;
}

@ArgsType()
export class CasesArgs {
  @Field(() => Int, { defaultValue: 20, description: `At most ${CASES_PAGE_LIMIT}.` })
  @IsInt()
  @Min(1)
  @Max(CASES_PAGE_LIMIT)
  first: number;

  @Field(() => String, { nullable: true, description: 'endCursor of the previous page.' })
  @IsOptional()
  @IsString()
  after?: string | null;

  @Field(() => CaseFilter, { nullable: true })
  @IsOptional()
  @ValidateNested()
  @Type(() => CaseFilter)
  filter?: CaseFilter | null;
}

@ArgsType()
export class CaseIdArgs {
  @Field(() => ID)
  @IsUUID('all', { message: 'id must be a case id' })
  id: string;
}
