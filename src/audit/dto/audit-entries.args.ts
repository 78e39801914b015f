import { ArgsType, Field, GraphQLISODateTime, InputType, Int } from '@nestjs/graphql';
import { IsDate, IsIn, IsInt, IsOptional, IsString, Length, Matches, Min, ValidateNested } from 'class-validator';
import { Type } from 'class-transformer';
import { LEDGER_ENTRY_KINDS, LEDGER_OUTCOMES } from '../../ledger/ledger-entry.js';
import { LedgerEntryKind, LedgerOutcome } from '../models/audit-entry.model.js';

/**
 * Filter text is compared with stored codes and identifiers, none of which holds a control
 * character; PostgreSQL text cannot hold U+0000 at all, and the filter is recorded in the ledger.
 */
const NO_CONTROL_CHARACTERS = /^[^\u0000-\u001f\u007f]*$/;
const NO_CONTROL_CHARACTERS_MESSAGE = '$property must not contain control characters';

/** Page sizes: `first` or `last` above the maximum is clamped to it (RELIABILITY-AND-SECURITY §A 5). */
export const PAGE_SIZE = { default: 20, max: 100 } as const;

/**
 * Relay cursor connection arguments: forward with `first` (and `after`, the previous page's
 * endCursor), backward with `last` (and `before`, the next page's startCursor). `first` and `last`
 * together are refused; with neither, a page of the default size, backward when only `before` is given.
 */
@ArgsType()
export class PageArgs {
  @Field(() => Int, {
    nullable: true,
    description: `Page size paging forward, default ${PAGE_SIZE.default}; larger values are clamped to ${PAGE_SIZE.max}. Not with \`last\`.`,
  })
  @IsOptional()
  @IsInt()
  @Min(1)
  first?: number | null;

  @Field(() => String, { nullable: true, description: 'Entries after this cursor (older): the endCursor of the page before.' })
  @IsOptional()
  @IsString()
  @Length(1, 64)
  after?: string | null;

  @Field(() => Int, {
    nullable: true,
    description: `Page size paging backward: the last entries before \`before\` (newer ones); larger values are clamped to ${PAGE_SIZE.max}. Not with \`first\`.`,
  })
  @IsOptional()
  @IsInt()
  @Min(1)
  last?: number | null;

  @Field(() => String, { nullable: true, description: 'Entries before this cursor (newer): the startCursor of the page after.' })
  @IsOptional()
  @IsString()
  @Length(1, 64)
  before?: string | null;
}

@InputType({ description: 'Every field narrows the result; all are optional. Entries come newest first.' })
export class AuditEntryFilter {
  @Field(() => String, { nullable: true, description: 'ID number, credit code or certificate identifier the entry is about.' })
  @IsOptional()
  @IsString()
  @Length(1, 256)
  @Matches(NO_CONTROL_CHARACTERS, { message: NO_CONTROL_CHARACTERS_MESSAGE })
  subject?: string | null;

  @Field(() => String, { nullable: true, description: "The acting principal's id (a clerk's or system's `sub`)." })
  @IsOptional()
  @IsString()
  @Length(1, 256)
  @Matches(NO_CONTROL_CHARACTERS, { message: NO_CONTROL_CHARACTERS_MESSAGE })
  actor?: string | null;

  @Field(() => String, { nullable: true, description: 'Service hall code of the acting clerk.' })
  @IsOptional()
  @IsString()
  @Length(1, 64)
  @Matches(NO_CONTROL_CHARACTERS, { message: NO_CONTROL_CHARACTERS_MESSAGE })
  hall?: string | null;

  @Field(() => String, { nullable: true, description: 'A department that acted or was contacted.' })
  @IsOptional()
  @IsString()
  @Length(1, 64)
  @Matches(NO_CONTROL_CHARACTERS, { message: NO_CONTROL_CHARACTERS_MESSAGE })
  department?: string | null;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @IsString()
  @Length(1, 64)
  @Matches(NO_CONTROL_CHARACTERS, { message: NO_CONTROL_CHARACTERS_MESSAGE })
  matter?: string | null;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @IsString()
  @Length(1, 256)
  @Matches(NO_CONTROL_CHARACTERS, { message: NO_CONTROL_CHARACTERS_MESSAGE })
  caseNumber?: string | null;

  @Field(() => LedgerOutcome, { nullable: true })
  @IsOptional()
  @IsIn(LEDGER_OUTCOMES)
  outcome?: string | null;

  @Field(() => LedgerEntryKind, { nullable: true })
  @IsOptional()
  @IsIn(LEDGER_ENTRY_KINDS)
  kind?: string | null;

  @Field(() => GraphQLISODateTime, { nullable: true, description: 'Entries at or after this time.' })
  @IsOptional()
  @Type(() => Date)
  @IsDate()
  from?: Date | null;

  @Field(() => GraphQLISODateTime, { nullable: true, description: 'Entries before this time.' })
  @IsOptional()
  @Type(() => Date)
  @IsDate()
  to?: Date | null;
}

@ArgsType()
export class AuditEntriesArgs extends PageArgs {
  @Field(() => AuditEntryFilter, { nullable: true })
  @IsOptional()
  @ValidateNested()
  @Type(() => AuditEntryFilter)
  filter?: AuditEntryFilter | null;
}

@ArgsType()
export class AuditFlagsArgs {
  @Field(() => GraphQLISODateTime, { nullable: true, description: 'Start of the period; default 24 hours before `to`.' })
  @IsOptional()
  @Type(() => Date)
  @IsDate()
  from?: Date | null;

  @Field(() => GraphQLISODateTime, { nullable: true, description: 'End of the period; default now. At most 31 days after `from`.' })
  @IsOptional()
  @Type(() => Date)
  @IsDate()
  to?: Date | null;
}

/** Clamps `first` or `last` to the documented maximum. */
export function pageSize(size: number | null | undefined): number {
  return Math.min(size ?? PAGE_SIZE.default, PAGE_SIZE.max);
}
