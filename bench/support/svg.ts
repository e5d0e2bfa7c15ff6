/**
 * The benchmarks' SVG chart writer, for docs/benchmarks.md: no dependency, no browser. Two kinds,
 * one page style (palette, font, escaping, round axis steps):
 * - barChart: horizontal bars, one group per category (a system), one bar per series (p50, p99, …),
 *   the value printed at each bar's end. A linear scale keeps bar length proportional to value; a
 *   log scale (powers of ten) fits values that span milliseconds to seconds in one picture.
 * - lineCharts: panels side by side, each with its own axes, a legend and optional log-scaled x
 *   (agent counts grow ×2 per step).
 */

const palette = ['#2563eb', '#f59e0b', '#dc2626', '#059669', '#7c3aed', '#0891b2'];
const colour = (i: number): string => palette[i % palette.length];

/** The SVG element around a chart's parts, on a white page. */
function svgDocument(width: number, height: number, fontSize: number, parts: string[]): string {
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="system-ui, sans-serif" font-size="${fontSize}">`,
    `<rect width="${width}" height="${height}" fill="#ffffff"/>`,
    ...parts,
    '</svg>',
    '',
  ].join('\n');
}

export type ChartSeries = { name: string; values: (number | null)[] };
export type BarChart = {
  title: string;
  /** Unit after each value and on the axis, e.g. "tasks/s" or "ms". */
  unit: string;
  /** One group of bars each, top to bottom. */
  categories: string[];
  series: ChartSeries[];
  scale?: 'linear' | 'log';
  width?: number;
  /** Unit after each bar's value, when shorter than the axis unit. */
  valueUnit?: string;
  /** Text where a value is missing (default "no result"; "" for none). */
  missing?: string;
};

const LABEL_W = 200;
const VALUE_W = 110;
const BAR_H = 16;
const GROUP_GAP = 12;

export function escapeXml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;');
}

export function formatValue(v: number): string {
  if (!Number.isFinite(v)) return '–';
  if (v === 0) return '0';
  if (Math.abs(v) >= 100) return Math.round(v).toLocaleString('en-US');
  if (Math.abs(v) >= 10) return v.toFixed(1);
  return v.toFixed(2);
}

/** The smallest round step (1, 2, 2.5 or 5 times a power of ten) at least `raw`. */
export function niceStep(raw: number): number {
  const mag = 10 ** Math.floor(Math.log10(raw));
  return [1, 2, 2.5, 5, 10].map((m) => m * mag).find((s) => s >= raw)!;
}

/** Axis ticks: 0 and about four round steps for linear, powers of ten for log. */
function ticks(max: number, min: number, scale: 'linear' | 'log'): number[] {
  if (scale === 'log') {
    const out: number[] = [];
    for (let e = Math.floor(Math.log10(min)); e <= Math.ceil(Math.log10(max)); e++) out.push(10 ** e);
    return out;
  }
  const step = niceStep(max / 4);
  return Array.from({ length: Math.ceil(max / step) + 1 }, (_, i) => i * step);
}

export function barChart(c: BarChart): string {
  const scale = c.scale ?? 'linear';
  const width = c.width ?? 760;
  const plotW = width - LABEL_W - VALUE_W;
  const values = c.series
    .flatMap((s) => s.values)
    .filter((v): v is number => v !== null && Number.isFinite(v) && (scale === 'linear' ? v >= 0 : v > 0));
  const positive = values.filter((v) => v > 0);
  const tickList = ticks(Math.max(...values, 1e-9), Math.min(...positive, 1), scale);
  const lo = scale === 'log' ? tickList[0] : 0;
  const hi = tickList[tickList.length - 1] || 1;
  const x = (v: number) =>
    scale === 'log' ? (plotW * (Math.log10(Math.max(v, lo)) - Math.log10(lo))) / (Math.log10(hi) - Math.log10(lo) || 1) : (plotW * v) / hi;

  const legendH = c.series.length > 1 ? 22 : 0;
  const top = 34 + legendH;
  const groupH = c.series.length * BAR_H + GROUP_GAP;
  const plotH = c.categories.length * groupH;
  const height = top + plotH + 34;
  const out: string[] = [
    `<text x="${width / 2}" y="20" text-anchor="middle" font-size="14" font-weight="600">${escapeXml(c.title)}</text>`,
  ];
  if (legendH) {
    let lx = LABEL_W;
    c.series.forEach((s, i) => {
      out.push(`<rect x="${lx}" y="30" width="12" height="12" fill="${colour(i)}"/>`);
      out.push(`<text x="${lx + 16}" y="40">${escapeXml(s.name)}</text>`);
      lx += 24 + s.name.length * 7;
    });
  }
  for (const t of tickList) {
    const tx = (LABEL_W + x(t)).toFixed(1);
    out.push(`<line x1="${tx}" y1="${top - 4}" x2="${tx}" y2="${top + plotH}" stroke="#e5e7eb"/>`);
    out.push(`<text x="${tx}" y="${top + plotH + 16}" text-anchor="middle" fill="#6b7280">${escapeXml(formatValue(t))}</text>`);
  }
  out.push(
    `<text x="${LABEL_W + plotW / 2}" y="${top + plotH + 30}" text-anchor="middle" fill="#6b7280">${escapeXml(c.unit)}${scale === 'log' ? ' (log scale)' : ''}</text>`,
  );
  c.categories.forEach((cat, ci) => {
    const gy = top + ci * groupH;
    out.push(`<text x="${LABEL_W - 8}" y="${gy + (c.series.length * BAR_H) / 2 + 4}" text-anchor="end">${escapeXml(cat)}</text>`);
    c.series.forEach((s, si) => {
      const v = s.values[ci];
      const y = gy + si * BAR_H;
      if (v === null || v === undefined || !Number.isFinite(v)) {
        const missing = c.missing ?? 'no result';
        if (missing) out.push(`<text x="${LABEL_W + 4}" y="${y + BAR_H - 4}" fill="#6b7280">${escapeXml(missing)}</text>`);
        return;
      }
      const w = Math.max(0, x(v));
      out.push(
        `<rect x="${LABEL_W}" y="${y + 1}" width="${w.toFixed(2)}" height="${BAR_H - 2}" fill="${colour(si)}" data-value="${v}"><title>${escapeXml(`${cat} ${s.name}: ${formatValue(v)} ${c.unit}`)}</title></rect>`,
      );
      out.push(
        `<text x="${(LABEL_W + w + 4).toFixed(1)}" y="${y + BAR_H - 4}">${escapeXml(`${formatValue(v)} ${c.valueUnit ?? c.unit}`)}</text>`,
      );
    });
  });
  return svgDocument(width, height, 12, out);
}

export type Series = { name: string; points: [number, number][] };
export type Panel = { title: string; xLabel: string; yLabel: string; series: Series[]; logX?: boolean };

const PANEL_W = 360;
const PANEL_H = 260;
const M = { l: 56, r: 12, t: 28, b: 64 };

/** An axis label: 1.5k rather than 1,500, three significant digits below. */
const compact = (v: number) => (Math.abs(v) >= 1000 ? `${+(v / 1000).toFixed(1)}k` : `${+v.toPrecision(3)}`);

/** A round upper bound and step for 0..max with about five ticks. */
function niceScale(max: number): { top: number; step: number } {
  if (!(max > 0)) return { top: 1, step: 0.2 };
  const step = niceStep(max / 5);
  return { top: Math.ceil(max / step) * step, step };
}

function panel(p: Panel, dx: number): string[] {
  const xs = p.series.flatMap((s) => s.points.map(([x]) => x));
  const ys = p.series.flatMap((s) => s.points.map(([, y]) => y)).filter(Number.isFinite);
  const [x0, x1] = [Math.min(...xs), Math.max(...xs)];
  const tx = p.logX ? (x: number) => Math.log(x) : (x: number) => x;
  const { top, step } = niceScale(Math.max(...ys, 0));
  const pw = PANEL_W - M.l - M.r;
  const ph = PANEL_H - M.t - M.b;
  const sx = (x: number) => dx + M.l + (x1 === x0 ? pw / 2 : ((tx(x) - tx(x0)) / (tx(x1) - tx(x0))) * pw);
  const sy = (y: number) => M.t + ph - (y / top) * ph;
  const out: string[] = [`<text x="${dx + PANEL_W / 2}" y="16" text-anchor="middle" font-weight="bold">${escapeXml(p.title)}</text>`];
  for (let y = 0; y <= top + step / 2; y += step) {
    out.push(`<line x1="${dx + M.l}" x2="${dx + PANEL_W - M.r}" y1="${sy(y)}" y2="${sy(y)}" stroke="#e5e7eb"/>`);
    out.push(`<text x="${dx + M.l - 4}" y="${sy(y) + 4}" text-anchor="end">${compact(y)}</text>`);
  }
  for (const x of [...new Set(xs)].sort((a, b) => a - b)) {
    out.push(`<text x="${sx(x)}" y="${M.t + ph + 14}" text-anchor="middle">${compact(x)}</text>`);
  }
  out.push(`<line x1="${dx + M.l}" x2="${dx + M.l}" y1="${M.t}" y2="${M.t + ph}" stroke="#6b7280"/>`);
  out.push(`<line x1="${dx + M.l}" x2="${dx + PANEL_W - M.r}" y1="${M.t + ph}" y2="${M.t + ph}" stroke="#6b7280"/>`);
  out.push(
    `<text x="${dx + M.l + pw / 2}" y="${M.t + ph + 30}" text-anchor="middle">${escapeXml(p.xLabel)}${p.logX ? ' (log)' : ''}</text>`,
  );
  out.push(`<text transform="translate(${dx + 14} ${M.t + ph / 2}) rotate(-90)" text-anchor="middle">${escapeXml(p.yLabel)}</text>`);
  p.series.forEach((s, i) => {
    const c = colour(i);
    const pts = s.points.filter(([, y]) => Number.isFinite(y));
    out.push(
      `<polyline fill="none" stroke="${c}" stroke-width="2" points="${pts.map(([x, y]) => `${sx(x).toFixed(1)},${sy(y).toFixed(1)}`).join(' ')}"/>`,
    );
    for (const [x, y] of pts) out.push(`<circle cx="${sx(x).toFixed(1)}" cy="${sy(y).toFixed(1)}" r="3" fill="${c}"/>`);
    const ly = PANEL_H - 24 + Math.floor(i / 2) * 14;
    const lx = dx + M.l + (i % 2) * (pw / 2);
    out.push(
      `<rect x="${lx}" y="${ly - 8}" width="10" height="10" fill="${c}"/><text x="${lx + 14}" y="${ly + 1}">${escapeXml(s.name)}</text>`,
    );
  });
  return out;
}

/** Line-chart panels in a row, in one SVG. */
export function lineCharts(panels: Panel[]): string {
  return svgDocument(
    PANEL_W * panels.length,
    PANEL_H,
    11,
    panels.flatMap((p, i) => panel(p, i * PANEL_W)),
  );
}
