import { percent } from './format';

type Use = { used: number; limit: number | null };
export type QuotaUseView = { tasksPerMinute: Use; maxPendingTasks: Use; maxMonthlyCost: Use };

const LABELS: [keyof QuotaUseView, string, (n: number) => string][] = [
  ['tasksPerMinute', 'Tasks this minute', (n) => String(n)],
  ['maxPendingTasks', 'Pending tasks', (n) => String(n)],
  ['maxMonthlyCost', 'Monthly cost', (n) => `$${n.toLocaleString('en-US', { maximumFractionDigits: 2 })}`],
];

/** A department's quotas as used / limit bars; a quota that isn't set says so. */
export function QuotaBars({ quotas }: { quotas: QuotaUseView }) {
  return (
    <ul className="space-y-3" data-testid="quota-bars">
      {LABELS.map(([key, label, fmt]) => {
        const { used, limit } = quotas[key];
        const share = limit ? Math.min(1, used / limit) : limit === 0 ? 1 : 0;
        const tone = share >= 1 ? 'bg-red-500' : share >= 0.8 ? 'bg-amber-500' : 'bg-emerald-500';
        return (
          <li key={key} data-quota={key}>
            <div className="flex justify-between text-sm">
              <span className="font-medium">{label}</span>
              <span className="tabular-nums">
                {limit === null ? `${fmt(used)} · no quota` : `${fmt(used)} / ${fmt(limit)} (${percent(share)})`}
              </span>
            </div>
            {limit !== null && (
              <div
                className="mt-1 h-2 rounded bg-slate-200 dark:bg-slate-700"
                role="meter"
                aria-label={label}
                aria-valuemin={0}
                aria-valuemax={limit}
                aria-valuenow={used}
              >
                <div className={`h-2 rounded ${tone}`} style={{ width: `${Math.round(share * 100)}%` }} />
              </div>
            )}
          </li>
        );
      })}
    </ul>
  );
}
