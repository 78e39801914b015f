import { Check, Column, Entity, Index, PrimaryColumn } from 'typeorm';

/** A signed tree head: the C2SP checkpoint note the ledger key signed for `treeSize`. */
@Entity({ name: 'ledger_checkpoint' })
@Check('ledger_checkpoint_check', `"tree_size" >= 0 AND octet_length("root_hash") = 32`)
@Index('ledger_checkpoint_latest_idx', ['treeSize', 'signedAt'])
export class LedgerCheckpointEntity {
  @PrimaryColumn({ type: 'uuid' })
  id: string;

  @Column({ name: 'tree_size', type: 'bigint' })
  treeSize: string;

  @Column({ name: 'root_hash', type: 'bytea' })
  rootHash: Buffer;

  @Column({ name: 'signed_at', type: 'timestamptz' })
  signedAt: Date;

  @Column({ type: 'text' })
  note: string;
}
