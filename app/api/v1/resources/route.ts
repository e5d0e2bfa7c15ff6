import { route } from '@/lib/http/route';
import { listPools } from '@/lib/resources/service';

export const GET = route({}, async ({ db, principal }) => ({ items: await listPools(db, principal), nextCursor: null }));
