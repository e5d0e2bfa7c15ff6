import { route } from '@/lib/http/route';
import { allocate, listAllocations } from '@/lib/allocations/allocations';
import { allocateSchema, listAllocationsQuery } from '@/lib/resources/schemas';

export const GET = route({ query: listAllocationsQuery }, ({ db, principal, query }) => listAllocations(db, principal, query));

export const POST = route({ body: allocateSchema, status: 201, idempotent: true }, ({ db, principal, body }) =>
  allocate(db, principal, { ...body, resources: body.resources as Record<string, number> }),
);
