// The console's one clock: every time a person reads is formatted here, in the viewer's time zone
// with the zone named, 24-hour. Exports and APIs carry ISO 8601 instead (toISOString).

type When = Date | string | number;

const toDate = (v: When) => (v instanceof Date ? v : new Date(v));

// h23, not hour12:false: some engines print midnight as "24:00" with hour12:false.
const parts = (d: Date, timeZone: string | undefined) =>
  Object.fromEntries(
    new Intl.DateTimeFormat('en-US', {
      timeZone,
      year: 'numeric',
      month: 'short',
      day: 'numeric',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      hourCycle: 'h23',
      timeZoneName: 'short',
    })
      .formatToParts(d)
      .map((p) => [p.type, p.value]),
  ) as Record<'year' | 'month' | 'day' | 'hour' | 'minute' | 'second' | 'timeZoneName', string>;

export type FormatOptions = { timeZone?: string; now?: Date };

/**
 * "13:35:16 PST" today, "Dec 6, 13:35:16 PST" on another day this year, "Dec 6 2025, 13:35:16 PST"
 * otherwise, so a glance at a list doesn't need the date repeated on every row.
 */
export function formatTime(value: When, opts: FormatOptions = {}): string {
  const d = toDate(value);
  if (Number.isNaN(d.getTime())) return '—';
  const p = parts(d, opts.timeZone);
  const n = parts(opts.now ?? new Date(), opts.timeZone);
  const clock = `${p.hour}:${p.minute}:${p.second} ${p.timeZoneName}`;
  if (p.year === n.year && p.month === n.month && p.day === n.day) return clock;
  return p.year === n.year ? `${p.month} ${p.day}, ${clock}` : `${p.month} ${p.day} ${p.year}, ${clock}`;
}

/** Always with the date: "Dec 7 2026, 13:35:16 PST", for hover titles and tooltips. */
export function formatFull(value: When, opts: Pick<FormatOptions, 'timeZone'> = {}): string {
  const d = toDate(value);
  if (Number.isNaN(d.getTime())) return '—';
  const p = parts(d, opts.timeZone);
  return `${p.month} ${p.day} ${p.year}, ${p.hour}:${p.minute}:${p.second} ${p.timeZoneName}`;
}

const units: [Intl.RelativeTimeFormatUnit, number][] = [
  ['day', 86_400_000],
  ['hour', 3_600_000],
  ['minute', 60_000],
  ['second', 1000],
];
const short: Record<string, string> = { day: 'd', hour: 'h', minute: 'min', second: 's' };

/** "3 min ago", "in 2 h", "just now". */
export function formatRelative(value: When, now: Date = new Date()): string {
  const d = toDate(value);
  if (Number.isNaN(d.getTime())) return '—';
  const diff = d.getTime() - now.getTime();
  const abs = Math.abs(diff);
  if (abs < 10_000) return 'just now';
  for (const [unit, ms] of units) {
    if (abs >= ms || unit === 'second') {
      const n = Math.floor(abs / ms);
      return diff < 0 ? `${n} ${short[unit]} ago` : `in ${n} ${short[unit]}`;
    }
  }
  return 'just now';
}

/**
 * Chart axis ticks: HH:mm, with the date when the range spans more than a day's worth of ticks
 * (24 h and 7 d views), HH:mm:ss for live views of a minute or two.
 */
export function formatTick(value: When, spanMs: number, opts: Pick<FormatOptions, 'timeZone'> = {}): string {
  const d = toDate(value);
  if (Number.isNaN(d.getTime())) return '';
  const p = parts(d, opts.timeZone);
  if (spanMs <= 5 * 60_000) return `${p.hour}:${p.minute}:${p.second}`;
  if (spanMs >= 20 * 3_600_000) return `${p.month} ${p.day} ${p.hour}:${p.minute}`;
  return `${p.hour}:${p.minute}`;
}

/** The viewer's zone name for axis labels: "PST". */
export function zoneName(at: When = new Date(), opts: Pick<FormatOptions, 'timeZone'> = {}): string {
  return parts(toDate(at), opts.timeZone).timeZoneName;
}
