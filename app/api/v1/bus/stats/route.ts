import { route } from '@/lib/http/route';
import { readBusStats } from '@/lib/cluster/bus-totals';

export const GET = route({}, async ({ db, principal }) => readBusStats(db, principal));
