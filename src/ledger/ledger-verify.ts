import { CheckpointError, parseCheckpoint, verifyCheckpoint, type ParsedCheckpoint, type ParsedVkey, type SignatureForm } from './checkpoint.js';
import { entryLeafHash, LedgerEntryInvalidError, type LedgerEntryContent } from './ledger-entry.js';
import { EXPORT_FORMAT, type ExportHeader } from './ledger-export-format.js';
import { EMPTY_ROOT, HASH_SIZE, MerkleAccumulator, verifyInclusion } from './merkle.js';

/**
 * Offline verification of a ledger export (see ledger-export-format.ts), one line at a time so a
 * multi-million-entry export is checked in constant memory:
 *
 *  - every entry's leaf hash is recomputed from its content and compared with the stored one;
 *  - a complete export must hold entries 0, 1, 2, … exactly, and their Merkle root must be the
 *    one the log signed in the header's checkpoint (and in a saved `--checkpoint`, at its size);
 *  - a filtered export's entries must each carry an inclusion proof against the header checkpoint;
 *  - every checkpoint must be signed by the ledger's key.
 *
 * Tampering is reported as failures (the first one names the index and line); input that cannot
 * be read as an export at all throws LedgerExportInputError naming the line.
 */

/** The export (or a saved checkpoint) is not readable as such: not JSON, missing fields… (CLI exit 2). */
export class LedgerExportInputError extends Error {
  constructor(
    message: string,
    readonly line?: number,
  ) {
    super(line === undefined ? message : `line ${line}: ${message}`);
    this.name = 'LedgerExportInputError';
  }
}

export interface VerificationFailure {
  /** The ledger index the failure concerns, when it concerns one. */
  index?: number;
  /** The export line (1 = header), when the failure is on one. */
  line?: number;
  reason: string;
}

export interface CheckpointCheck {
  source: 'header' | 'saved';
  treeSize: number;
  /** Standard base64. */
  rootHash: string;
  /** POSIX seconds the log signed at (its cosignature's); null when the signature did not verify or the note has no cosignature. */
  timestamp: number | null;
  signatureVerified: boolean;
  /** The forms of the log key's signature that verified: `ed25519` (0x01 line), `cosignature` (0x04 line). */
  signedWith: SignatureForm[];
  /** Whether the entries reproduce this root (complete export) or prove into it (filtered); null if not checked. */
  matchesEntries: boolean | null;
}

export interface VerificationReport {
  ok: boolean;
  origin: string;
  complete: boolean;
  /** Entry lines read. */
  entries: number;
  /** The tree size the header names. */
  treeSize: number;
  /** Complete export: the root recomputed from the entries; filtered: the header checkpoint's root. Base64. */
  rootHash: string;
  checkpoints: CheckpointCheck[];
  firstFailure: VerificationFailure | null;
  /** The first failure of each kind (bounded), in the order found. */
  failures: VerificationFailure[];
}

export interface VerifyOptions {
  /** The ledger's verifier key, either form (0x01 or 0x04); every checkpoint must be signed by the key in either form. */
  vkey: ParsedVkey;
  /** A checkpoint note saved earlier (or later) to check the export against as well. */
  checkpoint?: string;
}

const MAX_FAILURES = 20;

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

function decodeHash(value: unknown): Buffer | null {
  if (typeof value !== 'string' || !BASE64.test(value)) return null;
  const bytes = Buffer.from(value, 'base64');
  return bytes.length === HASH_SIZE ? bytes : null;
}

function parseJsonLine(text: string, line: number): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new LedgerExportInputError('not valid JSON', line);
  }
  if (!isObject(value)) throw new LedgerExportInputError('not a JSON object', line);
  return value;
}

function parseHeader(text: string): ExportHeader {
  const value = parseJsonLine(text.replace(/^\uFEFF/, ''), 1);
  if (value.format !== EXPORT_FORMAT) throw new LedgerExportInputError(`not a ledger export header (format must be "${EXPORT_FORMAT}")`, 1);
  const { origin, treeSize, checkpoint, complete } = value;
  if (typeof origin !== 'string' || origin === '') throw new LedgerExportInputError('the header has no origin', 1);
  if (!Number.isSafeInteger(treeSize) || (treeSize as number) < 0) {
    throw new LedgerExportInputError('the header tree size is not a non-negative integer', 1);
  }
  if (typeof checkpoint !== 'string') throw new LedgerExportInputError('the header has no checkpoint', 1);
  if (typeof complete !== 'boolean') throw new LedgerExportInputError('the header does not say whether the export is complete', 1);
  return value as unknown as ExportHeader;
}

