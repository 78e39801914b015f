// SVG charts of the benchmark results (no dependencies: the figures are few and the markup is
// small). Each chart is drawn from a result's JSON by `chartsFor`, written next to it in
// bench/results/ and linked under its table in bench/README.md by writeResult.

export interface Series {
  name: string;
  points: Array<[number, number]>;
  /** Draw against the right-hand axis (a second unit in the same panel). */
  right?: boolean;
}

export interface LineChart {
  kind: 'line';
  title: string;
  xLabel: string;
  yLabel: string;
  /** Unit of the right-hand axis, when any series uses it. */
  rightLabel?: string;
  series: Series[];
}

export interface BarChart {
  kind: 'bar';
  title: string;
  yLabel: string;
  groups: string[];
  /** One bar per series in every group; null where a series has no figure for that group. */
  series: Array<{ name: string; values: Array<number | null> }>;
}

export type Chart = LineChart | BarChart;

const WIDTH = 760;
const HEIGHT = 420;
/** Below the plot: tick labels, the axis label, then up to three rows of legend. */
const MARGIN = { top: 44, right: 70, bottom: 112, left: 70 };
const COLOURS = ['#1f6feb', '#d1242f', '#1a7f37', '#9a6700', '#8250df', '#0a7ea4', '#bf3989', '#57606a'];

const escape = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
const fmt = (n: number) => (Math.abs(n) >= 1000 ? Math.round(n).toLocaleString('en-US') : String(Math.round(n * 100) / 100));

/** Round axis ticks from 0 (or the lowest value) to at least `max`. */
function ticks(max: number, min = 0): number[] {
  const span = Math.max(max - min, 1e-9);
  const raw = span / 5;
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * magnitude).find((s) => s >= raw)!;
  const out: number[] = [];
  for (let v = Math.floor(min / step) * step; v <= max + step * 0.999; v += step) out.push(Math.round(v * 1e6) / 1e6);
  return out;
}

function frame(title: string, body: string[]): string {
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${HEIGHT}" viewBox="0 0 ${WIDTH} ${HEIGHT}" font-family="sans-serif" font-size="12">`,
    `<rect width="${WIDTH}" height="${HEIGHT}" fill="#ffffff"/>`,
    `<text x="${WIDTH / 2}" y="24" text-anchor="middle" font-size="15" font-weight="bold">${escape(title)}</text>`,
    ...body,
    '</svg>',
    '',
  ].join('\n');
}

function legend(names: Array<{ name: string; colour: string }>): string[] {
  const out: string[] = [];
  let x = MARGIN.left;
  let y = HEIGHT - MARGIN.bottom + 56;
  for (const { name, colour } of names) {
    const width = 22 + name.length * 6.6;
    if (x + width > WIDTH - 10) {
      x = MARGIN.left;
      y += 16;
    }
    out.push(`<rect x="${x}" y="${y - 9}" width="12" height="10" fill="${colour}"/>`, `<text x="${x + 16}" y="${y}">${escape(name)}</text>`);
    x += width + 14;
  }
  return out;
}

function axes(yTicks: number[], yScale: (v: number) => number, yLabel: string, side: 'left' | 'right'): string[] {
  const x = side === 'left' ? MARGIN.left : WIDTH - MARGIN.right;
  const out = [`<line x1="${x}" y1="${MARGIN.top}" x2="${x}" y2="${HEIGHT - MARGIN.bottom}" stroke="#57606a"/>`];
  for (const t of yTicks) {
    const y = yScale(t);
    if (side === 'left') out.push(`<line x1="${MARGIN.left}" y1="${y}" x2="${WIDTH - MARGIN.right}" y2="${y}" stroke="#d0d7de" stroke-dasharray="2,3"/>`);
    out.push(`<text x="${side === 'left' ? x - 6 : x + 6}" y="${y + 4}" text-anchor="${side === 'left' ? 'end' : 'start'}">${fmt(t)}</text>`);
  }
  const lx = side === 'left' ? 16 : WIDTH - 12;
  const ly = (MARGIN.top + HEIGHT - MARGIN.bottom) / 2;
  out.push(`<text x="${lx}" y="${ly}" text-anchor="middle" transform="rotate(-90 ${lx} ${ly})">${escape(yLabel)}</text>`);
  return out;
}

