import { requirePrincipal } from '@/app/_lib/session';
import { canOpenSection } from '@/lib/permissions/console-pages';
import { getDb } from '@/db/client';
import { readBusStats } from '@/lib/cluster/bus-totals';
import { EmptyState } from '@/components/empty-state';
import { BusLive } from './bus-live';

export default async function BusPage() {
  const principal = await requirePrincipal();
  if (!canOpenSection(principal, '/bus')) {
    return (
      <EmptyState title="Not available">Bus figures cover every department; they are shown to organisation-wide roles only.</EmptyState>
    );
  }
  return (
    <div className="space-y-4">
      <h1 className="text-2xl font-semibold">Coordination bus</h1>
      <BusLive initial={await readBusStats(getDb(), principal)} />
    </div>
  );
}
