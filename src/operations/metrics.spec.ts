import { entryContent, type LedgerEntryInput } from '../ledger/ledger-entry.js';
import { Metrics } from './metrics.js';

const system = { kind: 'system', id: 'spec', hall: null, region: null, department: null } as const;
const entry = (input: Partial<LedgerEntryInput>) => ({
  content: entryContent({ kind: 'DATA_ACCESS', actor: system, outcome: 'GRANTED', ...input } as LedgerEntryInput, new Date()),
  queuedAt: 0,
});

/** The value of the first series whose line starts with `prefix`. */
function read(text: string, prefix: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(prefix));
  return line === undefined ? undefined : Number(line.slice(line.lastIndexOf(' ') + 1));
}

describe('Metrics', () => {
  it('counts certificate issuances and verifications from their ledger entries', async () => {
    const metrics = new Metrics();
    metrics.ledgerBatchWritten(
      [
        entry({ kind: 'CERTIFICATE_ISSUE', outcome: 'GRANTED', detail: { certificateType: 'X' } }),
        entry({ kind: 'CERTIFICATE_ISSUE', outcome: 'GRANTED', detail: { replayed: true } }),
        entry({ kind: 'CERTIFICATE_ISSUE', outcome: 'DENIED', detail: { reason: 'RATE_LIMITED' } }),
        entry({ kind: 'CERTIFICATE_ISSUE', outcome: 'FAILED' }),
        entry({ kind: 'CERTIFICATE_VERIFY', outcome: 'GRANTED' }),
        entry({ kind: 'CERTIFICATE_VERIFY', outcome: 'DENIED' }),
        entry({ kind: 'CERTIFICATE_VERIFY', outcome: 'DENIED' }),
        entry({ kind: 'DATA_ACCESS', outcome: 'PARTIAL' }),
      ],
      0.004,
      2000,
    );
    const text = await metrics.exposition();
    expect(read(text, 'onegate_certificate_issuances_total{outcome="issued"}')).toBe(1);
    expect(read(text, 'onegate_certificate_issuances_total{outcome="replayed"}')).toBe(1);
    expect(read(text, 'onegate_certificate_issuances_total{outcome="denied"}')).toBe(1);
    expect(read(text, 'onegate_certificate_issuances_total{outcome="failed"}')).toBe(1);
    expect(read(text, 'onegate_certificate_verifications_total{outcome="valid"}')).toBe(1);
    expect(read(text, 'onegate_certificate_verifications_total{outcome="invalid"}')).toBe(2);
    expect(read(text, 'onegate_ledger_entries_total{kind="DATA_ACCESS",outcome="PARTIAL"}')).toBe(1);
    expect(read(text, 'onegate_ledger_batch_entries_sum')).toBe(8);
    // Each entry waited 2 s (queued at 0 ms, durable at 2000 ms).
    expect(read(text, 'onegate_ledger_append_duration_seconds_sum')).toBe(16);
    expect(read(text, 'onegate_ledger_append_duration_seconds_bucket{le="2.5"}')).toBe(8);
    expect(read(text, 'onegate_ledger_append_duration_seconds_bucket{le="1"}')).toBe(0);
  });

  it('shows the ledger as read at scrape, and nothing when it could not be read', async () => {
    const metrics = new Metrics();
    let state: Parameters<Metrics['ledgerState']>[0] = { treeSize: 42, checkpoint: { treeSize: 40, signedAt: new Date(Date.now() - 90_000) } };
    metrics.onScrape(async () => metrics.ledgerState(state, { origin: 'spec.local/ledger', checkpointIntervalSeconds: 30 }));
    let text = await metrics.exposition();
    expect(read(text, 'onegate_ledger_tree_size{origin="spec.local/ledger"}')).toBe(42);
    expect(read(text, 'onegate_ledger_checkpoint_tree_size{origin="spec.local/ledger"}')).toBe(40);
    expect(read(text, 'onegate_ledger_checkpoint_age_seconds{origin="spec.local/ledger"}')).toBeGreaterThanOrEqual(90);
    expect(read(text, 'onegate_ledger_checkpoint_interval_seconds{origin="spec.local/ledger"}')).toBe(30);
    state = { treeSize: 3, checkpoint: null };
    text = await metrics.exposition();
    expect(read(text, 'onegate_ledger_checkpoint_tree_size{origin="spec.local/ledger"}')).toBe(0);
    expect(read(text, 'onegate_ledger_checkpoint_age_seconds{origin="spec.local/ledger"}')).toBeUndefined();
    state = null;
    text = await metrics.exposition();
    expect(read(text, 'onegate_ledger_tree_size{origin="spec.local/ledger"}')).toBeUndefined();
    expect(read(text, 'onegate_ledger_checkpoint_age_seconds{origin="spec.local/ledger"}')).toBeUndefined();
  });

  it('shows one breaker state per department at 1', async () => {
    const metrics = new Metrics();
    metrics.breakerChanged('HEALTH', 'closed', true);
    metrics.breakerChanged('HEALTH', 'open');
    metrics.breakerChanged('HEALTH', 'half_open');
    const text = await metrics.exposition();
    expect(read(text, 'onegate_department_breaker_state{department="HEALTH",state="half_open"}')).toBe(1);
    expect(read(text, 'onegate_department_breaker_state{department="HEALTH",state="open"}')).toBe(0);
    expect(read(text, 'onegate_department_breaker_state{department="HEALTH",state="closed"}')).toBe(0);
    expect(read(text, 'onegate_department_breaker_transitions_total{department="HEALTH",state="open"}')).toBe(1);
    // The initial state is not a transition.
    expect(read(text, 'onegate_department_breaker_transitions_total{department="HEALTH",state="closed"}')).toBeUndefined();
  });

  it('keeps the series of two instances apart', async () => {
    const a = new Metrics();
    const b = new Metrics();
    a.departmentCall('HEALTH', null, 0.01);
    expect(read(await a.exposition(), 'onegate_department_call_duration_seconds_count{department="HEALTH",outcome="ok"}')).toBe(1);
    expect(read(await b.exposition(), 'onegate_department_call_duration_seconds_count')).toBeUndefined();
  });
});