function drawLine(chart: LineChart): string {
  const all = chart.series.flatMap((s) => s.points);
  const xs = all.map((p) => p[0]);
  const xMin = Math.min(...xs, 0);
  const xMax = Math.max(...xs, 1);
  const plotW = WIDTH - MARGIN.left - MARGIN.right;
  const plotH = HEIGHT - MARGIN.top - MARGIN.bottom;
  const xScale = (v: number) => MARGIN.left + ((v - xMin) / Math.max(xMax - xMin, 1e-9)) * plotW;
  const side = (right: boolean) => {
    const values = chart.series.filter((s) => Boolean(s.right) === right).flatMap((s) => s.points.map((p) => p[1]));
    const t = ticks(Math.max(...values, 1e-9));
    const top = t[t.length - 1]!;
    return { ticks: t, scale: (v: number) => MARGIN.top + plotH - (v / top) * plotH };
  };
  const left = side(false);
  const hasRight = chart.series.some((s) => s.right);
  const right = hasRight ? side(true) : left;
  const body = [...axes(left.ticks, left.scale, chart.yLabel, 'left')];
  if (hasRight) body.push(...axes(right.ticks, right.scale, chart.rightLabel ?? '', 'right'));
  body.push(`<line x1="${MARGIN.left}" y1="${HEIGHT - MARGIN.bottom}" x2="${WIDTH - MARGIN.right}" y2="${HEIGHT - MARGIN.bottom}" stroke="#57606a"/>`);
  for (const t of ticks(xMax, xMin)) {
    if (t > xMax) continue;
    body.push(`<text x="${xScale(t)}" y="${HEIGHT - MARGIN.bottom + 16}" text-anchor="middle">${fmt(t)}</text>`);
  }
  body.push(`<text x="${MARGIN.left + plotW / 2}" y="${HEIGHT - MARGIN.bottom + 34}" text-anchor="middle">${escape(chart.xLabel)}</text>`);
  chart.series.forEach((s, i) => {
    const scale = s.right ? right.scale : left.scale;
    const d = s.points.map(([x, y], j) => `${j === 0 ? 'M' : 'L'}${xScale(x).toFixed(1)},${scale(y).toFixed(1)}`).join(' ');
    body.push(`<path d="${d}" fill="none" stroke="${COLOURS[i % COLOURS.length]}" stroke-width="1.8"${s.right ? ' stroke-dasharray="6,3"' : ''}/>`);
  });
  body.push(...legend(chart.series.map((s, i) => ({ name: s.name + (s.right ? ` (${chart.rightLabel}, right)` : ''), colour: COLOURS[i % COLOURS.length]! }))));
  return frame(chart.title, body);
}

function drawBars(chart: BarChart): string {
  const values = chart.series.flatMap((s) => s.values.filter((v): v is number => v !== null));
  const t = ticks(Math.max(...values, 1e-9));
  const top = t[t.length - 1]!;
  const plotW = WIDTH - MARGIN.left - MARGIN.right;
  const plotH = HEIGHT - MARGIN.top - MARGIN.bottom;
  const yScale = (v: number) => MARGIN.top + plotH - (v / top) * plotH;
  const body = [...axes(t, yScale, chart.yLabel, 'left')];
  body.push(`<line x1="${MARGIN.left}" y1="${HEIGHT - MARGIN.bottom}" x2="${WIDTH - MARGIN.right}" y2="${HEIGHT - MARGIN.bottom}" stroke="#57606a"/>`);
  const groupW = plotW / Math.max(1, chart.groups.length);
  const barW = Math.min(48, (groupW * 0.8) / Math.max(1, chart.series.length));
  chart.groups.forEach((group, g) => {
    const x0 = MARGIN.left + g * groupW + (groupW - barW * chart.series.length) / 2;
    chart.series.forEach((s, i) => {
      const v = s.values[g];
      if (v === null || v === undefined) return;
      const x = x0 + i * barW;
      body.push(
        `<rect x="${x.toFixed(1)}" y="${yScale(v).toFixed(1)}" width="${(barW - 2).toFixed(1)}" height="${(HEIGHT - MARGIN.bottom - yScale(v)).toFixed(1)}" fill="${COLOURS[i % COLOURS.length]}"/>`,
      );
      body.push(`<text x="${(x + barW / 2 - 1).toFixed(1)}" y="${(yScale(v) - 4).toFixed(1)}" text-anchor="middle" font-size="10">${fmt(v)}</text>`);
    });
    body.push(`<text x="${MARGIN.left + g * groupW + groupW / 2}" y="${HEIGHT - MARGIN.bottom + 18}" text-anchor="middle">${escape(group)}</text>`);
  });
  body.push(...legend(chart.series.map((s, i) => ({ name: s.name, colour: COLOURS[i % COLOURS.length]! }))));
  return frame(chart.title, body);
}

export function renderChart(chart: Chart): string {
  return chart.kind === 'line' ? drawLine(chart) : drawBars(chart);
}
