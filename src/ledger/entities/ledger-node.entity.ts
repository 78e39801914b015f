import { Check, Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * A perfect subtree of the ledger's Merkle tree (level ≥ 1; level 0 is `ledger_entry.leaf_hash`):
 * the node covering leaves [nodeIndex·2^level, (nodeIndex+1)·2^level). Written once, when the
 * batch that completes it commits, so any proof is answered with one read of O(log n) rows.
 */
@Entity({ name: 'ledger_node' })
@Check('ledger_node_check', `"level" BETWEEN 1 AND 62 AND "node_index" >= 0 AND octet_length("hash") = 32`)
export class LedgerNodeEntity {
  @PrimaryColumn({ type: 'smallint' })
  level: number;

  @PrimaryColumn({ name: 'node_index', type: 'bigint' })
  nodeIndex: string;

  @Column({ type: 'bytea' })
  hash: Buffer;
}
