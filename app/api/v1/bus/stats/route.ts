import { route } from '@/lib/http/route';
import { readBusStats } from '@/lib/metrics/bus-stats';

export const GET = route({}, async ({ principal }) => readBusStats(principal));
