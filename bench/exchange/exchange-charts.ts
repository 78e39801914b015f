// The charts of bench:exchange: throughput at each number of citizens (onegate, the floor), the
// gateway's memory at each, and latency over time of every measured run.
import type { Series } from '../charts.js';
import type { ResultChart } from '../results.js';
import type { TimelineBucket } from './load.js';

/** What the charts read of a size's result (see SizeResult in exchange.bench.ts). */
export interface ChartedSize {
  citizens: number;
  gatewayMemory: { rssMiB: number; peakMiB: number } | null;
  gateway: Array<{ connections: number; logLevel: string; okPerSecond: number; timeline?: TimelineBucket[] }>;
  floor: Array<{ connections: number; queriesPerSecond: number }>;
  /** The side-by-side runs with PostGraphile (A B A B), when measured. */
  peer: {
    connections: number;
    ratios: { onegate: { okPerSecond: number }; postgraphile: { okPerSecond: number } };
    runs: Array<{ system: 'onegate' | 'postgraphile'; order: number; timeline?: TimelineBucket[] }>;
  } | null;
}

const sizeName = (citizens: number) => `${citizens.toLocaleString('en-US')} citizens`;

export function exchangeCharts(sizes: ChartedSize[], logLevel: string): ResultChart[] {
  const connections = [...new Set(sizes.flatMap((s) => s.gateway.filter((r) => r.logLevel === logLevel).map((r) => r.connections)))].sort((a, b) => a - b);
  const groups = sizes.map((s) => sizeName(s.citizens));
  const peerConnections = [...new Set(sizes.flatMap((s) => (s.peer ? [s.peer.connections] : [])))];
  const throughput: ResultChart = {
    file: 'exchange-throughput.svg',
    title: 'Audited house-transfer lookups per second at each number of citizens',
    chart: {
      kind: 'bar',
      title: 'House-transfer lookups per second, by number of citizens',
      yLabel: 'answers per second',
      groups,
      series: [
        ...connections.map((c) => ({
          name: `onegate (audited), ${c} connections`,
          values: sizes.map((s) => s.gateway.find((r) => r.connections === c && r.logLevel === logLevel)?.okPerSecond ?? null),
        })),
        ...connections.map((c) => ({
          name: `floor (pg, no HTTP), ${c} callers`,
          values: sizes.map((s) => s.floor.find((r) => r.connections === c)?.queriesPerSecond ?? null),
        })),
        ...peerConnections.map((c) => ({
          name: `PostGraphile (no audit), ${c} connections`,
          values: sizes.map((s) => (s.peer?.connections === c ? s.peer.ratios.postgraphile.okPerSecond : null)),
        })),
      ],
    },
  };
  const memory: ResultChart = {
    file: 'exchange-memory.svg',
    title: "The gateway's memory (RSS) at each number of citizens",
    chart: {
      kind: 'bar',
      title: 'Gateway resident memory after its runs, by number of citizens',
      yLabel: 'MiB',
      groups,
      series: [
        { name: 'RSS after the runs', values: sizes.map((s) => s.gatewayMemory?.rssMiB ?? null) },
        { name: 'peak RSS', values: sizes.map((s) => s.gatewayMemory?.peakMiB ?? null) },
      ],
    },
  };
  const latency: Series[] = [];
  for (const size of sizes) {
    for (const run of size.gateway) {
      if (run.logLevel !== logLevel || !run.timeline?.length) continue;
      latency.push({ name: `${size.citizens.toLocaleString('en-US')}, ${run.connections} conn.`, points: run.timeline.map((b) => [b.atSeconds, b.p99]) });
    }
  }
  const charts = [throughput, memory];
  if (latency.length > 0) {
    charts.push({
      file: 'exchange-latency.svg',
      title: 'p99 latency of the audited lookup over each measured run',
      chart: {
        kind: 'line',
        title: 'p99 latency over each measured run (citizens, connections)',
        xLabel: 'seconds into the measured period',
        yLabel: 'p99 ms (per second)',
        series: latency,
      },
    });
  }
  const sideBySide = sizes.find((s) => s.peer?.runs.some((r) => r.timeline?.length));
  if (sideBySide?.peer) {
    charts.push({
      file: 'exchange-side-by-side.svg',
      title: `p99 latency over the side-by-side runs with PostGraphile (${sizeName(sideBySide.citizens)})`,
      chart: {
        kind: 'line',
        title: `onegate and PostGraphile, A B A B, ${sideBySide.peer.connections} connections, ${sizeName(sideBySide.citizens)}`,
        xLabel: 'seconds into the measured period',
        yLabel: 'p99 ms (per second)',
        series: sideBySide.peer.runs.map((r) => ({
          name: `${r.order}. ${r.system === 'onegate' ? 'onegate (audited)' : 'PostGraphile (no audit)'}`,
          points: (r.timeline ?? []).map((b) => [b.atSeconds, b.p99] as [number, number]),
        })),
      },
    });
  }
  return charts;
}
