import { getDb } from '@/db/client';
import { evaluateAlerts } from '@/lib/alerts/engine';

/** Evaluates the alert rules every 15 s; chained so a slow database never overlaps two runs. */
export function startAlertLoop(log: (m: string) => void = () => {}, everyMs = 15_000): () => void {
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  const tick = async () => {
    try {
      const { raised, resolved } = await evaluateAlerts(getDb());
      for (const a of raised) log(`alert raised: ${a.message}`);
      for (const a of resolved) log(`alert resolved: ${a.message}`);
    } catch (err) {
      log(`alert evaluation failed: ${(err as Error).message}`);
    }
    if (!stopped) timer = setTimeout(tick, everyMs);
  };
  timer = setTimeout(tick, everyMs);
  return () => {
    stopped = true;
    clearTimeout(timer);
  };
}
