import { Field, GraphQLISODateTime, Int, ObjectType, registerEnumType } from '@nestjs/graphql';
import { JsonScalar } from '../../common/scalars/json.scalar.js';
import { LEDGER_ENTRY_KINDS, LEDGER_OUTCOMES, LEDGER_SUBJECT_KINDS, type LedgerEntryContent } from '../../ledger/ledger-entry.js';

const asEnum = <T extends string>(values: readonly T[]) => Object.fromEntries(values.map((v) => [v, v])) as { [K in T]: K };

export const LedgerEntryKind = asEnum(LEDGER_ENTRY_KINDS);
export const LedgerOutcome = asEnum(LEDGER_OUTCOMES);
export const LedgerSubjectKind = asEnum(LEDGER_SUBJECT_KINDS);
registerEnumType(LedgerEntryKind, { name: 'LedgerEntryKind', description: 'What a ledger entry records.' });
registerEnumType(LedgerOutcome, {
  name: 'LedgerOutcome',
  description: 'GRANTED: all asked items released; PARTIAL: some; DENIED: none by policy; FAILED: none because something broke.',
});
registerEnumType(LedgerSubjectKind, { name: 'LedgerSubjectKind' });

@ObjectType({ description: 'Who acted: a principal kind and id, and the hall or department they act for.' })
export class LedgerActorModel {
  @Field({ description: 'clerk, department, auditor, admin, citizen, system or public.' })
  kind: string;

  @Field()
  id: string;

  @Field(() => String, { nullable: true })
  hall: string | null;

  @Field(() => String, { nullable: true, description: "6-digit administrative division of the clerk's hall." })
  region: string | null;

  @Field(() => String, { nullable: true })
  department: string | null;
}

@ObjectType({ description: 'Whom an entry is about.' })
export class LedgerSubjectModel {
  @Field(() => LedgerSubjectKind)
  kind: string;

  @Field({ description: 'ID number, unified social credit code or certificate identifier.' })
  id: string;
}

@ObjectType({ description: 'One audit ledger entry (metadata only, never record data), with its place in the Merkle tree.' })
export class AuditEntry {
  @Field(() => Int, { description: "Leaf index in the ledger's Merkle tree." })
  index: number;

  @Field({ description: 'Leaf hash, SHA-256(0x00 || canonical entry), standard base64.' })
  leafHash: string;

  @Field(() => GraphQLISODateTime)
  at: Date;

  @Field(() => LedgerEntryKind)
  kind: string;

  @Field(() => LedgerActorModel)
  actor: LedgerActorModel;

  @Field(() => LedgerSubjectModel, { nullable: true })
  subject: LedgerSubjectModel | null;

  @Field(() => String, { nullable: true })
  matter: string | null;

  @Field(() => String, { nullable: true })
  caseNumber: string | null;

  @Field(() => String, { nullable: true })
  consentRef: string | null;

  @Field(() => [String])
  itemsGranted: string[];

  @Field(() => [String])
  itemsDenied: string[];

  @Field(() => [String], { description: 'Departments contacted.' })
  departments: string[];

  @Field(() => LedgerOutcome)
  outcome: string;

  @Field(() => String, { nullable: true, description: "The gateway's own id of the request (server-generated; the response's X-Request-Id)." })
  requestId: string | null;

  @Field(() => String, { nullable: true, description: "The X-Request-Id the client sent, as given (entries of version 2 on); not the ledger's id." })
  clientRequestId: string | null;

  @Field(() => String, { nullable: true })
  clientAddress: string | null;

  @Field({ description: 'Hidden from the citizen by law; visible to auditors.' })
  restricted: boolean;

  @Field(() => JsonScalar, { description: 'Further metadata (certificate identifier, what an admin changed...).' })
  detail: Record<string, unknown>;
}

export function toAuditEntry(index: number, leafHash: Buffer, content: LedgerEntryContent): AuditEntry {
  return {
    index,
    leafHash: leafHash.toString('base64'),
    at: new Date(content.at),
    kind: content.kind,
    actor: { ...content.actor },
    subject: content.subject ? { ...content.subject } : null,
    matter: content.matter,
    caseNumber: content.caseNumber,
    consentRef: content.consentRef,
    itemsGranted: content.itemsGranted,
    itemsDenied: content.itemsDenied,
    departments: content.departments,
    outcome: content.outcome,
    requestId: content.requestId,
    clientRequestId: content.clientRequestId ?? null,
    clientAddress: content.clientAddress,
    restricted: content.restricted,
    detail: content.detail,
  };
}
