import { Field, GraphQLISODateTime, ObjectType } from '@nestjs/graphql';

@ObjectType({ description: 'A link to a presentation of a certificate disclosing only the claims the holder chose, for a QR code: /verify?p=<ref>.' })
export class PresentationLink {
  @Field({ description: 'The public verification page of the presentation.' })
  url: string;

  @Field(() => GraphQLISODateTime, { description: 'When the link stops working (PRESENTATION_LINK_TTL_SECONDS after it was made).' })
  expiresAt: Date;

  @Field({ description: 'The link as a QR code (an SVG document).' })
  qrSvg: string;

  @Field(() => [String], { description: 'The claims the presentation discloses.' })
  disclosed: string[];
}
