import { Field, ObjectType } from '@nestjs/graphql';

@ObjectType({
  description:
    'Relay cursor connection paging: pass endCursor as `after` (with `first`) for the next page, startCursor as `before` (with `last`) for the previous one.',
})
export class PageInfo {
  @Field({ description: 'More entries follow (older): paging forward, beyond this page; paging backward (`last`), from the `before` cursor on.' })
  hasNextPage: boolean;

  @Field({
    description: 'More entries precede (newer): paging backward, beyond this page; paging forward, up to the `after` cursor (this is not the first page).',
  })
  hasPreviousPage: boolean;

  @Field(() => String, { nullable: true, description: 'Cursor of the first edge of the page; null when the page is empty.' })
  startCursor: string | null;

  @Field(() => String, { nullable: true, description: 'Cursor of the last edge of the page; null when the page is empty.' })
  endCursor: string | null;
}
