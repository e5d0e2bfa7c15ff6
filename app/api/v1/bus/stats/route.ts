import { route } from '@/lib/http/route';
import { authorize } from '@/lib/auth/rbac';
import { busStats } from '@/lib/bus/stats';

export const GET = route({}, async ({ principal }) => {
  authorize(principal, 'metrics:read');
  return busStats();
});
