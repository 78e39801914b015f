import { Extensions, Field, GraphQLISODateTime, ID, ObjectType, registerEnumType } from '@nestjs/graphql';
import { PageInfo } from '../../audit/models/page.model.js';
import { MaterialStatus } from '../../certificates/models/material-status.model.js';
import { CreditCodeScalar } from '../../common/scalars/credit-code.scalar.js';
import { IdNumberScalar } from '../../common/scalars/id-number.scalar.js';
import type { CasePartyRow, StoredCase } from '../case.repository.js';

export enum CaseStatus {
  OPEN = 'OPEN',
  CLOSED = 'CLOSED',
}
registerEnumType(CaseStatus, { name: 'CaseStatus', description: 'OPEN while the hall works on it; CLOSED reads nothing more.' });

export enum RelationStatus {
  /** The records show the relation. */
  PROVEN = 'PROVEN',
  /** The records do not show it: the party's records are not read. */
  NOT_PROVEN = 'NOT_PROVEN',
  /** A department holding the facts did not answer; judged again when the case is read. */
  UNVERIFIED = 'UNVERIFIED',
  /** The party it relates to is not in the case yet. */
  AWAITING_PARTY = 'AWAITING_PARTY',
  /** The role needs no relation. */
  NOT_REQUIRED = 'NOT_REQUIRED',
}
registerEnumType(RelationStatus, { name: 'RelationStatus', description: "What the records say of a party's relation to another party of the case." });

export enum PartyConsentStatus {
  /** A grant covers the party in this case (the party's own, or a related party's on its behalf). */
  GIVEN = 'GIVEN',
  /** No grant covers the party: its records are not read. */
  MISSING = 'MISSING',
  /** The covering grant has expired. */
  EXPIRED = 'EXPIRED',
  /** The covering grant was revoked. */
  REVOKED = 'REVOKED',
  /** The role needs no consent (an enterprise). */
  NOT_REQUIRED = 'NOT_REQUIRED',
}
registerEnumType(PartyConsentStatus, {
  name: 'PartyConsentStatus',
  description: "Whether a party's records may be read under the case as far as consent goes.",
});

@ObjectType({ description: "The relation a party's role needs to another party, as the records show it (never the records themselves)." })
export class PartyRelation {
  @Field({ description: 'PARENT_OF, SPOUSE_OF, CO_OWNER_OF, NEXT_OF_KIN_OF or LEGAL_REPRESENTATIVE_OF.' })
  type: string;

  @Field({ description: 'The role of the other party.' })
  to: string;

  @Field(() => RelationStatus)
  status: RelationStatus;
}

@ObjectType({ description: "The consent that covers a party's records in the case." })
export class PartyConsent {
  @Field(() => PartyConsentStatus)
  status: PartyConsentStatus;

  @Field(() => ID, { nullable: true, description: 'The covering grant (a ConsentGrant id).' })
  grantId: string | null;

  @Field(() => String, {
    nullable: true,
    description: 'The role of the party who gave it, when another party gave it on this one’s behalf (a parent, a next of kin).',
  })
  byRole: string | null;

  @Field(() => GraphQLISODateTime, { nullable: true })
  expiresAt: Date | null;
}

@ObjectType({ description: 'A person or enterprise in a case, in one of the roles its matter declares.' })
export class CaseParty {
  @Field({ description: 'The role, e.g. MOTHER.' })
  role: string;

  @Field({ description: 'The role in English, e.g. Mother.' })
  roleName: string;

  @Field(() => String, { nullable: true, description: 'The role in Chinese, e.g. 母亲.' })
  roleNameZh: string | null;

  @Field({ description: 'The role whose records the matter is about (the newborn, the seller, the deceased, the enterprise).' })
  subject: boolean;

  @Field(() => IdNumberScalar, { nullable: true })
  idNumber: string | null;

  @Field(() => CreditCodeScalar, { nullable: true })
  creditCode: string | null;

  @Field(() => PartyRelation, { nullable: true, description: 'Null when the role needs no relation.' })
  relation: PartyRelation | null;

  @Field(() => GraphQLISODateTime)
  addedAt: Date;

  /** The case and the stored party behind the resolved fields (not in the schema). */
  found: StoredCase;
  row: CasePartyRow;
}

@ObjectType({ description: 'Someone the records imply for a role of the case who is not a party yet (add them with addParty).' })
export class SuggestedParty {
  @Field()
  role: string;

  @Field(() => IdNumberScalar, { nullable: true })
  idNumber: string | null;

  @Field(() => CreditCodeScalar, { nullable: true })
  creditCode: string | null;

  @Field({ description: 'The role whose records name them.' })
  fromRole: string;

  @Field({ description: 'The data item that names them, e.g. property.rights.' })
  fromItem: string;

  @Field({ description: 'Why, in English.' })
  reason: string;

  @Field({ description: 'Why, in Chinese.' })
  reasonZh: string;
}

@ObjectType({ description: "A material of the case's matter for one party (or for a role no party fills yet), and what covers it." })
export class CaseMaterial extends MaterialStatus {
  @Field(() => String, { nullable: true })
  nameZh: string | null;

  @Field({ description: 'The party role the material is about.' })
  role: string;

  @Field(() => IdNumberScalar, { nullable: true, description: 'The party, when the role has one.' })
  idNumber: string | null;

  @Field(() => CreditCodeScalar, { nullable: true })
  creditCode: string | null;
}

@ObjectType({ description: "A case (办件) at a hall's window: one matter, its parties, their records read under it, and what the applicant must still bring." })
export class Case {
  @Field(() => ID)
  id: string;

  @Field({ description: 'The hall’s case number (受理编号).' })
  caseNumber: string;

  @Field(() => CaseStatus)
  status: CaseStatus;

  @Field({ description: 'The service hall code.' })
  hall: string;

  @Field(() => GraphQLISODateTime)
  createdAt: Date;

  @Field(() => GraphQLISODateTime, { nullable: true })
  closedAt: Date | null;

  /** The stored case behind the resolved fields (not in the schema). */
  found: StoredCase;
}

@ObjectType()
export class CaseEdge {
  @Field()
  cursor: string;

  @Field(() => Case)
  node: Case;
}

@ObjectType({ description: "The hall's cases, newest first." })
export class CaseConnection {
  @Extensions({ listSize: 1 })
  @Field(() => [CaseEdge])
  edges: CaseEdge[];

  @Field(() => PageInfo)
  pageInfo: PageInfo;
}
