import { Parent, ResolveField, Resolver } from '@nestjs/graphql';
import { CitizenView, EnterpriseView, LedgerEntryRef, ledgerEntryRef } from './models/views.model.js';

/** `ledgerEntry` of a citizen view: the lookup's own entry, written before the view was returned. */
@Resolver(() => CitizenView)
export class CitizenViewLedgerResolver {
  @ResolveField(() => LedgerEntryRef, { description: 'The ledger entry of this lookup (for a verification sheet, or an inclusion proof).' })
  ledgerEntry(@Parent() parent: CitizenView): LedgerEntryRef {
    return ledgerEntryRef(parent.view);
  }
}

/** `ledgerEntry` of an enterprise view. */
@Resolver(() => EnterpriseView)
export class EnterpriseViewLedgerResolver {
  @ResolveField(() => LedgerEntryRef, { description: 'The ledger entry of this lookup.' })
  ledgerEntry(@Parent() parent: EnterpriseView): LedgerEntryRef {
    return ledgerEntryRef(parent.view);
  }
}
