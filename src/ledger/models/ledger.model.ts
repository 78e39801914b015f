import { Field, GraphQLISODateTime, Int, ObjectType } from '@nestjs/graphql';

@ObjectType({
  description:
    'A signed tree head of the audit ledger: a C2SP tlog-checkpoint in a C2SP signed note, signed by the ledger key as a plain Ed25519 note signature (type 0x01) and a tlog-cosignature/v1 (type 0x04, with the signing time). Checkpoints signed before the 0x01 line was added carry only the cosignature.',
})
export class LedgerCheckpoint {
  @Field(() => Int, { description: 'Number of entries the checkpoint commits to.' })
  treeSize: number;

  @Field({ description: 'RFC 9162 Merkle tree root hash, standard base64.' })
  rootHash: string;

  @Field(() => GraphQLISODateTime, { description: 'When the ledger key signed the checkpoint (whole seconds, as signed).' })
  timestamp: Date;

  @Field({ description: "The signed checkpoint note; verify it with ledgerPublicKey.vkey (any C2SP signed-note verifier, e.g. Go's sumdb/note)." })
  note: string;
}

@ObjectType({ description: 'RFC 9162 inclusion proof of one entry in the tree of a given size.' })
export class LedgerInclusionProof {
  @Field({ description: "The entry's leaf hash, SHA-256(0x00 || canonical entry), standard base64." })
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
  @Field({ description: "Log name: the checkpoint origin line and the signature's key name." })
  origin: string;

  @Field({ description: 'C2SP signed-note verifier key of the ledger key: <name>+<key id>+base64(0x01 || Ed25519 public key). Give this to a verifier.' })
  vkey: string;

  @Field({
    description:
      'The same key as a tlog-cosignature/v1 verifier key: <name>+<key id>+base64(0x04 || Ed25519 public key). Checks the timestamped cosignature line, the only signature of checkpoints signed before the 0x01 line was added.',
  })
  cosignatureVkey: string;
}
