/**
 * A tiny SVG bar-chart writer for benchmark reports: no dependency, no browser. Horizontal bars, one
 * group per category (a system), one bar per series (p50, p99, …), the value printed at each bar's end.
 * A linear scale keeps bar length proportional to value; a log scale (powers of ten) fits values that
 * span milliseconds to seconds in one picture.
 */
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

const palette = ['#2563eb', '#f59e0b', '#dc2626', '#059669', '#7c3aed', '#0891b2'];
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
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="system-ui, sans-serif" font-size="12">`,
    `<rect width="${width}" height="${height}" fill="#ffffff"/>`,
    `<text x="${width / 2}" y="20" text-anchor="middle" font-size="14" font-weight="600">${escapeXml(c.title)}</text>`,
  ];
  if (legendH) {
    let lx = LABEL_W;
    c.series.forEach((s, i) => {
      out.push(`<rect x="${lx}" y="30" width="12" height="12" fill="${palette[i % palette.length]}"/>`);
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
        `<rect x="${LABEL_W}" y="${y + 1}" width="${w.toFixed(2)}" height="${BAR_H - 2}" fill="${palette[si % palette.length]}" data-value="${v}"><title>${escapeXml(`${cat} ${s.name}: ${formatValue(v)} ${c.unit}`)}</title></rect>`,
      );
      out.push(
        `<text x="${(LABEL_W + w + 4).toFixed(1)}" y="${y + BAR_H - 4}">${escapeXml(`${formatValue(v)} ${c.valueUnit ?? c.unit}`)}</text>`,
      );
    });
  });
  out.push('</svg>');
  return out.join('\n') + '\n';
}
