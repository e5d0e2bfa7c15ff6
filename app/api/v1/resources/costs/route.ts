import { z } from 'zod';
import { route } from '@/lib/http/route';
import { departmentIdSchema } from '@/lib/org/department-id';
import { getCosts } from '@/lib/resources/service';

export const GET = route({ query: z.object({ departmentId: departmentIdSchema.optional() }).strict() }, ({ db, principal, query }) =>
  getCosts(db, principal, query.departmentId),
);
