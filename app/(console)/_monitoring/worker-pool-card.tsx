import type { WorkerPoolView } from '@/lib/metrics/worker-pool';
import { DataTable } from '@/components/data-table';
import { percent } from '@/components/format';

const ms = (x: number | null) => (x === null ? '—' : x < 10 ? `${x.toFixed(1)} ms` : `${Math.round(x)} ms`);

/** The worker pool's use in this process (the same figures as /metrics' ecs_worker_pool_*). */
export function WorkerPoolCard({ pool }: { pool: WorkerPoolView }) {
  return (
    <section className="card space-y-3" aria-labelledby="worker-pool-heading" data-testid="worker-pool">
      <h2 id="worker-pool-heading" className="font-semibold">
        Worker pool <span className="text-sm font-normal text-slate-500 dark:text-slate-400">(this process)</span>
      </h2>
      <dl className="grid grid-cols-2 gap-3 text-sm sm:grid-cols-4">
        <div>
          <dt className="text-slate-500 dark:text-slate-400">Busy threads</dt>
          <dd className="text-lg font-semibold tabular-nums" data-testid="worker-pool-busy">
            {pool.busy} / {pool.threads}
            <span className="text-sm font-normal text-slate-500 dark:text-slate-400"> (up to {pool.maxThreads || '—'})</span>
          </dd>
        </div>
        <div>
          <dt className="text-slate-500 dark:text-slate-400">Queued tasks</dt>
          <dd className="text-lg font-semibold tabular-nums" data-testid="worker-pool-queued">
            {pool.queued}
          </dd>
        </div>
        <div>
          <dt className="text-slate-500 dark:text-slate-400">Utilisation since start</dt>
          <dd className="text-lg font-semibold tabular-nums">{pool.running ? percent(pool.utilization) : '—'}</dd>
        </div>
        <div>
          <dt className="text-slate-500 dark:text-slate-400">Tasks run</dt>
          <dd className="text-lg font-semibold tabular-nums">{pool.tasks.reduce((a, t) => a + t.count, 0)}</dd>
        </div>
      </dl>
      {pool.tasks.length === 0 ? (
        <p className="text-sm text-slate-500 dark:text-slate-400">
          No work yet: threads start with the first audit check, export or report, and stop 30 s after the last.
        </p>
      ) : (
        <DataTable
          rows={pool.tasks}
          rowKey={(t) => t.kind}
          columns={[
            { header: 'Task', strong: true, cell: (t) => t.kind },
            { header: 'Runs', numeric: true, cell: (t) => t.count },
            { header: 'Mean time', numeric: true, cell: (t) => ms(t.meanMs) },
            { header: '95th percentile (at most)', numeric: true, cell: (t) => ms(t.p95Ms) },
          ]}
        />
      )}
    </section>
  );
}
