import { Field, GraphQLISODateTime, ObjectType } from '@nestjs/graphql';

@ObjectType({ description: "A department's certificate issuing key (public parts only)." })
export class IssuingKey {
  @Field({ description: 'RFC 7638 thumbprint: the JOSE kid.' })
  kid: string;

  @Field()
  department: string;

  @Field({ description: 'ACTIVE (signs new certificates) or RETIRED (verifies until its certificate expires).' })
  state: string;

  @Field(() => GraphQLISODateTime)
  notBefore: Date;

  @Field(() => GraphQLISODateTime)
  notAfter: Date;

  @Field(() => GraphQLISODateTime)
  createdAt: Date;

  @Field(() => GraphQLISODateTime, { nullable: true })
  retiredAt: Date | null;

  @Field({ description: 'The X.509 certificate signed by the onegate root, PEM.' })
  certificatePem: string;
}
