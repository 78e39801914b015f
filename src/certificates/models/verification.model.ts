import { Field, ObjectType } from '@nestjs/graphql';
import { JsonScalar } from '../../common/scalars/json.scalar.js';

@ObjectType({ description: 'One of the three answers of a verification.' })
export class VerificationVerdict {
  @Field()
  ok: boolean;

  @Field(() => String, { nullable: true, description: 'Why it failed, as a stable code (e.g. BAD_SIGNATURE, REVOKED, ISSUER_NOT_AUTHORISED); null when ok.' })
  reason: string | null;

  @Field({ description: 'The answer in plain words.' })
  message: string;
}

@ObjectType()
export class StatusVerdict extends VerificationVerdict {
  @Field({ description: 'VALID, REVOKED, SUSPENDED, EXPIRED, NOT_YET_VALID or UNKNOWN.' })
  state: string;
}

@ObjectType()
export class IssuerVerdict extends VerificationVerdict {
  @Field(() => String, { nullable: true, description: 'The department whose key signed it.' })
  department: string | null;
}

@ObjectType({ description: 'Is this certificate genuine, in force, and from the department that may issue it?' })
export class CertificateVerification {
  @Field({ description: 'All three verdicts pass.' })
  valid: boolean;

  @Field(() => String, { nullable: true, description: 'vc+jwt or dc+sd-jwt.' })
  format: string | null;

  @Field(() => String, { nullable: true })
  identifier: string | null;

  @Field(() => String, { nullable: true })
  certificateType: string | null;

  @Field(() => VerificationVerdict, { description: 'Signature, and the signing certificate chains to the onegate root.' })
  integrity: VerificationVerdict;

  @Field(() => StatusVerdict, { description: 'Not revoked, suspended or expired.' })
  status: StatusVerdict;

  @Field(() => IssuerVerdict, { description: 'The signing department may issue this certificate type.' })
  issuer: IssuerVerdict;

  @Field(() => JsonScalar, { description: 'The disclosed claims (all of a vc+jwt; the chosen ones of an SD-JWT presentation).' })
  claims: Record<string, unknown>;

  @Field({
    description:
      "The SD-JWT VC is bound to its holder's key (cnf) and the presentation's key-binding JWT proved possession of it for the given audience and nonce. " +
      'False for unbound credentials (whoever holds them can present them) and when integrity fails.',
  })
  holderBound: boolean;
}
