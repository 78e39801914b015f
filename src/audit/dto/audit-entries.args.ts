import { ArgsType, Field, GraphQLISODateTime, InputType, Int } from '@nestjs/graphql';
import { IsDate, IsIn, IsInt, IsOptional, IsString, Length, Min, ValidateNested } from 'class-validator';
import { Type } from 'class-transformer';
import { LEDGER_ENTRY_KINDS, LEDGER_OUTCOMES } from '../ledger-entry.js';
import { LedgerEntryKind, LedgerOutcome } from '../models/audit-entry.model.js';

/** Page sizes: `first` above the maximum is clamped to it (RELIABILITY-AND-SECURITY §A 5). */
export const PAGE_SIZE = { default: 20, max: 100 } as const;

@ArgsType()
export class PageArgs {
  @Field(() => Int, { nullable: true, description: `Page size, default ${PAGE_SIZE.default}; larger values are clamped to ${PAGE_SIZE.max}.` })
  @IsOptional()
  @IsInt()
  @Min(1)
  first?: number;

  @Field(() => String, { nullable: true, description: 'endCursor of the previous page.' })
  @IsOptional()
  @IsString()
  @Length(1, 64)
  after?: string;
}

@InputType({ description: 'Every field narrows the result; all are optional. Entries come newest first.' })
export class AuditEntryFilter {
  @Field({ nullable: true, description: 'ID number, credit code or certificate identifier the entry is about.' })
  @IsOptional()
  @IsString()
  @Length(1, 256)
  subject?: string;

  @Field({ nullable: true, description: 'The acting principal\'s id (a clerk\'s or system\'s `sub`).' })
  @IsOptional()
  @IsString()
  @Length(1, 256)
  actor?: string;

  @Field({ nullable: true, description: 'Service hall code of the acting clerk.' })
  @IsOptional()
  @IsString()
  @Length(1, 64)
  hall?: string;

  @Field({ nullable: true, description: 'A department that acted or was contacted.' })
  @IsOptional()
  @IsString()
  @Length(1, 64)
  department?: string;

  @Field({ nullable: true })
  @IsOptional()
  @IsString()
  @Length(1, 64)
  matter?: string;

  @Field({ nullable: true })
  @IsOptional()
  @IsString()
  @Length(1, 256)
  caseNumber?: string;

  @Field(() => LedgerOutcome, { nullable: true })
  @IsOptional()
  @IsIn(LEDGER_OUTCOMES)
  outcome?: string;

  @Field(() => LedgerEntryKind, { nullable: true })
  @IsOptional()
  @IsIn(LEDGER_ENTRY_KINDS)
  kind?: string;

  @Field(() => GraphQLISODateTime, { nullable: true, description: 'Entries at or after this time.' })
  @IsOptional()
  @Type(() => Date)
  @IsDate()
  from?: Date;

  @Field(() => GraphQLISODateTime, { nullable: true, description: 'Entries before this time.' })
  @IsOptional()
  @Type(() => Date)
  @IsDate()
  to?: Date;
}

@ArgsType()
export class AuditEntriesArgs extends PageArgs {
  @Field(() => AuditEntryFilter, { nullable: true })
  @IsOptional()
  @ValidateNested()
  @Type(() => AuditEntryFilter)
  filter?: AuditEntryFilter;
}

@ArgsType()
export class AuditFlagsArgs {
  @Field(() => GraphQLISODateTime, { nullable: true, description: 'Start of the period; default 24 hours before `to`.' })
  @IsOptional()
  @Type(() => Date)
  @IsDate()
  from?: Date;

  @Field(() => GraphQLISODateTime, { nullable: true, description: 'End of the period; default now. At most 31 days after `from`.' })
  @IsOptional()
  @Type(() => Date)
  @IsDate()
  to?: Date;
}

@ArgsType()
export class InclusionProofArgs {
  @Field(() => Int)
  @IsInt()
  @Min(0)
  index: number;

  @Field(() => Int)
  @IsInt()
  @Min(1)
  treeSize: number;
}

@ArgsType()
export class ConsistencyProofArgs {
  @Field(() => Int)
  @IsInt()
  @Min(1)
  fromSize: number;

  @Field(() => Int)
  @IsInt()
  @Min(1)
  toSize: number;
}

/** Clamps `first` to the documented maximum. */
export function pageSize(first: number | undefined): number {
  return Math.min(first ?? PAGE_SIZE.default, PAGE_SIZE.max);
}

