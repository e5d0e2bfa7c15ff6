import { DataTable } from '@/components/data-table';
import { percent } from './format';

type Pool = { type: string; allocated: number; capacity: number; available: number; utilisation: number };

/** A department's pools: what is held, what there is, what is left. */
export function PoolTable({ pools }: { pools: Pool[] }) {
  return (
    <DataTable
      rows={pools}
      rowKey={(r) => r.type}
      columns={[
        { header: 'Kind', cell: (r) => r.type },
        { header: 'Allocated', numeric: true, cell: (r) => r.allocated },
        { header: 'Capacity', numeric: true, cell: (r) => r.capacity },
        { header: 'Available', numeric: true, cell: (r) => r.available },
        { header: 'Use', numeric: true, cell: (r) => percent(r.utilisation) },
      ]}
    />
  );
}
