import { Cron } from 'croner';

/** Five fields (minute first) or six (seconds first); croner's other forms (7 fields, @nicknames) are not part of the contract. */
export function parseCron(expr: string, timezone = 'UTC'): Cron {
  const fields = expr.trim().split(/\s+/).length;
  if (fields !== 5 && fields !== 6) throw new Error(`Expected 5 fields (or 6 with seconds first), got ${fields}`);
  return new Cron(expr.trim(), { mode: '5-or-6-parts', timezone });
}

/** Why a cron expression is refused, or undefined when croner accepts it. */
export function cronProblem(expr: string): string | undefined {
  try {
    if (!parseCron(expr).nextRun()) return 'Never fires';
    return undefined;
  } catch (err) {
    return (err as Error).message.replace(/^CronPattern: /, '');
  }
}

export function isTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

/** The next `n` fire times strictly after `after`. */
export function nextFireTimes(expr: string, timezone: string, n: number, after = new Date()): Date[] {
  return parseCron(expr, timezone).nextRuns(n, after);
}

/** The first fire time strictly after `after`, or null for a pattern that has no more. */
export function nextFireTime(expr: string, timezone: string, after = new Date()): Date | null {
  return parseCron(expr, timezone).nextRun(after);
}

/** Fire times in [from, to] (both ends included), oldest first, at most `max`. */
export function fireTimesBetween(expr: string, timezone: string, from: Date, to: Date, max: number): Date[] {
  const cron = parseCron(expr, timezone);
  const out: Date[] = [];
  // croner answers times strictly after its reference and works in whole seconds: start just before `from`.
  let at: Date | null = new Date(from.getTime() - 1);
  while (out.length < max && (at = cron.nextRun(at)) && at.getTime() <= to.getTime()) out.push(at);
  return out;
}

/** The latest fire time strictly before `before` (a whole second) and not before `from`, if any. */
export function lastFireTimeBefore(expr: string, timezone: string, from: Date, before: Date): Date | undefined {
  const [t] = parseCron(expr, timezone).previousRuns(1, before);
  return t && t.getTime() >= from.getTime() && t.getTime() < before.getTime() ? t : undefined;
}
