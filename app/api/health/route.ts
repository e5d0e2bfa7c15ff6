import { checkHealth } from '@/lib/health';
import { json } from '@/lib/http/route';

export const dynamic = 'force-dynamic';

export async function GET() {
  const health = await checkHealth();
  return json(health, health.status === 'down' ? 503 : 200);
}
