import { route } from '@/lib/http/route';
import { readBusStats } from '@/lib/bus/stats';

export const GET = route({}, async ({ principal }) => readBusStats(principal));
