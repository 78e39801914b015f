import { Extensions, Field, GraphQLISODateTime, Int, ObjectType, registerEnumType } from '@nestjs/graphql';
import { AuditEntry, LedgerActorModel, LedgerEntryKind, LedgerOutcome } from './audit-entry.model.js';
import { PageInfo } from './page.model.js';

@ObjectType()
export class AuditEntryEdge {
  @Field()
  cursor: string;

  @Field(() => AuditEntry)
  node: AuditEntry;
}

@ObjectType({ description: 'Ledger entries, newest first.' })
export class AuditEntryConnection {
  // The page was counted where `first` was given (query cost).
  @Extensions({ listSize: 1 })
  @Field(() => [AuditEntryEdge])
  edges: AuditEntryEdge[];

  @Field(() => PageInfo)
  pageInfo: PageInfo;
}

@ObjectType({ description: "Who read a citizen's data: the hall or department, not the clerk's personal id." })
export class DataAccessor {
  @Field({ description: 'clerk, department, citizen or system.' })
  kind: string;

  @Field(() => String, { nullable: true, description: 'Service hall code, for a clerk.' })
  hall: string | null;

  @Field(() => String, { nullable: true, description: 'Service hall name, when the hall is known.' })
  hallName: string | null;

  @Field(() => String, { nullable: true, description: 'Department code, for a department system.' })
  department: string | null;
}

@ObjectType({ description: "One access to the citizen's data, as the citizen sees it." })
export class DataAccess {
  @Field(() => Int, { description: 'Leaf index in the ledger (for an inclusion proof).' })
  index: number;

  @Field({ description: 'Leaf hash, standard base64.' })
  leafHash: string;

  @Field(() => GraphQLISODateTime)
  at: Date;

  @Field(() => LedgerEntryKind)
  kind: string;

  @Field(() => String, { nullable: true, description: 'The matter (purpose) the data was read for.' })
  matter: string | null;

  @Field(() => String, { nullable: true })
  caseNumber: string | null;

  @Field(() => String, { nullable: true, description: 'The case (Case.id) the data was read for, when read under one.' })
  caseId: string | null;

  @Field(() => String, {
    nullable: true,
    description: "The citizen's role in that case, e.g. CO_OWNER; for a relation check, the role whose relation was judged.",
  })
  partyRole: string | null;

  @Field(() => [String], { description: 'Data items released.' })
  items: string[];

  @Field(() => LedgerOutcome)
  outcome: string;

  @Field(() => DataAccessor)
  accessor: DataAccessor;
}

@ObjectType()
export class DataAccessEdge {
  @Field()
  cursor: string;

  @Field(() => DataAccess)
  node: DataAccess;
}

@ObjectType({ description: "Accesses to the citizen's data, newest first." })
export class DataAccessConnection {
  @Extensions({ listSize: 1 })
  @Field(() => [DataAccessEdge])
  edges: DataAccessEdge[];

  @Field(() => PageInfo)
  pageInfo: PageInfo;
}

export enum AuditFlagKind {
  MANY_SUBJECTS = 'MANY_SUBJECTS',
  OUTSIDE_OPENING_HOURS = 'OUTSIDE_OPENING_HOURS',
  REPEATED_DENIALS = 'REPEATED_DENIALS',
  LEDGER_INCONSISTENT = 'LEDGER_INCONSISTENT',
}
registerEnumType(AuditFlagKind, {
  name: 'AuditFlagKind',
  description:
    'MANY_SUBJECTS: one actor read many different citizens in one window; OUTSIDE_OPENING_HOURS: a clerk acted while the hall was closed; REPEATED_DENIALS: one actor was denied repeatedly in one window; LEDGER_INCONSISTENT: the integrity alarm — the stored ledger is shorter than, or does not extend, a signed checkpoint (rolled back or edited), and the gateway refuses to append until it is restored.',
});

@ObjectType({ description: 'An unusual pattern of access an auditor should look at.' })
export class AuditFlag {
  @Field(() => AuditFlagKind)
  kind: AuditFlagKind;

  @Field(() => LedgerActorModel)
  actor: LedgerActorModel;

  @Field(() => GraphQLISODateTime)
  windowStart: Date;

  @Field(() => GraphQLISODateTime)
  windowEnd: Date;

  @Field(() => Int, { description: 'Distinct citizens, entries outside hours, or denials, by kind.' })
  count: number;

  @Field(() => [Int], { description: 'Ledger indexes of the entries involved (the first 50).' })
  entryIndexes: number[];

  @Field()
  description: string;
}
