import { Extensions, Field, GraphQLISODateTime, ID, Int, ObjectType, registerEnumType } from '@nestjs/graphql';
import { JsonScalar } from '../../common/scalars/json.scalar.js';

export enum CertificateStatusValue {
  VALID = 'VALID',
  REVOKED = 'REVOKED',
  SUSPENDED = 'SUSPENDED',
  EXPIRED = 'EXPIRED',
}
registerEnumType(CertificateStatusValue, { name: 'CertificateStatus', description: 'A certificate as its status list and validity say now.' });

@ObjectType({ description: 'A department that issues certificates.' })
export class CertificateIssuer {
  @Field({ description: 'Department code, e.g. CIVIL_AFFAIRS.' })
  code: string;

  @Field()
  name: string;

  @Field({ description: 'Unified social credit code (the issuer code of identifiers).' })
  creditCode: string;
}

@ObjectType({ description: 'A registered electronic certificate: signed by its issuing department, verifiable online and offline.' })
export class Certificate {
  @Field(() => ID)
  id: string;

  @Field({ description: 'GB/T 36904-style identifier: 1.2.156.3005.2.{type code}.{issuer code}.{serial}.{version}.{check}.' })
  identifier: string;

  @Field({ description: 'Certificate type code, e.g. MARRIAGE_CERTIFICATE.' })
  type: string;

  @Field()
  typeName: string;

  @Field({ description: "The holder's ID number or unified social credit code." })
  holder: string;

  @Field(() => CertificateIssuer)
  issuer: CertificateIssuer;

  @Field(() => Int, { description: '1 for a first issue; higher for a renewal.' })
  version: number;

  @Field(() => ID, { nullable: true, description: 'The certificate this one renews.' })
  replaces: string | null;

  @Field(() => CertificateStatusValue)
  status: CertificateStatusValue;

  @Field(() => String, { nullable: true, description: 'Why it was revoked, suspended or reinstated.' })
  statusReason: string | null;

  @Field(() => GraphQLISODateTime, { nullable: true })
  statusChangedAt: Date | null;

  @Field(() => GraphQLISODateTime)
  issuedAt: Date;

  @Field(() => GraphQLISODateTime, { nullable: true, description: 'Null: no expiry.' })
  validUntil: Date | null;

  @Field(() => JsonScalar, { description: 'The claims (credentialSubject without its id).' })
  claims: Record<string, unknown>;

  // Query cost: kilobytes each (the signing chain inside).
  @Extensions({ cost: 10 })
  @Field({ description: 'The W3C Verifiable Credential 2.0 as a compact JWS (typ vc+jwt, ES256, kid, x5c).' })
  credential: string;

  @Extensions({ cost: 10 })
  @Field({ description: 'The SD-JWT VC (typ dc+sd-jwt) with every disclosure; present a subset with certificatePresentation.' })
  sdJwt: string;

  @Field(() => JsonScalar, {
    nullable: true,
    description: "The holder's public key (JWK) the SD-JWT VC is bound to (cnf.jwk); null when it is not holder-bound.",
  })
  holderKey: Record<string, unknown> | null;

  @Field({ description: 'The public verification link the QR code opens.' })
  verificationUrl: string;

  // Query cost: drawn for each certificate asked for.
  @Extensions({ cost: 50 })
  @Field({ description: 'QR code of verificationUrl, as an SVG document.' })
  qrSvg: string;
}
