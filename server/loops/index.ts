import type { AgentsNamespace } from '../bus/agents-namespace';
import { startCoordinatorLoops } from './coordinator';
import { startAuditChainLoop } from './audit-chain';
import { startResourceLoops } from './resources';
import { startMonitoring } from './monitoring';
import { startScheduleLoop } from './schedules';

export type Loops = { stop: () => void };

/** Background work that outlives requests; each loop stops on shutdown. */
export function startLoops(agents: AgentsNamespace): Loops {
  const stops: (() => void)[] = [...startCoordinatorLoops(agents), startAuditChainLoop(), startResourceLoops(), startMonitoring(), startScheduleLoop()];
  return { stop: () => stops.forEach((s) => s()) };
}
