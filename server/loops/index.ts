import type { AgentsNamespace } from '../bus/agents-namespace';
import { startMonitoring } from './monitoring';

export type Loops = { stop: () => void };

/** Background work that outlives requests; each loop stops on shutdown. */
export function startLoops(agents: AgentsNamespace): Loops {
  void agents;
  const stops: (() => void)[] = [];
  stops.push(startMonitoring());
  return { stop: () => stops.forEach((s) => s()) };
}