function parseNote(note: string, what: string, line?: number): ParsedCheckpoint {
  try {
    return parseCheckpoint(note);
  } catch (error) {
    if (error instanceof CheckpointError) throw new LedgerExportInputError(`${what} is not a checkpoint note: ${error.message}`, line);
    throw error;
  }
}

interface EntryLine {
  index: number;
  leafHash: Buffer;
  entry: LedgerEntryContent;
  inclusionProof?: Buffer[];
}

function parseEntryLine(text: string, line: number, needsProof: boolean): EntryLine {
  const value = parseJsonLine(text, line);
  const { index, entry } = value;
  if (!Number.isSafeInteger(index) || (index as number) < 0) throw new LedgerExportInputError('index is not a non-negative integer', line);
  const leafHash = decodeHash(value.leafHash);
  if (!leafHash) throw new LedgerExportInputError(`leafHash is not ${HASH_SIZE} bytes of standard base64`, line);
  if (!isObject(entry)) throw new LedgerExportInputError('entry is not a JSON object', line);
  if (!needsProof) return { index: index as number, leafHash, entry: entry as unknown as LedgerEntryContent };
  const proof = value.inclusionProof;
  if (!Array.isArray(proof)) throw new LedgerExportInputError('a filtered export needs an inclusionProof with each entry', line);
  const inclusionProof = proof.map(decodeHash);
  if (inclusionProof.some((hash) => hash === null)) {
    throw new LedgerExportInputError(`inclusionProof holds a value that is not ${HASH_SIZE} bytes of base64`, line);
  }
  return { index: index as number, leafHash, entry: entry as unknown as LedgerEntryContent, inclusionProof: inclusionProof as Buffer[] };
}

function leafHashOf(entry: LedgerEntryContent, line: number): Buffer {
  try {
    return entryLeafHash(entry);
  } catch (error) {
    if (error instanceof LedgerEntryInvalidError) throw new LedgerExportInputError(`entry cannot be hashed: ${error.message}`, line);
    throw error;
  }
}

const CUT_TAIL = 'the tail was cut or the export is short';
const range = (from: number, to: number) => (from === to ? `entry ${from}` : `entries ${from}..${to}`);

