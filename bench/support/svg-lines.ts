// Tiny line charts as SVG text, for docs/benchmarks.md: panels side by side, each with its own
// axes, a legend and optional log-scaled x (agent counts grow ×2 per step).

import { escapeXml, niceStep } from './svg';

export type Series = { name: string; points: [number, number][] };
export type Panel = { title: string; xLabel: string; yLabel: string; series: Series[]; logX?: boolean };

const W = 360;
const H = 260;
const M = { l: 56, r: 12, t: 28, b: 64 };
const COLORS = ['#2563eb', '#dc2626', '#16a34a', '#9333ea', '#ea580c'];

const fmt = (v: number) => (Math.abs(v) >= 1000 ? `${+(v / 1000).toFixed(1)}k` : `${+v.toPrecision(3)}`);

/** A "nice" upper bound and step for 0..max with about five ticks. */
function niceScale(max: number): { top: number; step: number } {
  if (!(max > 0)) return { top: 1, step: 0.2 };
  const step = niceStep(max / 5);
  return { top: Math.ceil(max / step) * step, step };
}

function panel(p: Panel, dx: number): string {
  const xs = p.series.flatMap((s) => s.points.map(([x]) => x));
  const ys = p.series.flatMap((s) => s.points.map(([, y]) => y)).filter(Number.isFinite);
  const [x0, x1] = [Math.min(...xs), Math.max(...xs)];
  const tx = p.logX ? (x: number) => Math.log(x) : (x: number) => x;
  const { top, step } = niceScale(Math.max(...ys, 0));
  const pw = W - M.l - M.r;
  const ph = H - M.t - M.b;
  const sx = (x: number) => dx + M.l + (x1 === x0 ? pw / 2 : ((tx(x) - tx(x0)) / (tx(x1) - tx(x0))) * pw);
  const sy = (y: number) => M.t + ph - (y / top) * ph;
  const out: string[] = [`<text x="${dx + W / 2}" y="16" text-anchor="middle" font-weight="bold">${escapeXml(p.title)}</text>`];
  for (let y = 0; y <= top + step / 2; y += step) {
    out.push(`<line x1="${dx + M.l}" x2="${dx + W - M.r}" y1="${sy(y)}" y2="${sy(y)}" stroke="#e5e7eb"/>`);
    out.push(`<text x="${dx + M.l - 4}" y="${sy(y) + 4}" text-anchor="end">${fmt(y)}</text>`);
  }
  for (const x of [...new Set(xs)].sort((a, b) => a - b)) {
    out.push(`<text x="${sx(x)}" y="${M.t + ph + 14}" text-anchor="middle">${fmt(x)}</text>`);
  }
  out.push(`<line x1="${dx + M.l}" x2="${dx + M.l}" y1="${M.t}" y2="${M.t + ph}" stroke="#6b7280"/>`);
  out.push(`<line x1="${dx + M.l}" x2="${dx + W - M.r}" y1="${M.t + ph}" y2="${M.t + ph}" stroke="#6b7280"/>`);
  out.push(
    `<text x="${dx + M.l + pw / 2}" y="${M.t + ph + 30}" text-anchor="middle">${escapeXml(p.xLabel)}${p.logX ? ' (log)' : ''}</text>`,
  );
  out.push(`<text transform="translate(${dx + 14} ${M.t + ph / 2}) rotate(-90)" text-anchor="middle">${escapeXml(p.yLabel)}</text>`);
  p.series.forEach((s, i) => {
    const c = COLORS[i % COLORS.length];
    const pts = s.points.filter(([, y]) => Number.isFinite(y));
    out.push(
      `<polyline fill="none" stroke="${c}" stroke-width="2" points="${pts.map(([x, y]) => `${sx(x).toFixed(1)},${sy(y).toFixed(1)}`).join(' ')}"/>`,
    );
    for (const [x, y] of pts) out.push(`<circle cx="${sx(x).toFixed(1)}" cy="${sy(y).toFixed(1)}" r="3" fill="${c}"/>`);
    const ly = H - 24 + Math.floor(i / 2) * 14;
    const lx = dx + M.l + (i % 2) * (pw / 2);
    out.push(
      `<rect x="${lx}" y="${ly - 8}" width="10" height="10" fill="${c}"/><text x="${lx + 14}" y="${ly + 1}">${escapeXml(s.name)}</text>`,
    );
  });
  return out.join('\n');
}

/** One SVG with the panels in a row. */
export function lineCharts(panels: Panel[]): string {
  const width = W * panels.length;
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${H}" viewBox="0 0 ${width} ${H}" font-family="sans-serif" font-size="11">
<rect width="100%" height="100%" fill="white"/>
${panels.map((p, i) => panel(p, i * W)).join('\n')}
</svg>
`;
}
