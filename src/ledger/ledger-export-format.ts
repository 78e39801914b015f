import type { LedgerEntryContent } from './ledger-entry.js';

/**
 * The NDJSON export of the ledger (one JSON object per line), read by `npm run ledger:verify`.
 *
 *   line 1:  ExportHeader
 *   then:    one ExportEntryLine per entry, in index order
 *
 * A complete export (no filter) holds every entry 0..treeSize-1, so the verifier can recompute
 * every leaf and the root at every checkpoint. A filtered export carries, with each entry, its
 * inclusion proof against the header's checkpoint.
 */
export const EXPORT_FORMAT = 'onegate-ledger-export/v1';

export interface ExportHeader {
  format: typeof EXPORT_FORMAT;
  /** The checkpoint origin (log name). */
  origin: string;
  /** Tree size the export (and the inclusion proofs of a filtered export) refers to. */
  treeSize: number;
  /** Signed checkpoint note at `treeSize` (C2SP tlog-checkpoint), as served by `ledgerCheckpoint.note`. */
  checkpoint: string;
  /** The filter the export was taken with; null for a complete export. */
  filter: Record<string, string> | null;
  /** True when the export holds every entry 0..treeSize-1. */
  complete: boolean;
  /** When the export was written, ISO 8601. */
  exportedAt: string;
}

export interface ExportEntryLine {
  index: number;
  /** Stored leaf hash, standard base64. */
  leafHash: string;
  entry: LedgerEntryContent;
  /** Filtered exports only: RFC 9162 inclusion proof of `index` in the tree of size `header.treeSize`, base64 hashes. */
  inclusionProof?: string[];
}
