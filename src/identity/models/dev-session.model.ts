import { Field, ObjectType } from '@nestjs/graphql';

@ObjectType('DevPersona', { description: 'A demo person the development sign-in can sign in as.' })
export class DevPersonaModel {
  @Field({ description: 'What devSignIn takes, e.g. CLERK_LONGYOU.' })
  code: string;

  @Field()
  label: string;

  @Field({ description: 'clerk, auditor, citizen, ...' })
  role: string;
}

@ObjectType({ description: 'An access token from the development issuer.' })
export class DevSession {
  @Field()
  token: string;

  @Field()
  expiresAt: Date;
}
