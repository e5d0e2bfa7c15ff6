/**
 * A strict reader of the Prometheus text exposition format (0.0.4), for tests: every line must be
 * a HELP, a TYPE or a sample; every sample must belong to a family declared by TYPE before it;
 * label values must be properly quoted and escaped; values must be floats. Throws on anything else.
 */
export type Family = {
  name: string;
  type: string;
  help?: string;
  samples: { name: string; labels: Record<string, string>; value: number }[];
};

const NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
const TYPES = new Set(['counter', 'gauge', 'histogram', 'summary', 'untyped']);
const SUFFIXES: Record<string, string[]> = {
  histogram: ['_bucket', '_sum', '_count'],
  summary: ['_sum', '_count', ''],
  counter: [''],
  gauge: [''],
  untyped: [''],
};

export function parsePrometheusText(text: string): Map<string, Family> {
  const families = new Map<string, Family>();
  const lines = text.split('\n');
  if (lines[lines.length - 1] !== '') throw new Error('exposition must end with a newline');
  lines.forEach((line, i) => {
    const at = `line ${i + 1}: ${line}`;
    if (line === '') return;
    if (line.startsWith('#')) {
      const m = /^# (HELP|TYPE) (\S+) ?(.*)$/.exec(line);
      if (!m) {
        if (/^# (HELP|TYPE)/.test(line)) throw new Error(`malformed comment, ${at}`);
        return;
      }
      const [, kw, name, rest] = m;
      if (!NAME.test(name)) throw new Error(`bad metric name, ${at}`);
      const f = families.get(name) ?? { name, type: 'untyped', samples: [] };
      if (kw === 'TYPE') {
        if (!TYPES.has(rest)) throw new Error(`bad type, ${at}`);
        if (f.samples.length) throw new Error(`TYPE after samples, ${at}`);
        f.type = rest;
      } else f.help = rest;
      families.set(name, f);
      return;
    }
    const sm = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{.*\})? (\S+)( -?\d+)?$/.exec(line);
    if (!sm) throw new Error(`malformed sample, ${at}`);
    const [, name, labelText, valueText] = sm;
    const value = parseValue(valueText, at);
    const labels = labelText ? parseLabels(labelText.slice(1, -1), at) : {};
    const fam = familyOf(families, name);
    if (!fam) throw new Error(`sample without a declared family, ${at}`);
    if (fam.type === 'histogram' && name.endsWith('_bucket') && !('le' in labels)) throw new Error(`bucket without le, ${at}`);
    fam.samples.push({ name, labels, value });
  });
  return families;
}

function familyOf(families: Map<string, Family>, sample: string): Family | undefined {
  for (const f of families.values()) for (const s of SUFFIXES[f.type]) if (f.name + s === sample) return f;
  return undefined;
}

function parseValue(v: string, at: string): number {
  // Prometheus parses values with Go's strconv.ParseFloat: NaN and Inf in any letter case.
  if (/^\+?inf$/i.test(v)) return Infinity;
  if (/^-inf$/i.test(v)) return -Infinity;
  if (/^nan$/i.test(v)) return NaN;
  if (!/^-?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(v)) throw new Error(`bad value ${v}, ${at}`);
  return Number(v);
}

function parseLabels(s: string, at: string): Record<string, string> {
  const out: Record<string, string> = {};
  let i = 0;
  while (i < s.length) {
    const eq = s.indexOf('=', i);
    if (eq < 0) throw new Error(`bad label, ${at}`);
    const name = s.slice(i, eq);
    if (!LABEL.test(name)) throw new Error(`bad label name ${name}, ${at}`);
    if (s[eq + 1] !== '"') throw new Error(`unquoted label value, ${at}`);
    let j = eq + 2;
    let val = '';
    for (; j < s.length && s[j] !== '"'; j++) {
      if (s[j] === '\\') {
        const n = s[++j];
        if (n === 'n') val += '\n';
        else if (n === '\\' || n === '"') val += n;
        else throw new Error(`bad escape, ${at}`);
      } else val += s[j];
    }
    if (s[j] !== '"') throw new Error(`unterminated label value, ${at}`);
    if (name in out) throw new Error(`duplicate label ${name}, ${at}`);
    out[name] = val;
    i = j + 1;
    if (i < s.length) {
      if (s[i] !== ',') throw new Error(`expected comma, ${at}`);
      i++;
    }
  }
  return out;
}
