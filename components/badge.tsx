const tones: Record<string, string> = {
  good: 'bg-emerald-100 text-emerald-800 dark:bg-emerald-900/40 dark:text-emerald-300',
  warn: 'bg-amber-100 text-amber-800 dark:bg-amber-900/40 dark:text-amber-300',
  bad: 'bg-red-100 text-red-800 dark:bg-red-900/40 dark:text-red-300',
  info: 'bg-sky-100 text-sky-800 dark:bg-sky-900/40 dark:text-sky-300',
  muted: 'bg-slate-100 text-slate-700 dark:bg-slate-800 dark:text-slate-300',
};

const toneOf: Record<string, keyof typeof tones> = {
  active: 'good',
  idle: 'good',
  completed: 'good',
  ok: 'good',
  busy: 'info',
  running: 'info',
  assigned: 'info',
  pending: 'muted',
  scheduled: 'info',
  paused: 'warn',
  draining: 'warn',
  inactive: 'muted',
  offline: 'muted',
  retired: 'muted',
  cancelled: 'muted',
  failed: 'bad',
  dead: 'bad',
  'timed-out': 'bad',
  lost: 'warn',
  preempted: 'warn',
  revoked: 'muted',
  critical: 'bad',
  high: 'warn',
  medium: 'info',
  low: 'muted',
  delivered: 'good',
  delivering: 'info',
};

export function Badge({ value }: { value: string }) {
  return <span className={`inline-block rounded px-2 py-0.5 text-xs font-medium ${tones[toneOf[value] ?? 'muted']}`}>{value}</span>;
}
