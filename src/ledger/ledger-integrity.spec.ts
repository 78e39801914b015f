import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { createHash, generateKeyPairSync } from 'node:crypto';
import { parseVkey, signCheckpoint, vkeyFor, type SignatureForm } from './checkpoint.js';
import { inspectStoredTree, LedgerInconsistencyFound, type InspectionExpectations, type StoredHead } from './ledger-integrity.js';
import { appendLeaves, foldSubtrees, nodeKey, rootPlan, type NodeRef } from './merkle.js';

const ORIGIN = 'onegate.test/ledger';
const key = generateKeyPairSync('ed25519');
const VKEY = parseVkey(vkeyFor(ORIGIN, key.publicKey));
const leaf = (i: number) => createHash('sha256').update(`leaf ${i}`).digest();

/** A stored tree of `size` leaves as the writer stores it: leaves (level 0) and every completed node. */
function storedTree(size: number): Map<string, Buffer> {
  const leaves = Array.from({ length: size }, (_, i) => leaf(i));
  const nodes = new Map<string, Buffer>(leaves.map((hash, index) => [nodeKey({ level: 0, index }), hash]));
  for (const node of appendLeaves(0, [], leaves).nodes) nodes.set(nodeKey(node), node.hash);
  return nodes;
}

const rootOf = (nodes: Map<string, Buffer>, size: number) => foldSubtrees(rootPlan(size).map((ref) => nodes.get(nodeKey(ref))!));

function head(nodes: Map<string, Buffer>, size: number, checkpointSize: number | null, signWith = key.privateKey, forms?: SignatureForm[]): StoredHead {
  if (checkpointSize === null) return { size, checkpoint: null };
  const root = rootOf(storedTree(checkpointSize), checkpointSize);
  const note = signCheckpoint({ origin: ORIGIN, treeSize: checkpointSize, rootHash: root, timestamp: 1_795_000_000 }, signWith, forms ? { forms } : {});
  return { size, checkpoint: { size: checkpointSize, root, note } };
}

const reader = (nodes: Map<string, Buffer>) => async (refs: NodeRef[]) =>
  new Map(refs.flatMap((ref) => (nodes.has(nodeKey(ref)) ? [[nodeKey(ref), nodes.get(nodeKey(ref))!]] : [])));

async function reasonOf(h: StoredHead, nodes: Map<string, Buffer>, expected: InspectionExpectations = { vkey: VKEY }): Promise<string | null> {
  try {
    await inspectStoredTree(h, reader(nodes), expected);
    return null;
  } catch (error) {
    if (error instanceof LedgerInconsistencyFound) return error.reason;
    throw error;
  }
}

