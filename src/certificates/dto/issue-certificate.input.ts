import { Field, ID, InputType } from '@nestjs/graphql';
import { Type } from 'class-transformer';
import { IsOptional, IsString, Matches, MaxLength, ValidateNested } from 'class-validator';
import { JsonScalar } from '../../common/scalars/json.scalar.js';
import { PurposeInput } from '../../exchange/dto/purpose.input.js';

@InputType({ description: 'Which certificate to issue, for whom, and the key that makes a retry return the same certificate.' })
export class IssueCertificateInput {
  @Field({ description: 'Certificate type code (schemas/certificates/), e.g. MARRIAGE_CERTIFICATE.' })
  @Matches(/^[A-Z][A-Z0-9_]{1,63}$/, { message: 'type must be a certificate type code like MARRIAGE_CERTIFICATE' })
  type: string;

  @Field({ description: "The holder's ID number (or unified social credit code for enterprise certificates)." })
  @IsString()
  @MaxLength(32)
  holder: string;

  @Field({ description: "The caller's key for this issuance (1-128 of A-Z a-z 0-9 . _ : -): the same key returns the same certificate." })
  @Matches(/^[A-Za-z0-9._:-]{1,128}$/, { message: 'idempotencyKey must be 1-128 letters, digits or . _ : -' })
  idempotencyKey: string;

  @Field(() => PurposeInput, {
    nullable: true,
    description:
      "The matter, case and the holder's consent, decided like a lookup's. A clerk always states one; the issuing department's system leaves it out only for a type built from its own data items alone.",
  })
  @IsOptional()
  @ValidateNested()
  @Type(() => PurposeInput)
  purpose?: PurposeInput | null;

  @Field(() => ID, { nullable: true, description: 'The certificate this one renews (same type and holder); the new one gets the next version.' })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  replaces?: string | null;

  @Field(() => JsonScalar, {
    nullable: true,
    description:
      'The holder\'s public key as a JWK, when their wallet has one: EC P-256 ({ kty: "EC", crv: "P-256", x, y }) or Ed25519 ({ kty: "OKP", crv: "Ed25519", x }). ' +
      'The SD-JWT VC is bound to it (cnf.jwk) and its presentations must carry a key-binding JWT signed by it. Public members only: a key with d (or any private member) is refused (HOLDER_KEY_NOT_PUBLIC).',
  })
  @IsOptional()
  holderKey?: unknown;
}
