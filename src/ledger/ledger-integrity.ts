import type { Logger } from '../logging/logger.js';
import { CheckpointError, hasLogKeySignature, parseCheckpoint, parseVkey, verifyCheckpoint, type ParsedVkey } from './checkpoint.js';
import { assembleProof, consistencyProofPlan, foldSubtrees, nodeKey, rootPlan, verifyConsistency, type NodeRef, type StoredNode } from './merkle.js';

/**
 * Why the stored ledger does not match what was signed. Each is something the append-only
 * triggers and grants cannot prevent: a database owner (or superuser) can disable triggers.
 */
export type LedgerInconsistency =
  /** Fewer entries are stored than the newest signed checkpoint covers: the tail was cut. */
  | 'TREE_SHORTER_THAN_CHECKPOINT'
  /** Fewer entries are stored than this gateway itself wrote. */
  | 'TREE_ROLLED_BACK'
  /** The newest stored checkpoint is older than one this gateway signed or checked: checkpoints were removed. */
  | 'CHECKPOINT_ROLLED_BACK'
  /** A stored checkpoint's note does not match its row, or its signature by the ledger key fails. */
  | 'CHECKPOINT_INVALID'
  /** The stored subtree nodes covering the newest checkpoint no longer hash to its root, or are missing. */
  | 'SUBTREE_MISMATCH'
  /** The stored tree does not extend the newest checkpoint (its consistency proof fails). */
  | 'NOT_CONSISTENT_WITH_CHECKPOINT';

/** Where an inconsistency was found. */
export type IntegrityCheckpoint = 'start-up' | 'append' | 'checkpoint' | 'readiness';

/** What an operator and an auditor see of a raised alarm: sizes and positions only, never entry content. */
export interface IntegrityAlarm {
  reason: LedgerInconsistency;
  where: IntegrityCheckpoint;
  detectedAt: Date;
  /** Entries stored when it was found. */
  storedSize: number;
  /** Size of the checkpoint the stored tree was compared with, when there was one. */
  checkpointSize: number | null;
  /** Leaf indexes signed before but missing now (first 50), for a cut tail. */
  missingIndexes: number[];
  description: string;
}

/** Thrown by the inspection; the writer turns it into the alarm. */
export class LedgerInconsistencyFound extends Error {
  constructor(
    readonly reason: LedgerInconsistency,
    message: string,
    readonly facts: { storedSize: number; checkpointSize: number | null; missingUpTo?: number },
  ) {
    super(message);
    this.name = 'LedgerInconsistencyFound';
  }
}

/** A signed checkpoint together with the stored perfect subtrees whose fold is its root (rootPlan(size)). */
export interface Anchor {
  size: number;
  root: Buffer;
  nodes: StoredNode[];
}

/** The stored state read under the append lock: entries, and the newest checkpoint (by tree size, as a number). */
export interface StoredHead {
  size: number;
  checkpoint: { size: number; root: Buffer; note: string } | null;
}

export interface InspectionExpectations {
  /**
   * The writer's own tree: the stored tree may have grown past it (another instance), never shrunk;
   * at that very size, the stored edge must be the frontier it left (when it still knows it).
   */
  written?: { size: number; frontier?: readonly Buffer[] };
  /** The newest checkpoint this gateway signed or checked. */
  anchor?: Anchor;
  /** The ledger's verifier key (either form): stored checkpoint notes must carry its valid signature. */
  vkey?: ParsedVkey;
}

export interface Inspected {
  size: number;
  /** Stored hashes of rootPlan(size), left to right: the frontier to append to. */
  frontier: Buffer[];
  root: Buffer;
  /** The newest stored checkpoint, checked against the stored tree. */
  newest: Anchor | null;
}

/**
 * Checks the stored tree against the newest checkpoint and against what this gateway knows
 * (RELIABILITY-AND-SECURITY §I 48), reading O(log n) nodes: the tree is not shorter than the
 * checkpoint or than this writer's own tree; the checkpoint's note matches its row and is signed;
 * the stored subtrees covering it still hash to its root; the stored tree extends it (RFC 9162
 * consistency proof from it to the current head, from stored nodes); and the stored edge of the
 * tree is the one this writer left. Throws LedgerInconsistencyFound.
 */
