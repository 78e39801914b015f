import { Field, InputType } from '@nestjs/graphql';
import { IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import { CASE_NUMBER_MESSAGE, CASE_NUMBER_PATTERN } from '../../common/identifiers/case-number.js';

/** Why a lookup is made. Every `citizen` and `enterprise` lookup carries one; the ledger records it. */
@InputType({ description: 'Why a lookup is made: the matter, the case, and the consent it relies on.' })
export class PurposeInput {
  @Field({ description: 'Matter code from the catalog (`matters`), e.g. HOUSE_TRANSFER. An unknown matter reads nothing.' })
  @Matches(/^[A-Z][A-Z0-9_]{0,63}$/, { message: 'matter must be a matter code like HOUSE_TRANSFER' })
  matter: string;

  @Field(() => String, {
    nullable: true,
    description:
      "The hall's or department's case number (受理编号). Required for clerks and department systems; optional for a citizen reading their own data.",
  })
  @IsOptional()
  @Matches(CASE_NUMBER_PATTERN, { message: CASE_NUMBER_MESSAGE })
  caseNumber?: string | null;

  @Field(() => String, {
    nullable: true,
    description: "The citizen's consent: a grant id (`ConsentGrant.id`) or the signed consent token the citizen shows as a QR code.",
  })
  @IsOptional()
  @IsString()
  @MaxLength(4096)
  consent?: string | null;
}