/** Verifies an export given as its lines (header first). Throws LedgerExportInputError for unreadable input. */
export async function verifyLedgerExport(lines: AsyncIterable<string> | Iterable<string>, options: VerifyOptions): Promise<VerificationReport> {
  const failures: VerificationFailure[] = [];
  const failedKinds = new Set<string>();
  /** Records a failure; for per-entry kinds only the first, so a rewritten ledger stays one line. */
  const fail = (failure: VerificationFailure, kind?: string) => {
    if (kind !== undefined) {
      if (failedKinds.has(kind)) return;
      failedKinds.add(kind);
    }
    if (failures.length < MAX_FAILURES) failures.push(failure);
  };

  const iterator = Symbol.asyncIterator in lines ? lines[Symbol.asyncIterator]() : (lines as Iterable<string>)[Symbol.iterator]();
  try {
    const first = await iterator.next();
    if (first.done) throw new LedgerExportInputError('the export is empty (expected a header line)');
    const header = parseHeader(first.value);

    // Checkpoints: signed by the ledger key, for this log, and not contradicting each other.
    const checkCheckpoint = (source: CheckpointCheck['source'], note: string, parsed: ParsedCheckpoint): CheckpointCheck => {
      const what = source === 'header' ? 'header checkpoint' : 'saved checkpoint';
      const check: CheckpointCheck = {
        source,
        treeSize: parsed.treeSize,
        rootHash: parsed.rootHash.toString('base64'),
        timestamp: null,
        signatureVerified: false,
        signedWith: [],
        matchesEntries: null,
      };
      try {
        const verified = verifyCheckpoint(note, options.vkey);
        check.timestamp = verified.timestamp;
        check.signedWith = verified.signedWith;
        check.signatureVerified = true;
      } catch (error) {
        if (!(error instanceof CheckpointError)) throw error;
        const reason = `${what} (size ${parsed.treeSize}): ${error.message}`;
        fail(source === 'header' ? { line: 1, reason } : { reason });
      }
      if (parsed.origin !== header.origin) fail({ reason: `${what} is for origin "${parsed.origin}", the export for "${header.origin}"` });
      return check;
    };
    const headerNote = parseNote(header.checkpoint, "the header's checkpoint", 1);
    const headerCheck = checkCheckpoint('header', header.checkpoint, headerNote);
    if (headerNote.treeSize !== header.treeSize) {
      fail({ line: 1, reason: `the header names tree size ${header.treeSize} but its checkpoint signs size ${headerNote.treeSize}` });
    }
    const checks = [headerCheck];

    let savedNote: ParsedCheckpoint | null = null;
    let savedCheck: CheckpointCheck | null = null;
    if (options.checkpoint !== undefined) {
      savedNote = parseNote(options.checkpoint, 'the saved checkpoint');
      const sameSize = savedNote.treeSize === headerNote.treeSize;
      // Without every entry, only a checkpoint of the header's own size can be compared (a fork shows even so).
      if (!header.complete && !sameSize) {
        throw new LedgerExportInputError(
          `the saved checkpoint (size ${savedNote.treeSize}) can only be checked against a complete export; ` +
            'this export is filtered, so take a complete one',
        );
      }
      savedCheck = checkCheckpoint('saved', options.checkpoint, savedNote);
      checks.push(savedCheck);
      if (sameSize && !savedNote.rootHash.equals(headerNote.rootHash) && savedCheck.signatureVerified && headerCheck.signatureVerified) {
        fail({ reason: `fork: the header checkpoint and the saved checkpoint both sign tree size ${savedNote.treeSize} with different roots` });
      }
    }

    // Entries.
    const accumulator = new MerkleAccumulator();
    /** Roots at the signed sizes, taken as the stream passes them. */
    const rootsAt = new Map<number, Buffer>();
    const wanted = new Set([headerNote.treeSize, ...(savedNote ? [savedNote.treeSize] : [])]);
    if (wanted.has(0)) rootsAt.set(0, EMPTY_ROOT);
    let entries = 0;
    let nextIndex = 0;
    let line = 1;
    let firstBlankLine: number | null = null;
    let inclusionFailed = false;

    for (;;) {
      const next = await iterator.next();
      if (next.done) break;
      line++;
      const text = next.value;
      if (text.trim() === '') {
        firstBlankLine ??= line; // tolerated only at the end of the file
        continue;
      }
      if (firstBlankLine !== null) throw new LedgerExportInputError('empty line', firstBlankLine);
      const item = parseEntryLine(text, line, !header.complete);
      entries++;
      const leafHash = leafHashOf(item.entry, line);
      if (!leafHash.equals(item.leafHash)) fail({ index: item.index, line, reason: 'leaf hash does not match its entry' }, 'leaf');

      if (header.complete) {
        if (item.index > nextIndex) {
          fail({ index: nextIndex, line, reason: `${range(nextIndex, item.index - 1)} missing: a gap before index ${item.index}` }, 'sequence');
        } else if (item.index < nextIndex) {
          fail({ index: item.index, line, reason: `index ${item.index} is duplicated or out of order (expected ${nextIndex})` }, 'sequence');
        }
        nextIndex = Math.max(nextIndex, item.index + 1);
        // The root is rebuilt from the recomputed hashes, so it vouches for the entries' content.
        accumulator.push(leafHash);
        if (wanted.has(accumulator.size)) rootsAt.set(accumulator.size, accumulator.root());
      } else {
        if (item.index < nextIndex) {
          fail({ index: item.index, line, reason: `index ${item.index} is duplicated or out of order (indexes must increase)` }, 'sequence');
        }
        nextIndex = Math.max(nextIndex, item.index + 1);
        if (item.index >= headerNote.treeSize) {
          fail({ index: item.index, line, reason: `index ${item.index} is outside the signed tree of size ${headerNote.treeSize}` }, 'range');
          inclusionFailed = true;
        } else if (!verifyInclusion(leafHash, item.index, headerNote.treeSize, item.inclusionProof!, headerNote.rootHash)) {
          fail({ index: item.index, line, reason: 'inclusion proof does not verify against the header checkpoint' }, 'inclusion');
          inclusionFailed = true;
        }
      }
    }

    if (header.complete) {
      if (entries > header.treeSize) {
        fail({ reason: `the export holds ${entries} entries, more than the tree size ${header.treeSize} its header names` });
      } else if (nextIndex < header.treeSize) {
        fail({
          index: nextIndex,
          reason: `${range(nextIndex, header.treeSize - 1)} missing: the header names tree size ${header.treeSize}; ${CUT_TAIL}`,
        });
      }
      const compare = (check: CheckpointCheck, note: ParsedCheckpoint, what: string) => {
        const root = rootsAt.get(note.treeSize);
        if (root === undefined) {
          check.matchesEntries = false;
          // The header's own size was checked against the entry count above.
          if (check.source === 'header') return;
          fail({
            index: accumulator.size,
            reason: `${range(accumulator.size, note.treeSize - 1)} missing: a ${what} signs tree size ${note.treeSize}; ${CUT_TAIL}`,
          });
          return;
        }
        check.matchesEntries = root.equals(note.rootHash);
        if (!check.matchesEntries) {
          const entries = note.treeSize === 0 ? 'the empty tree' : `entries 0..${note.treeSize - 1}`;
          fail({ reason: `the root of ${entries} does not match the ${what} at size ${note.treeSize}: entries were changed, added or removed` });
        }
      };
      compare(headerCheck, headerNote, 'header checkpoint');
      if (savedCheck && savedNote) compare(savedCheck, savedNote, 'saved checkpoint');
    } else {
      headerCheck.matchesEntries = !inclusionFailed;
    }

    return {
      ok: failures.length === 0,
      origin: header.origin,
      complete: header.complete,
      entries,
      treeSize: header.treeSize,
      rootHash: (header.complete ? accumulator.root() : headerNote.rootHash).toString('base64'),
      checkpoints: checks,
      firstFailure: failures[0] ?? null,
      failures,
    };
  } finally {
    await iterator.return?.();
  }
}

