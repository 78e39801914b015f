import { Field, GraphQLISODateTime, Int, ObjectType } from '@nestjs/graphql';

@ObjectType({ description: 'A signed tree head of the audit ledger (C2SP tlog-checkpoint, timestamped Ed25519 cosignature by the ledger key).' })
export class LedgerCheckpoint {
  @Field(() => Int, { description: 'Number of entries the checkpoint commits to.' })
  treeSize: number;

  @Field({ description: 'RFC 9162 Merkle tree root hash, standard base64.' })
  rootHash: string;

  @Field(() => GraphQLISODateTime, { description: 'When the ledger key signed the checkpoint (whole seconds, as signed).' })
  timestamp: Date;

  @Field({ description: 'The signed checkpoint note; verify it with the key from ledgerPublicKey.' })
  note: string;
}

@ObjectType({ description: 'RFC 9162 inclusion proof of one entry in the tree of a given size.' })
export class LedgerInclusionProof {
  @Field({ description: 'The entry\'s leaf hash, SHA-256(0x00 || canonical entry), standard base64.' })
  leafHash: string;

  @Field(() => [String], { description: 'Audit path, leaf to root, standard base64.' })
  hashes: string[];
}

@ObjectType({ description: 'RFC 9162 consistency proof between two tree sizes.' })
export class LedgerConsistencyProof {
  @Field(() => [String], { description: 'Proof hashes, standard base64.' })
  hashes: string[];
}

@ObjectType({ description: 'The key that signs ledger checkpoints.' })
export class LedgerPublicKey {
  @Field({ description: 'Log name: the checkpoint origin line and the signature\'s key name.' })
  origin: string;

  @Field({ description: 'C2SP verifier key: <name>+<key id>+base64(0x04 || Ed25519 public key).' })
  vkey: string;
}
