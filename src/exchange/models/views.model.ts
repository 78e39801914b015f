import { Field, GraphQLISODateTime, Int, ObjectType } from '@nestjs/graphql';
import { CreditCodeScalar } from '../../common/scalars/credit-code.scalar.js';
import { IdNumberScalar } from '../../common/scalars/id-number.scalar.js';
import type { ExchangeView } from '../exchange.service.js';

@ObjectType({ description: 'The ledger entry that records a lookup: where to find it and prove it (inclusionProof) later.' })
export class LedgerEntryRef {
  @Field(() => Int, { description: 'Leaf index in the ledger.' })
  index: number;

  @Field({ description: 'Leaf hash, standard base64.' })
  leafHash: string;

  @Field(() => GraphQLISODateTime)
  at: Date;
}

/** The reference of a lookup's ledger entry. */
export function ledgerEntryRef(view: ExchangeView): LedgerEntryRef {
  return { index: view.entry.index, leafHash: view.entry.leafHash.toString('base64'), at: view.entry.at };
}

/**
 * A citizen as one lookup sees them: one nullable field per data item about persons, each made from
 * the item's catalog entry (item-views.ts). A field the purpose does not allow is null with a
 * FORBIDDEN error at its path (reason in `extensions.reason`); a department that fails gives null
 * with a DEPARTMENT_* error naming it; the other fields still arrive.
 */
@ObjectType({ description: 'A citizen as one purpose-bound lookup sees them. Each field is one data item, fetched only when selected and allowed.' })
export class CitizenView {
  @Field(() => IdNumberScalar)
  idNumber: string;

  /** The lookup behind the fields (not in the schema). */
  view: ExchangeView;
}

/** An enterprise as one lookup sees it: one nullable field per data item about enterprises, as for CitizenView. */
@ObjectType({ description: 'An enterprise as one purpose-bound lookup sees it.' })
export class EnterpriseView {
  @Field(() => CreditCodeScalar)
  creditCode: string;

  /** The lookup behind the fields (not in the schema). */
  view: ExchangeView;
}
