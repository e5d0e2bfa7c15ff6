import { route } from '@/lib/http/route';

export const GET = route({}, async ({ principal }) => ({
  id: principal.id,
  kind: principal.kind,
  username: principal.name,
  role: principal.role,
  departmentIds: principal.departmentIds,
  permissions: principal.permissions,
}));
