import { route } from '@/lib/http/route';
import { allocate } from '@/lib/allocations/allocations';
import { allocationTable, allocationTableQuery } from '@/lib/allocations/table';
import { allocateSchema } from '@/lib/resources/schemas';

export const GET = route({ query: allocationTableQuery }, ({ db, principal, query }) => allocationTable(db, principal, query));

export const POST = route({ body: allocateSchema, status: 201, idempotent: true }, ({ db, principal, body }) =>
  allocate(db, principal, { ...body, resources: body.resources as Record<string, number> }),
);
