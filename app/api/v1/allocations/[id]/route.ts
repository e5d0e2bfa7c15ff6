import { route } from '@/lib/http/route';
import { releaseAllocation } from '@/lib/allocations/allocations';
import { allocationParams } from '@/lib/resources/schemas';

export const DELETE = route({ params: allocationParams }, ({ db, principal, params }) => releaseAllocation(db, principal, params.id));
