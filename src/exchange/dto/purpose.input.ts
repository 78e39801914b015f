import { Field, ID, InputType } from '@nestjs/graphql';
import { IsOptional, IsString, IsUUID, Matches, MaxLength, ValidateIf } from 'class-validator';
import type { Purpose } from '../../access/purpose.js';
import { CASE_NUMBER_MESSAGE, CASE_NUMBER_PATTERN } from '../../common/identifiers/case-number.js';

/** Why a lookup is made. Every `citizen` and `enterprise` lookup carries one; the ledger records it. */
@InputType({
  description:
    'Why a lookup is made: the matter, the case number and the consent it relies on — or a case (opened with openCase), which states its matter and case number ' +
    'and finds the consent that covers the party looked up. State either matter or case.',
})
export class PurposeInput {
  @Field(() => String, {
    nullable: true,
    description: 'Matter code from the catalog (`matters`), e.g. HOUSE_TRANSFER. An unknown matter reads nothing. Required unless case is given.',
  })
  @ValidateIf((purpose: PurposeInput) => purpose.case === undefined || purpose.case === null)
  @Matches(/^[A-Z][A-Z0-9_]{0,63}$/, { message: 'state purpose.matter (a matter code like HOUSE_TRANSFER) or purpose.case (a case id)' })
  matter?: string | null;

  @Field(() => String, {
    nullable: true,
    description:
      "The hall's or department's case number (受理编号). Required for clerks and department systems without a case; optional for a citizen reading their own data.",
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

  @Field(() => ID, {
    nullable: true,
    description:
      'A case of your hall (`Case.id`) in place of matter and caseNumber: the subject must be one of its parties, and is read with the items, conditions, ' +
      'relation and consent of its role. The ledger entry names the case and the role.',
  })
  @IsOptional()
  @IsUUID('all', { message: 'purpose.case must be a case id (Case.id)' })
  case?: string | null;
}

/**
 * The purpose a resolver hands on. Under a case, the matter and case number are the case's (the
 * ones given beside it are ignored: the case says them).
 */
export function purposeOf(input: PurposeInput): Purpose;
export function purposeOf(input: PurposeInput | null | undefined): Purpose | null;
export function purposeOf(input: PurposeInput | null | undefined): Purpose | null {
  if (!input) return null;
  if (input.case) return { matter: '', caseNumber: null, consent: input.consent ?? null, case: input.case.toLowerCase() };
  return { matter: input.matter ?? '', caseNumber: input.caseNumber ?? null, consent: input.consent ?? null, case: null };
}
