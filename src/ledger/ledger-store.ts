import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import type { StoredHead } from './ledger-integrity.js';
import { nodeKey, type NodeRef } from './merkle.js';

/**
 * The ledger store's statements on `onegate.ledger_entry`, `ledger_node` and `ledger_checkpoint`
 * besides the append itself (LedgerWriter's, under the append lock): the tree's size and stored
 * hashes, the checkpoints. Functions over a Queryable, because the writer runs them on its locked
 * connection and LedgerService on its reader pool. The ledger's tables are written nowhere else;
 * auditors' queries of the entries are AuditEntryRepository's (read-only).
 */
export interface Queryable {
  query<R extends pg.QueryResultRow>(text: string, values?: unknown[]): Promise<pg.QueryResult<R>>;
}

/** A stored checkpoint: a signed note and what it signs. */
export interface StoredCheckpoint {
  treeSize: number;
  rootHash: Buffer;
  signedAt: Date;
  note: string;
}

/**
 * The stored size and newest checkpoint in one statement. `tree_size` in ORDER BY is qualified so
 * it is the bigint column, not the text output column of the same name.
 */
export const READ_STORED_HEAD = `SELECT (SELECT coalesce(max(leaf_index) + 1, 0) FROM onegate.ledger_entry)::text AS size,
    c.tree_size::text AS checkpoint_size, c.root_hash AS checkpoint_root, c.note AS checkpoint_note
  FROM (SELECT) AS one
  LEFT JOIN LATERAL (
    SELECT tree_size, root_hash, note FROM onegate.ledger_checkpoint
     ORDER BY ledger_checkpoint.tree_size DESC, ledger_checkpoint.signed_at DESC LIMIT 1
  ) AS c ON true`;

export interface StoredHeadRow {
  size: string;
  checkpoint_size: string | null;
  checkpoint_root: Buffer | null;
  checkpoint_note: string | null;
}

export function storedHead(row: StoredHeadRow): StoredHead {
  return {
    size: Number(row.size),
    checkpoint: row.checkpoint_size === null ? null : { size: Number(row.checkpoint_size), root: row.checkpoint_root!, note: row.checkpoint_note! },
  };
}

/** The number of entries: one past the highest leaf index (indexes are contiguous from 0). */
export async function readTreeSize(db: Queryable): Promise<number> {
  const { rows } = await db.query<{ size: string }>('SELECT coalesce(max(leaf_index) + 1, 0)::text AS size FROM onegate.ledger_entry');
  return Number(rows[0]!.size);
}

/** The tree's size and the newest checkpoint's size and signing time, in one read (the metrics read it at each scrape). */
export async function readLedgerState(db: Queryable): Promise<{ treeSize: number; checkpoint: { treeSize: number; signedAt: Date } | null }> {
  const { rows } = await db.query<{ size: string; checkpoint_size: string | null; signed_at: Date | null }>(
    `SELECT (SELECT coalesce(max(leaf_index) + 1, 0) FROM onegate.ledger_entry)::text AS size, c.tree_size::text AS checkpoint_size, c.signed_at
       FROM (SELECT 1) AS one
       LEFT JOIN LATERAL (SELECT tree_size, signed_at FROM onegate.ledger_checkpoint ORDER BY tree_size DESC, signed_at DESC LIMIT 1) AS c ON true`,
  );
  const row = rows[0]!;
  return {
    treeSize: Number(row.size),
    checkpoint: row.checkpoint_size === null || row.signed_at === null ? null : { treeSize: Number(row.checkpoint_size), signedAt: row.signed_at },
  };
}

/**
 * Hashes of perfect subtrees in one round trip: level 0 from the entries' leaf hashes, higher
 * levels from ledger_node. Throws if one is missing (a tree that does not add up is not served).
 */
export async function readNodes(db: Queryable, refs: NodeRef[]): Promise<Buffer[]> {
  const found = await readNodeMap(db, refs);
  return refs.map((ref) => {
    const hash = found.get(nodeKey(ref));
    if (!hash) throw new Error(`ledger tree node ${nodeKey(ref)} is missing`);
    return hash;
  });
}

export async function readNodeMap(db: Queryable, refs: NodeRef[]): Promise<Map<string, Buffer>> {
  const found = new Map<string, Buffer>();
  if (refs.length === 0) return found;
  const leaves = refs.filter((r) => r.level === 0).map((r) => String(r.index));
  const inner = refs.filter((r) => r.level > 0);
  // One round trip: the leaves' hashes (level 0) from the entries, the rest from ledger_node.
  const { rows } = await db.query<{ level: number; i: string; hash: Buffer }>(
    `SELECT 0::smallint AS level, e.leaf_index::text AS i, e.leaf_hash AS hash FROM onegate.ledger_entry e WHERE e.leaf_index = ANY($1::bigint[])
     UNION ALL
     SELECT n.level, n.node_index::text AS i, n.hash FROM onegate.ledger_node n
       JOIN unnest($2::smallint[], $3::bigint[]) AS want(level, node_index) USING (level, node_index)`,
    [leaves, inner.map((r) => r.level), inner.map((r) => String(r.index))],
  );
  for (const row of rows) found.set(nodeKey({ level: row.level, index: Number(row.i) }), row.hash);
  return found;
}

/** The newest stored checkpoint (largest tree, then latest signed), or null when none was signed yet. */
export async function readLatestCheckpoint(db: Queryable): Promise<StoredCheckpoint | null> {
  const { rows } = await db.query<{ tree_size: string; root_hash: Buffer; signed_at: Date; note: string }>(
    // Qualified: an unqualified `tree_size` would order by the text output column ("9" > "33").
    'SELECT tree_size::text, root_hash, signed_at, note FROM onegate.ledger_checkpoint ORDER BY ledger_checkpoint.tree_size DESC, ledger_checkpoint.signed_at DESC LIMIT 1',
  );
  const row = rows[0];
  return row ? { treeSize: Number(row.tree_size), rootHash: row.root_hash, signedAt: row.signed_at, note: row.note } : null;
}

/** The tree size of the newest stored checkpoint; -1 when none was signed yet. */
export async function readNewestCheckpointSize(db: Queryable): Promise<number> {
  const { rows } = await db.query<{ size: string }>('SELECT coalesce(max(tree_size), -1)::text AS size FROM onegate.ledger_checkpoint');
  return Number(rows[0]!.size);
}

/** Stores a signed checkpoint (the writer does, under the append lock, after checking the stored tree). */
export async function insertCheckpoint(db: Queryable, checkpoint: StoredCheckpoint): Promise<void> {
  await db.query('INSERT INTO onegate.ledger_checkpoint (id, tree_size, root_hash, signed_at, note) VALUES ($1, $2, $3, $4, $5)', [
    randomUUID(),
    checkpoint.treeSize,
    checkpoint.rootHash,
    checkpoint.signedAt,
    checkpoint.note,
  ]);
}
