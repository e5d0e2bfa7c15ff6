import { checkHealth, runtimeState } from '@/lib/health';
import { json } from '@/lib/http/route';

export const dynamic = 'force-dynamic';

export async function GET() {
  const health = await checkHealth();
  const ready = runtimeState().migrated && health.bus.listening && health.dbReachable;
  return json({ ready, migrated: runtimeState().migrated, bus: health.bus.listening, db: health.dbReachable }, ready ? 200 : 503);
}