function formatTime(seconds: number | null, verified: boolean): string {
  if (seconds === null) return verified ? 'no signed time' : 'unsigned';
  const ms = seconds * 1000;
  return Math.abs(ms) <= 8.64e15 ? `signed ${new Date(ms).toISOString().replace('.000Z', 'Z')}` : `signed at ${seconds}`;
}

/** The human-readable report: a verdict line, then the facts, then what failed. */
export function formatReport(report: VerificationReport): string {
  const count = (n: number) => n.toLocaleString('en-US');
  const lines = [
    report.ok ? `ledger export verified: ${count(report.entries)} entries` : `ledger export FAILED verification`,
    `  origin       ${report.origin}`,
    `  export       ${report.complete ? 'complete' : 'filtered'}, ${count(report.entries)} entries, tree size ${count(report.treeSize)}`,
    `  root         ${report.rootHash}${report.complete ? ' (recomputed from the entries)' : ' (signed; entries checked by inclusion proofs)'}`,
  ];
  for (const check of report.checkpoints) {
    const forms = check.signedWith.map((form) => (form === 'ed25519' ? 'Ed25519' : 'cosignature')).join(' + ');
    const verdicts = [check.signatureVerified ? `signature ok (${forms})` : 'signature INVALID'];
    if (check.matchesEntries !== null) verdicts.push(check.matchesEntries ? 'matches the entries' : 'does NOT match the entries');
    lines.push(
      `  checkpoint   ${check.source}, size ${count(check.treeSize)}, ${formatTime(check.timestamp, check.signatureVerified)}: ${verdicts.join(', ')}`,
    );
  }
  for (const [i, failure] of report.failures.entries()) {
    const where = [failure.index !== undefined ? `index ${failure.index}` : null, failure.line !== undefined ? `line ${failure.line}` : null]
      .filter(Boolean)
      .join(', ');
    lines.push(`  ${i === 0 ? 'first failure' : 'also        '} ${where ? `${where}: ` : ''}${failure.reason}`);
  }
  return lines.join('\n') + '\n';
}