describe('inspectStoredTree (RELIABILITY-AND-SECURITY §I 48)', () => {
  it('property: an untouched tree passes against any checkpoint of a size up to its own, and yields its frontier and root', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: 300 }), fc.integer({ min: 0, max: 300 }), async (a, b) => {
        const [checkpointSize, size] = a <= b ? [a, b] : [b, a];
        const nodes = storedTree(size);
        const inspected = await inspectStoredTree(head(nodes, size, checkpointSize), reader(nodes), { vkey: VKEY });
        expect(inspected.size).toBe(size);
        expect(inspected.root.equals(rootOf(nodes, size))).toBe(true);
        expect(inspected.newest?.size).toBe(checkpointSize);
      }),
      { numRuns: 200 },
    );
  });

  it('finds a tree shorter than the newest checkpoint, or than what the writer wrote', async () => {
    const nodes = storedTree(40);
    expect(await reasonOf(head(nodes, 40, 45), nodes)).toBe('TREE_SHORTER_THAN_CHECKPOINT');
    expect(await reasonOf(head(nodes, 40, 30), nodes, { written: { size: 44, frontier: [] } })).toBe('TREE_ROLLED_BACK');
  });

  it('finds checkpoints removed or replaced behind the gateway’s back', async () => {
    const nodes = storedTree(50);
    const anchor = { size: 48, root: rootOf(nodes, 48), nodes: [] };
    expect(await reasonOf(head(nodes, 50, 40), nodes, { anchor })).toBe('CHECKPOINT_ROLLED_BACK');
    expect(await reasonOf(head(nodes, 50, null), nodes, { anchor })).toBe('CHECKPOINT_ROLLED_BACK');
    expect(await reasonOf(head(nodes, 50, 48), nodes, { anchor: { ...anchor, root: leaf(999) } })).toBe('CHECKPOINT_INVALID');
  });

  it('finds a checkpoint row that does not match its note, or a note not signed by the ledger key', async () => {
    const nodes = storedTree(20);
    const good = head(nodes, 20, 16);
    expect(await reasonOf({ ...good, checkpoint: { ...good.checkpoint!, root: leaf(7) } }, nodes)).toBe('CHECKPOINT_INVALID');
    expect(await reasonOf({ ...good, checkpoint: { ...good.checkpoint!, size: 15 } }, nodes)).toBe('CHECKPOINT_INVALID');
    // Signed by another key under the ledger key's name and id: the signature fails.
    const note = good.checkpoint!.note;
    const forged = signCheckpoint(
      { origin: ORIGIN, treeSize: 16, rootHash: good.checkpoint!.root, timestamp: 1_795_000_000 },
      generateKeyPairSync('ed25519').privateKey,
    );
    const ourLine = note.split('\n').find((l) => l.startsWith('— '))!;
    const forgedSignature = forged
      .split('\n')
      .find((l) => l.startsWith('— '))!
      .split(' ')[2]!;
    const ourKeyIdAndSig = Buffer.from(ourLine.split(' ')[2]!, 'base64');
    const swapped = Buffer.concat([ourKeyIdAndSig.subarray(0, 4), Buffer.from(forgedSignature, 'base64').subarray(4)]).toString('base64');
    const tampered = note.replace(ourLine, `— ${ORIGIN} ${swapped}`);
    await expect(inspectStoredTree({ ...good, checkpoint: { ...good.checkpoint!, note: tampered } }, reader(nodes), { vkey: VKEY })).rejects.toThrow(
      /not validly signed by the ledger key/,
    );
  });

  it('accepts a stored checkpoint in either signature form (cosignature only, as stored before the Ed25519 line), and checks it', async () => {
    const nodes = storedTree(20);
    const legacy = head(nodes, 20, 16, key.privateKey, ['cosignature']);
    expect(legacy.checkpoint!.note.match(/\n\u2014 /g)).toHaveLength(1);
    expect(await reasonOf(legacy, nodes)).toBeNull();
    expect(await reasonOf(head(nodes, 20, 16, key.privateKey, ['ed25519']), nodes)).toBeNull();
    // The cosignature line under the ledger key's 0x04 key ID, signing another time than it says: caught.
    const line = legacy.checkpoint!.note.split('\n').find((l) => l.startsWith('\u2014 '))!;
    const bytes = Buffer.from(line.split(' ')[2]!, 'base64');
    bytes.writeBigUInt64BE(1_795_000_001n, 4);
    const tampered = legacy.checkpoint!.note.replace(line, `\u2014 ${ORIGIN} ${bytes.toString('base64')}`);
    expect(await reasonOf({ ...legacy, checkpoint: { ...legacy.checkpoint!, note: tampered } }, nodes)).toBe('CHECKPOINT_INVALID');
    // Signed by another key only (a key rotation): the note's contents are still checked against the tree.
    expect(await reasonOf(head(nodes, 20, 16, generateKeyPairSync('ed25519').privateKey, ['cosignature']), nodes)).toBeNull();
  });

  it('finds an edited or missing subtree under the checkpoint, an edited node on the consistency path, and an edge the writer did not leave', async () => {
    // Checkpoint 6, head 8: the checkpoint is (2,0) and (1,2); the proof from 6 to 8 also needs (1,3).
    const fresh = () => storedTree(8);
    const edited = fresh();
    edited.set(nodeKey({ level: 2, index: 0 }), leaf(100));
    expect(await reasonOf(head(edited, 8, 6), edited)).toBe('SUBTREE_MISMATCH');
    const missing = fresh();
    missing.delete(nodeKey({ level: 1, index: 2 }));
    expect(await reasonOf(head(missing, 8, 6), missing)).toBe('SUBTREE_MISMATCH');
    const onPath = fresh();
    onPath.set(nodeKey({ level: 1, index: 3 }), leaf(101));
    expect(await reasonOf(head(onPath, 8, 6), onPath)).toBe('NOT_CONSISTENT_WITH_CHECKPOINT');
    const clean = fresh();
    expect(await reasonOf(head(clean, 8, 6), clean, { vkey: VKEY, written: { size: 8, frontier: [leaf(102)] } })).toBe('SUBTREE_MISMATCH');
    expect(await reasonOf(head(clean, 8, 6), clean, { vkey: VKEY, written: { size: 8, frontier: [rootOf(clean, 8)] } })).toBeNull();
  });
});
