import { UsePipes } from '@nestjs/common';
import { Args, Mutation, Query, Resolver } from '@nestjs/graphql';
import { inputValidationPipe } from '../common/graphql/input-validation.pipe.js';
import { Public } from '../identity/public.decorator.js';
import { Roles } from '../identity/roles.decorator.js';
import { ConsistencyProofArgs, InclusionProofArgs } from './dto/proof.args.js';
import { LedgerService, type SignedCheckpoint } from './ledger.service.js';
import { LedgerCheckpoint, LedgerConsistencyProof, LedgerInclusionProof, LedgerPublicKey } from './models/ledger.model.js';

const toModel = (c: SignedCheckpoint): LedgerCheckpoint => ({
  treeSize: c.treeSize,
  rootHash: c.rootHash.toString('base64'),
  timestamp: c.timestamp,
  note: c.note,
});

/**
 * Integrity of the ledger, for auditors' tools and anyone holding an entry's index: checkpoints and
 * RFC 9162 proofs carry hashes only, so any signed-in principal may ask for them.
 */
@Resolver()
@UsePipes(inputValidationPipe())
export class LedgerResolver {
  constructor(private readonly ledger: LedgerService) {}

  @Query(() => LedgerCheckpoint, { description: 'The latest signed checkpoint (tree size, root hash, time, signed note).' })
  async ledgerCheckpoint(): Promise<LedgerCheckpoint> {
    return toModel(await this.ledger.latestCheckpoint());
  }

  @Query(() => LedgerInclusionProof, { description: 'RFC 9162 inclusion proof of entry `index` in the tree of size `treeSize`.' })
  async ledgerInclusionProof(@Args() { index, treeSize }: InclusionProofArgs): Promise<LedgerInclusionProof> {
    const proof = await this.ledger.inclusionProof(index, treeSize);
    return { leafHash: proof.leafHash.toString('base64'), hashes: proof.hashes.map((h) => h.toString('base64')) };
  }

  @Query(() => LedgerConsistencyProof, { description: 'RFC 9162 consistency proof from tree size `fromSize` to `toSize`.' })
  async ledgerConsistencyProof(@Args() { fromSize, toSize }: ConsistencyProofArgs): Promise<LedgerConsistencyProof> {
    return { hashes: (await this.ledger.consistencyProof(fromSize, toSize)).map((h) => h.toString('base64')) };
  }

  @Public()
  @Query(() => LedgerPublicKey, { description: 'The key that signs ledger checkpoints. Public.' })
  ledgerPublicKey(): LedgerPublicKey {
    return this.ledger.publicKey;
  }

  @Roles('auditor', 'admin')
  @Mutation(() => LedgerCheckpoint, { description: 'Signs a checkpoint of the ledger as it is now (on demand). Auditors and admins.' })
  async createLedgerCheckpoint(): Promise<LedgerCheckpoint> {
    return toModel(await this.ledger.createCheckpoint());
  }
}
