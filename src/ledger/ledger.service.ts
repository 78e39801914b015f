import { Inject, Injectable, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import pg from 'pg';
import { isDatabaseUnavailable } from '../common/graphql/error-format.js';
import { AppConfig } from '../config/app-config.js';
import { DATABASE_CONNECTIONS } from '../database/database.module.js';
import type { DatabaseConnections } from '../database/database-setup.js';
import { resilientPool } from '../database/pg-pool.js';
import { LOGGER } from '../logging/logging.module.js';
import type { Logger } from '../logging/logger.js';
import { errorKind, RepeatedErrorLog } from '../logging/repeated-errors.js';
import { Metrics, type LedgerState } from '../operations/metrics.js';
import { AuditError, AuditErrorCode } from '../audit/audit.errors.js';
import { signCheckpoint } from './checkpoint.js';
import type { LedgerEntryInput } from './ledger-entry.js';
import { loadLedgerSigningKey, type LedgerSigningKey } from './ledger-key.js';
import type { IntegrityAlarm } from './ledger-integrity.js';
import { readLatestCheckpoint, readLedgerState, readNewestCheckpointSize, readNodeMap, readTreeSize } from './ledger-store.js';
import { LedgerWriter, type Companion, type CompanionOutcome, type LedgerProbe, type RecordedEntry } from './ledger-writer.js';
import { assembleProof, consistencyProofPlan, inclusionProofPlan } from './merkle.js';

export interface SignedCheckpoint {
  treeSize: number;
  rootHash: Buffer;
  /** Whole seconds, as signed. */
  timestamp: Date;
  note: string;
}

export interface InclusionProof {
  leafHash: Buffer;
  hashes: Buffer[];
}

/** Ledger reads and checkpoints need little: the writer has its own connections so requests never queue behind it. */
const WRITER_POOL_SIZE = 2;
const READER_POOL_SIZE = 4;
/** After a failed batch, refuse at once for this long instead of making every caller wait out a timeout. */
const FAIL_FAST_MS = 1000;
/** The readiness probe's lock and statement timeout: a probe that waits longer than this reports the ledger failing. */
const PROBE_TIMEOUT_MS = 2000;

/**
 * The audit ledger: `record(entry)` (durable before it resolves), signed checkpoints and RFC 9162
 * proofs. Runs as the runtime role, which may only INSERT and SELECT the ledger tables.
 */
@Injectable()
export class LedgerService implements OnModuleInit, OnApplicationShutdown {
  private writerPool!: pg.Pool;
  private readerPool!: pg.Pool;
  private writer!: LedgerWriter;
  private key!: LedgerSigningKey;
  private timer?: NodeJS.Timeout;
  private checkpointing?: Promise<unknown>;
  private readFailures!: RepeatedErrorLog;

  constructor(
    private readonly config: AppConfig,
    @Inject(DATABASE_CONNECTIONS) private readonly connections: DatabaseConnections,
    @Inject(LOGGER) private readonly logger: Logger,
    private readonly metrics: Metrics,
  ) {}

  async onModuleInit(): Promise<void> {
    this.key = loadLedgerSigningKey(this.config);
    this.readFailures = new RepeatedErrorLog(this.logger, this.config.LOG_REPEAT_INTERVAL_MS);
    const timeout = this.config.LEDGER_WRITE_TIMEOUT_MS;
    const poolOptions = {
      connectionString: this.connections.runtimeUrl,
      connectionTimeoutMillis: timeout,
      statement_timeout: timeout,
      lock_timeout: timeout,
      query_timeout: timeout + 500,
    };
    // A connection the server ends (restart) must not crash the process; the next query reconnects.
    const lost = (err: Error) => this.logger.warn({ err }, 'ledger connection lost');
    this.writerPool = resilientPool({ ...poolOptions, max: WRITER_POOL_SIZE, application_name: 'onegate-ledger-writer' }, lost);
    this.readerPool = resilientPool({ ...poolOptions, max: READER_POOL_SIZE, application_name: 'onegate-ledger' }, lost);
    this.writer = new LedgerWriter(
      this.writerPool,
      {
        maxBatch: this.config.LEDGER_BATCH_MAX_ENTRIES,
        waitMs: this.config.LEDGER_BATCH_WAIT_MS,
        vkey: this.key.vkey,
        repeatIntervalMs: this.config.LOG_REPEAT_INTERVAL_MS,
        observer: this.metrics,
      },
      this.logger,
    );
    const ledger = { origin: this.key.name, checkpointIntervalSeconds: this.config.LEDGER_CHECKPOINT_INTERVAL_SECONDS };
    this.metrics.onScrape(async () => this.metrics.ledgerState(await this.readState().catch(() => null), ledger));
    // At start-up: a tree rolled back or changed while the gateway was down raises the integrity
    // alarm now (the gateway still starts, to say so: readiness 503, the auditors' flag).
    await this.writer.inspect('start-up').catch((err) =>
      // Unreadable now (database down): the first append inspects the tree before it writes.
      this.logger.warn({ err }, 'ledger integrity check at start-up could not run; the first append will run it'),
    );
    const interval = this.config.LEDGER_CHECKPOINT_INTERVAL_SECONDS;
    if (interval > 0) {
      this.timer = setInterval(() => void this.checkpointIfGrown(), interval * 1000);
      this.timer.unref();
    }
  }

  /** After the HTTP server has drained (Nest closes it before this hook), so in-flight requests still get their entries. */
  async onApplicationShutdown(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.writer?.close();
    await this.checkpointing?.catch(() => undefined);
    await Promise.all([this.writerPool?.end(), this.readerPool?.end()]);
  }

  /**
   * Appends an entry and resolves once it is committed. Rejects with LedgerUnavailableError when it
   * cannot be written — the caller must then release no data — and LedgerEntryInvalidError for a
   * malformed entry (a programming error).
   */
  record(entry: LedgerEntryInput): Promise<RecordedEntry> {
    return this.writer.record(entry);
  }

  /**
   * Appends an entry and a row of another table in one transaction (see LedgerWriter.recordWith):
   * both durable, or neither — `written: false` when the row conflicted or was refused.
   */
  recordWith<R>(entry: LedgerEntryInput, companion: Companion<R>): Promise<CompanionOutcome> {
    return this.writer.recordWith(entry, companion);
  }

  /** False right after a failed write or once the integrity alarm is raised: callers refuse work up front instead of contacting departments first. */
  get writable(): boolean {
    return !this.writer.alarm && !this.writer.failedRecently(FAIL_FAST_MS);
  }

  /** The integrity alarm, once raised: the stored tree does not match what was signed. */
  get integrityAlarm(): IntegrityAlarm | undefined {
    return this.writer.alarm;
  }

  /** Readiness: can an entry be appended now (a rolled-back append through the writer's path)? */
  probeWritable(): Promise<LedgerProbe> {
    return this.writer.probe(Math.min(PROBE_TIMEOUT_MS, this.config.LEDGER_WRITE_TIMEOUT_MS));
  }

  /** The log name and the ledger key's verifier keys: plain Ed25519 (0x01, the one to give a verifier) and as a cosignature key (0x04). */
  get publicKey(): { origin: string; vkey: string; cosignatureVkey: string } {
    return { origin: this.key.name, vkey: this.key.vkey, cosignatureVkey: this.key.cosignatureVkey };
  }

  treeSize(): Promise<number> {
    return this.withReader(readTreeSize);
  }

  /**
   * Signs a checkpoint of the tree as it is now and stores it — never one smaller than, or
   * inconsistent with, the newest signed checkpoint (the writer verifies the consistency proof
   * from it first, and raises the integrity alarm instead of signing).
   */
  async createCheckpoint(): Promise<SignedCheckpoint> {
    return this.withReader(() =>
      this.writer.signCheckpoint((treeSize, rootHash) => {
        const seconds = Math.floor(Date.now() / 1000);
        const note = signCheckpoint({ origin: this.key.name, treeSize, rootHash, timestamp: seconds }, this.key.privateKey);
        return { note, timestamp: new Date(seconds * 1000) };
      }),
    );
  }

  /** The newest stored checkpoint; one is signed now if none exists yet. */
  async latestCheckpoint(): Promise<SignedCheckpoint> {
    const stored = await this.withReader(readLatestCheckpoint);
    if (!stored) return this.createCheckpoint();
    return { treeSize: stored.treeSize, rootHash: stored.rootHash, timestamp: stored.signedAt, note: stored.note };
  }

  async inclusionProof(index: number, treeSize: number): Promise<InclusionProof> {
    await this.assertTreeHas(treeSize);
    if (!Number.isSafeInteger(index) || index < 0 || index >= treeSize) {
      throw AuditError.badInput('PROOF_RANGE_INVALID', `index must be between 0 and treeSize - 1 (${treeSize - 1})`);
    }
    const plan = inclusionProofPlan(index, treeSize);
    const leaf = { level: 0, index };
    const nodes = await this.withReader((db) => readNodeMap(db, [leaf, ...plan.flat()]));
    return { leafHash: assembleProof([[leaf]], nodes)[0]!, hashes: assembleProof(plan, nodes) };
  }

  async consistencyProof(fromSize: number, toSize: number): Promise<Buffer[]> {
    await this.assertTreeHas(toSize);
    if (!Number.isSafeInteger(fromSize) || fromSize < 1 || fromSize > toSize) {
      throw AuditError.badInput('PROOF_RANGE_INVALID', 'fromSize must be between 1 and toSize');
    }
    const plan = consistencyProofPlan(fromSize, toSize);
    const nodes = await this.withReader((db) => readNodeMap(db, plan.flat()));
    return assembleProof(plan, nodes);
  }

  /** Inclusion proofs of many leaves against one tree size, in one read (for filtered exports). */
  async inclusionProofs(indexes: number[], treeSize: number): Promise<Buffer[][]> {
    const plans = indexes.map((index) => inclusionProofPlan(index, treeSize));
    const nodes = await this.withReader((db) => readNodeMap(db, plans.flat(2)));
    return plans.map((plan) => assembleProof(plan, nodes));
  }

  private async assertTreeHas(treeSize: number): Promise<void> {
    const current = await this.treeSize();
    if (!Number.isSafeInteger(treeSize) || treeSize < 1 || treeSize > current) {
      throw AuditError.badInput('PROOF_RANGE_INVALID', `treeSize must be between 1 and the current tree size (${current})`);
    }
  }

  /** The tree's size and the newest checkpoint, in one read (for the metrics, at each scrape). */
  private readState(): Promise<LedgerState> {
    return this.withReader(readLedgerState);
  }

  private checkpointIfGrown(): void {
    // With the alarm raised nothing is signed (the alarm was logged once, at fatal).
    if (this.checkpointing || this.writer.alarm) return;
    this.checkpointing = (async () => {
      const [size, signed] = await Promise.all([this.treeSize(), this.withReader(readNewestCheckpointSize)]);
      if (size > signed) await this.createCheckpoint();
    })()
      .catch((err) => this.logger.warn({ err }, 'scheduled ledger checkpoint failed'))
      .finally(() => (this.checkpointing = undefined));
  }

  private async withReader<T>(work: (db: pg.Pool) => Promise<T>): Promise<T> {
    try {
      return await work(this.readerPool);
    } catch (error) {
      if (error instanceof AuditError) throw error;
      // Clients get LEDGER_UNAVAILABLE only; what broke goes to the log (database details redacted).
      this.readFailures.error(isDatabaseUnavailable(error) ? 'DATABASE_UNAVAILABLE' : errorKind(error), { err: error }, 'ledger read failed');
      throw new AuditError(AuditErrorCode.SERVICE_UNAVAILABLE, 'LEDGER_UNAVAILABLE', 'the audit ledger cannot be read', { cause: error });
    }
  }
}
