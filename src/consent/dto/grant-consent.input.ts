import { Field, GraphQLISODateTime, InputType } from '@nestjs/graphql';
import { Type } from 'class-transformer';
import { IsDate, IsIn, IsOptional, IsString, Matches } from 'class-validator';
import { MATTER_CODE } from '../../catalog/matter-definition.js';
import { SERVICE_HALLS } from '../../identity/halls.js';
import { CASE_NUMBER_MESSAGE, CASE_NUMBER_PATTERN } from '../../common/identifiers/case-number.js';

/** Case numbers a consent may be limited to: a letter or digit, then letters, digits and `._/-`, at most 64. */

/** How long a consent lasts when the citizen does not say, and the longest it may last. */
export const CONSENT_VALIDITY = { defaultDays: 7, maxDays: 90 } as const;

@InputType({ description: 'A consent to grant: the matter, optionally limited to one case and one hall, until expiresAt.' })
export class GrantConsentInput {
  @Field({ description: 'The matter code, e.g. HOUSE_TRANSFER.' })
  @IsString()
  @Matches(MATTER_CODE, { message: 'matter must be a matter code such as HOUSE_TRANSFER' })
  matter: string;

  @Field(() => String, { nullable: true, description: 'Limits the consent to this case number.' })
  @IsOptional()
  @IsString()
  @Matches(CASE_NUMBER_PATTERN, { message: CASE_NUMBER_MESSAGE })
  caseNumber?: string | null;

  @Field(() => String, { nullable: true, description: 'Limits the consent to clerks of this service hall, e.g. LONGYOU-01.' })
  @IsOptional()
  @IsIn(SERVICE_HALLS.map((hall) => hall.code), { message: 'hall must be a known service hall code' })
  hall?: string | null;

  @Field(() => GraphQLISODateTime, {
    nullable: true,
    description: `When the consent ends: in the future and at most ${CONSENT_VALIDITY.maxDays} days ahead; default ${CONSENT_VALIDITY.defaultDays} days.`,
  })
  @IsOptional()
  @Type(() => Date)
  @IsDate()
  expiresAt?: Date | null;
}