export async function inspectStoredTree(
  head: StoredHead,
  readNodeMap: (refs: NodeRef[]) => Promise<Map<string, Buffer>>,
  expected: InspectionExpectations,
): Promise<Inspected> {
  const { size, checkpoint } = head;
  const facts = { storedSize: size, checkpointSize: checkpoint?.size ?? null };
  const found = (reason: LedgerInconsistency, message: string, missingUpTo?: number) =>
    new LedgerInconsistencyFound(reason, message, { ...facts, missingUpTo });
  const { anchor, written, vkey } = expected;

  if (anchor && (!checkpoint || checkpoint.size < anchor.size)) {
    throw found(
      'CHECKPOINT_ROLLED_BACK',
      `the newest stored checkpoint (${checkpoint ? `size ${checkpoint.size}` : 'none'}) is older than the checkpoint of size ${anchor.size} this gateway signed or checked`,
      anchor.size,
    );
  }
  if (anchor && checkpoint && checkpoint.size === anchor.size && !checkpoint.root.equals(anchor.root)) {
    throw found('CHECKPOINT_INVALID', `the stored checkpoint of size ${anchor.size} has another root than the one this gateway signed or checked`);
  }
  if (written && size < written.size) {
    throw found('TREE_ROLLED_BACK', `${size} entries are stored, fewer than the ${written.size} this gateway wrote`, written.size);
  }
  if (checkpoint && size < checkpoint.size) {
    throw found(
      'TREE_SHORTER_THAN_CHECKPOINT',
      `${size} entries are stored, fewer than the ${checkpoint.size} the newest signed checkpoint covers`,
      checkpoint.size,
    );
  }
  if (checkpoint) {
    let parsed;
    try {
      parsed = parseCheckpoint(checkpoint.note);
    } catch (error) {
      if (!(error instanceof CheckpointError)) throw error;
      throw found('CHECKPOINT_INVALID', `the stored checkpoint of size ${checkpoint.size} has an unreadable note`);
    }
    if (parsed.treeSize !== checkpoint.size || !parsed.rootHash.equals(checkpoint.root)) {
      throw found('CHECKPOINT_INVALID', `the stored checkpoint of size ${checkpoint.size} does not match its signed note`);
    }
    // A note without a signature by the current key (in either form: the plain Ed25519 line, or
    // the cosignature line that checkpoints stored before it carry alone) was signed before a key
    // rotation: its contents are still checked against the tree below.
    if (vkey && hasLogKeySignature(parsed, vkey)) {
      try {
        verifyCheckpoint(checkpoint.note, vkey);
      } catch (error) {
        if (!(error instanceof CheckpointError)) throw error;
        throw found('CHECKPOINT_INVALID', `the stored checkpoint of size ${checkpoint.size} is not validly signed by the ledger key`);
      }
    }
  }

  const checkpointPlan = checkpoint ? rootPlan(checkpoint.size) : [];
  const headPlan = rootPlan(size);
  const proofPlan = checkpoint && checkpoint.size >= 1 && checkpoint.size < size ? consistencyProofPlan(checkpoint.size, size) : [];
  const nodes = await readNodeMap(dedupe([...checkpointPlan, ...headPlan, ...proofPlan.flat()]));
  const hashes = (plan: NodeRef[], what: string) =>
    plan.map((ref) => {
      const hash = nodes.get(nodeKey(ref));
      if (!hash) throw found('SUBTREE_MISMATCH', `the stored tree node ${nodeKey(ref)} (${what}) is missing`);
      return hash;
    });

  let newest: Anchor | null = null;
  if (checkpoint) {
    const covering = hashes(checkpointPlan, `covering checkpoint ${checkpoint.size}`);
    if (!foldSubtrees(covering).equals(checkpoint.root)) {
      throw found('SUBTREE_MISMATCH', `the stored subtrees covering the checkpoint of size ${checkpoint.size} no longer hash to its root`);
    }
    newest = { size: checkpoint.size, root: checkpoint.root, nodes: checkpointPlan.map((ref, i) => ({ ...ref, hash: covering[i]! })) };
  }
  const frontier = hashes(headPlan, 'at the edge of the tree');
  const root = foldSubtrees(frontier);
  if (checkpoint && proofPlan.length > 0) {
    const proof = assembleProof(proofPlan, nodes);
    if (!verifyConsistency(checkpoint.size, size, proof, checkpoint.root, root)) {
      throw found('NOT_CONSISTENT_WITH_CHECKPOINT', `the stored tree of ${size} entries does not extend the checkpoint of size ${checkpoint.size}`);
    }
  }
  const edge = written?.frontier;
  if (edge && written.size === size && (edge.length !== frontier.length || !frontier.every((hash, i) => hash.equals(edge[i]!)))) {
    throw found('SUBTREE_MISMATCH', `the stored subtrees at the edge of the tree (size ${size}) are not the ones this gateway wrote`);
  }
  return { size, frontier, root, newest };
}

function dedupe(refs: NodeRef[]): NodeRef[] {
  const seen = new Map<string, NodeRef>();
  for (const ref of refs) seen.set(nodeKey(ref), ref);
  return [...seen.values()];
}

export function parsedVkey(vkey: string | undefined): ParsedVkey | undefined {
  return vkey === undefined ? undefined : parseVkey(vkey);
}

/**
 * The integrity alarm. Raised once, it stays until the process restarts (the check at start-up
 * runs again then): appends are refused, readiness answers 503 with `ledger: "inconsistent"`, and
 * auditors see a LEDGER_INCONSISTENT flag. Logged at `fatal`, with sizes only.
 */
export class LedgerIntegrity {
  private raised?: IntegrityAlarm;

  constructor(private readonly logger: Logger) {}

  get alarm(): IntegrityAlarm | undefined {
    return this.raised;
  }

  raise(found: LedgerInconsistencyFound, where: IntegrityCheckpoint): IntegrityAlarm {
    if (this.raised) return this.raised;
    const { storedSize, checkpointSize, missingUpTo = storedSize } = found.facts;
    const missingIndexes: number[] = [];
    for (let i = storedSize; i < missingUpTo && missingIndexes.length < 50; i++) missingIndexes.push(i);
    this.raised = { reason: found.reason, where, detectedAt: new Date(), storedSize, checkpointSize, missingIndexes, description: found.message };
    this.logger.fatal(
      { alarm: 'LEDGER_INCONSISTENT', reason: found.reason, where, storedSize, checkpointSize },
      `audit ledger integrity alarm: ${found.message}; appends are refused until the ledger is restored`,
    );
    return this.raised;
  }
}
