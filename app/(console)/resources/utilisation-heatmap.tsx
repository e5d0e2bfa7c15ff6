import type { Pool } from '@/lib/resources/service';
import type { Names } from '@/lib/org/names';
import { DepartmentRef } from '@/components/entity-refs';

/** Departments × kinds; each cell's shade is the pool's utilisation, its text the numbers. */
export function UtilisationHeatmap({
  pools,
  departments,
  kinds,
  names,
}: {
  pools: Pool[];
  departments: string[];
  kinds: string[];
  names: Names;
}) {
  const at = new Map(pools.map((p) => [`${p.departmentId}\u0000${p.type}`, p]));
  return (
    <table className="table" data-testid="utilisation-heatmap">
      <caption className="sr-only">Utilisation per department and resource kind</caption>
      <thead>
        <tr>
          <th scope="col">Department</th>
          {kinds.map((k) => (
            <th key={k} scope="col" className="text-center">
              {k}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {departments.map((d) => (
          <tr key={d}>
            <th scope="row" className="text-left font-medium normal-case">
              <DepartmentRef id={d} names={names} />
            </th>
            {kinds.map((k) => {
              const p = at.get(`${d}\u0000${k}`);
              if (!p)
                return (
                  <td key={k} className="text-center text-slate-400" aria-label="no pool">
                    —
                  </td>
                );
              return (
                <td
                  key={k}
                  className={`text-center tabular-nums ${shade(p.utilisation)}`}
                  title={`${p.allocated} of ${p.capacity} ${p.unit} (guaranteed ${p.guaranteed}, maximum ${p.maximum})`}
                >
                  {Math.round(p.utilisation * 100)}%
                </td>
              );
            })}
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function shade(u: number): string {
  if (u > 0.9) return 'bg-red-200 text-red-900 dark:bg-red-900/60 dark:text-red-100';
  if (u >= 0.8) return 'bg-amber-200 text-amber-900 dark:bg-amber-900/60 dark:text-amber-100';
  if (u >= 0.5) return 'bg-indigo-200 text-indigo-900 dark:bg-indigo-900/60 dark:text-indigo-100';
  if (u > 0) return 'bg-indigo-50 dark:bg-indigo-950/60';
  return '';
}
