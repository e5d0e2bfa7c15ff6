import { requirePrincipal } from '@/app/_lib/session';
import { hasPermission, isGlobal } from '@/lib/permissions/rbac';
import { getDb } from '@/db/client';
import { combineBusStats } from '@/lib/cluster/bus-totals';
import { clusterParts } from '@/lib/cluster/processes';
import { EmptyState } from '@/components/empty-state';
import { BusLive } from './bus-live';

export default async function BusPage() {
  const principal = await requirePrincipal();
  if (!hasPermission(principal, 'metrics:read')) {
    return <EmptyState title="Not available">Your role ({principal.role}) lacks metrics:read.</EmptyState>;
  }
  if (!isGlobal(principal)) {
    return (
      <EmptyState title="Not available">Bus figures cover every department; they are shown to organisation-wide roles only.</EmptyState>
    );
  }
  return (
    <div className="space-y-4">
      <h1 className="text-2xl font-semibold">Coordination bus</h1>
      <BusLive initial={combineBusStats(await clusterParts(getDb()))} />
    </div>
  );
}
