import { Field, GraphQLISODateTime, InputType } from '@nestjs/graphql';
import { Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsDate, IsIn, IsOptional, IsString, Matches } from 'class-validator';
import { DEPARTMENT_CODES } from '../../common/departments.js';
import { MATTER_CODE } from '../../catalog/matter-definition.js';
import { HALL_CODE_PATTERN } from '../../identity/halls.js';
import { CASE_NUMBER_MESSAGE, CASE_NUMBER_PATTERN } from '../../common/identifiers/case-number.js';
import { IdNumberScalar } from '../../common/scalars/id-number.scalar.js';

/** Case numbers a consent may be limited to: a letter or digit, then letters, digits and `._/-`, at most 64. */

/** How long a consent lasts when the citizen does not say, and the longest it may last. */
export const CONSENT_VALIDITY = { defaultDays: 7, maxDays: 90 } as const;

/** Most halls one consent may name. */
export const CONSENT_MAX_HALLS = 20;

@InputType({
  description:
    'A consent to grant: the matter, optionally limited to one case, for the halls and/or departments named (hall, halls, departments), until expiresAt. ' +
    'Naming none makes a grant that covers nobody until its QR code is used at a window, which binds it to that hall.',
})
export class GrantConsentInput {
  @Field({ description: 'The matter code, e.g. HOUSE_TRANSFER.' })
  @IsString()
  @Matches(MATTER_CODE, { message: 'matter must be a matter code such as HOUSE_TRANSFER' })
  matter: string;

  @Field(() => IdNumberScalar, {
    nullable: true,
    description:
      'Gives the consent for someone else: your minor child (a newborn) or a deceased relative, for a matter that takes such consent. ' +
      'It covers their records only in a case where your relation to them is proven from department records.',
  })
  @IsOptional()
  @IsString()
  onBehalfOf?: string | null;

  @Field(() => String, { nullable: true, description: 'Limits the consent to this case number.' })
  @IsOptional()
  @IsString()
  @Matches(CASE_NUMBER_PATTERN, { message: CASE_NUMBER_MESSAGE })
  caseNumber?: string | null;

  @Field(() => String, { nullable: true, description: 'A service hall whose clerks the consent covers, e.g. LONGYOU-01 (the same as halls: [hall]).' })
  @IsOptional()
  @IsString()
  @Matches(HALL_CODE_PATTERN, { message: 'hall must be a known service hall code' })
  hall?: string | null;

  @Field(() => [String], { nullable: true, description: 'Service halls whose clerks the consent covers, e.g. ["LONGYOU-01"] (codes of serviceHalls).' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(CONSENT_MAX_HALLS)
  @IsString({ each: true })
  @Matches(HALL_CODE_PATTERN, { each: true, message: 'halls must be known service hall codes' })
  halls?: string[] | null;

  @Field(() => [String], { nullable: true, description: 'Departments whose systems the consent covers, e.g. ["NATURAL_RESOURCES"].' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(DEPARTMENT_CODES.length)
  @IsIn(DEPARTMENT_CODES, { each: true, message: 'departments must be department codes such as CIVIL_AFFAIRS' })
  departments?: string[] | null;

  @Field(() => GraphQLISODateTime, {
    nullable: true,
    description: `When the consent ends: in the future and at most ${CONSENT_VALIDITY.maxDays} days ahead; default ${CONSENT_VALIDITY.defaultDays} days.`,
  })
  @IsOptional()
  @Type(() => Date)
  @IsDate()
  expiresAt?: Date | null;
}
