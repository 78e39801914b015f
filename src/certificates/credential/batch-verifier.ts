import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { projectRoot } from '../../common/project-root.js';
import type { StatusListFile } from '../offline-status-lists.js';
import type { VerificationResult } from './verify-credential.js';

export interface BatchVerifierOptions {
  /** The trust anchors: the onegate root CA certificate(s), PEM. */
  anchorsPem: string;
  /**
   * Where status lists come from: fetched from their URLs (each kept for `maxAgeMs`, default five
   * minutes), or only the given cached status list files (offline, as `cert:verify --status-list`).
   */
  statusLists: { kind: 'fetch'; maxAgeMs?: number } | { kind: 'offline'; files: StatusListFile[] };
  /** Worker threads; default: the cores this process may use. */
  workers?: number;
  /** Credentials per message to a worker (default 128). */
  chunkSize?: number;
}

/** What every worker is started with. */
export interface BatchWorkerData {
  anchorsPem: string;
  statusLists: { kind: 'fetch'; maxAgeMs: number } | { kind: 'offline'; files: StatusListFile[] };
}

export interface BatchRequest {
  chunk: number;
  credentials: string[];
  /** Verification time, ms since the epoch. */
  now: number;
}

export interface BatchResponse {
  chunk: number;
  results: VerificationResult[];
}

const DEFAULT_CHUNK_SIZE = 128;
const DEFAULT_STATUS_LIST_MAX_AGE_MS = 5 * 60_000;
/** Chunks queued at each worker beyond the one it is working on, so that it never waits for the next. */
const QUEUED_PER_WORKER = 1;

interface Chunk {
  id: number;
  credentials: string[];
  now: number;
  done: (results: VerificationResult[]) => void;
  failed: (error: Error) => void;
}

interface WorkerSlot {
  worker: Worker;
  assigned: Map<number, Chunk>;
}

/**
 * Verifies many credentials at once on every core: the same checks as `verifyCredential` (integrity,
 * status and issuer, each credential on its own), run by worker threads that each take chunks of
 * credentials and check their signatures inline. For verifying a large number of credentials (an
 * archive, a migration, an audit sample); a single credential is verified where it arrives.
 */
export class BatchVerifier {
  private readonly slots: WorkerSlot[];
  private readonly waiting: Chunk[] = [];
  private readonly chunkSize: number;
  private nextChunk = 0;
  private broken: Error | null = null;
  private closed = false;

  constructor(options: BatchVerifierOptions) {
    const workers = Math.max(1, options.workers ?? availableParallelism());
    this.chunkSize = Math.max(1, options.chunkSize ?? DEFAULT_CHUNK_SIZE);
    const statusLists =
      options.statusLists.kind === 'fetch'
        ? { kind: 'fetch' as const, maxAgeMs: options.statusLists.maxAgeMs ?? DEFAULT_STATUS_LIST_MAX_AGE_MS }
        : options.statusLists;
    const workerData: BatchWorkerData = { anchorsPem: options.anchorsPem, statusLists };
    const script = workerScript();
    this.slots = Array.from({ length: workers }, () => {
      const slot: WorkerSlot = { worker: new Worker(script, { workerData }), assigned: new Map() };
      slot.worker.on('message', (response: BatchResponse) => this.finished(slot, response));
      slot.worker.on('error', (error) => this.fail(error));
      slot.worker.on('exit', (code) => {
        if (!this.closed) this.fail(new Error(`a batch verification worker stopped (exit code ${code})`));
      });
      return slot;
    });
  }

  /** The verification of each credential, in the order given. Rejects only if a worker fails. */
  verify(credentials: readonly string[], now: Date = new Date()): Promise<VerificationResult[]> {
    if (this.closed) return Promise.reject(new Error('the batch verifier is closed'));
    if (this.broken) return Promise.reject(this.broken);
    const parts: Array<Promise<VerificationResult[]>> = [];
    for (let start = 0; start < credentials.length; start += this.chunkSize) {
      const slice = credentials.slice(start, start + this.chunkSize);
      parts.push(new Promise((done, failed) => this.waiting.push({ id: this.nextChunk++, credentials: slice, now: now.getTime(), done, failed })));
    }
    this.dispatch();
    return Promise.all(parts).then((chunks) => chunks.flat());
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.fail(new Error('the batch verifier was closed'));
    await Promise.all(this.slots.map((slot) => slot.worker.terminate()));
  }

  private dispatch(): void {
    while (this.waiting.length > 0) {
      // The least busy worker, if it has room.
      const slot = this.slots.reduce((best, s) => (s.assigned.size < best.assigned.size ? s : best));
      if (slot.assigned.size > QUEUED_PER_WORKER) return;
      const chunk = this.waiting.shift()!;
      slot.assigned.set(chunk.id, chunk);
      const request: BatchRequest = { chunk: chunk.id, credentials: chunk.credentials, now: chunk.now };
      slot.worker.postMessage(request);
    }
  }

  private finished(slot: WorkerSlot, response: BatchResponse): void {
    const chunk = slot.assigned.get(response.chunk);
    if (!chunk) return;
    slot.assigned.delete(response.chunk);
    chunk.done(response.results);
    this.dispatch();
  }

  private fail(error: Error): void {
    this.broken ??= error;
    for (const slot of this.slots) {
      for (const chunk of slot.assigned.values()) chunk.failed(error);
      slot.assigned.clear();
    }
    for (const chunk of this.waiting.splice(0)) chunk.failed(error);
  }
}

/**
 * The worker's compiled script: next to this module when running from the build, else (sources run
 * through a TypeScript loader, as in tests) the one in dist/ (`npm run build`).
 */
function workerScript(): string {
  const sibling = fileURLToPath(new URL('./batch-verifier.worker.js', import.meta.url));
  if (existsSync(sibling)) return sibling;
  const built = join(projectRoot(), 'dist', 'src', 'certificates', 'credential', 'batch-verifier.worker.js');
  if (existsSync(built)) return built;
  throw new Error(`the batch verification worker is not built (${built}): run npm run build`);
}
