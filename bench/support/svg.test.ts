import { describe, expect, it } from 'vitest';
import { barChart, escapeXml, lineCharts } from './svg';

/** Well-formedness without a parser dependency: tags balance, attributes are quoted, text holds no raw < or bare &. */
function assertWellFormedXml(xml: string) {
  const stack: string[] = [];
  const tag = /<(\/?)([A-Za-z][\w:-]*)((?:\s+[\w:-]+="[^"<]*")*)\s*(\/?)>/g;
  let at = 0;
  for (let m = tag.exec(xml); m; m = tag.exec(xml)) {
    const text = xml.slice(at, m.index);
    expect(text, `text before ${m[0]}`).not.toMatch(/[<>]|&(?!(amp|lt|gt|quot|apos);)/);
    at = m.index + m[0].length;
    const [, closing, name, , selfClosing] = m;
    if (closing) expect(stack.pop(), `closing ${name}`).toBe(name);
    else if (!selfClosing) stack.push(name);
  }
  expect(xml.slice(at).trim()).toBe('');
  expect(stack).toEqual([]);
  expect(xml.trimStart().startsWith('<svg')).toBe(true);
}

const bars = (svg: string) =>
  [...svg.matchAll(/<rect x="[\d.]+" y="[\d.]+" width="([\d.]+)" height="[\d.]+" fill="[^"]+" data-value="([\d.e+-]+)"/g)].map((m) => ({
    width: Number(m[1]),
    value: Number(m[2]),
  }));

describe('barChart', () => {
  it('writes well-formed SVG, escaping labels', () => {
    const svg = barChart({
      title: 'p50 & p99 <latency>',
      unit: 'ms',
      categories: ['ours', 'pg-boss "notified"'],
      series: [
        { name: 'p50', values: [1, 2] },
        { name: 'p99', values: [10, null] },
      ],
    });
    assertWellFormedXml(svg);
    expect(svg).toContain('p50 &amp; p99 &lt;latency&gt;');
    expect(svg).toContain('no result');
  });

  it('draws linear bars proportional to their values', () => {
    const values = [120, 480, 3000, 7.5];
    const found = bars(barChart({ title: 't', unit: 'tasks/s', categories: ['a', 'b', 'c', 'd'], series: [{ name: 'x', values }] }));
    expect(found.map((b) => b.value)).toEqual(values);
    const perUnit = found[0].width / found[0].value;
    for (const b of found) expect(b.width / b.value).toBeCloseTo(perUnit, 2);
    expect(found[2].width).toBeGreaterThan(found[1].width * 6);
  });

  it('orders bars by value on a log scale', () => {
    const found = bars(
      barChart({ title: 't', unit: 'ms', scale: 'log', categories: ['a', 'b', 'c'], series: [{ name: 'p99', values: [2, 200, 20_000] }] }),
    );
    expect(found[0].width).toBeLessThan(found[1].width);
    // Equal ratios, equal steps: 2→200 and 200→20,000 are both ×100.
    expect(found[1].width - found[0].width).toBeCloseTo(found[2].width - found[1].width, 1);
  });
});

describe('escapeXml', () => {
  it('escapes the five XML specials', () => expect(escapeXml(`<a href="x">&'`)).toBe('&lt;a href=&quot;x&quot;&gt;&amp;&apos;'));
});

describe('lineCharts', () => {
  it('writes well-formed SVG with a panel per chart, a line and points per series, labels escaped', () => {
    const svg = lineCharts([
      {
        title: 'Throughput <tasks/s>',
        xLabel: 'agents',
        yLabel: 'tasks/s',
        logX: true,
        series: [
          {
            name: 'A & B',
            points: [
              [1, 10],
              [2, 20],
              [4, 35],
            ],
          },
          {
            name: 'C',
            points: [
              [1, 5],
              [2, Number.NaN],
              [4, 12],
            ],
          },
        ],
      },
      { title: 'Latency', xLabel: 'agents', yLabel: 'ms', series: [{ name: 'p99', points: [[100, 1500]] }] },
    ]);
    assertWellFormedXml(svg);
    expect(svg).toContain('width="720"');
    expect(svg).toContain('Throughput &lt;tasks/s&gt;');
    expect(svg).toContain('A &amp; B');
    expect(svg.match(/<polyline /g)).toHaveLength(3);
    // A point that is not a number is left out, not drawn at NaN.
    expect(svg.match(/<circle /g)).toHaveLength(3 + 2 + 1);
    expect(svg).not.toContain('NaN');
    expect(svg).toContain('>1.5k<');
  });
});
