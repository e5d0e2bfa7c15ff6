import type { AgentsNamespace } from '../bus/agents-namespace';
import { startResourceLoops } from './resources';

export type Loops = { stop: () => void };

/** Background work that outlives requests; each loop stops on shutdown. */
export function startLoops(agents: AgentsNamespace): Loops {
  void agents;
  const stops: (() => void)[] = [startResourceLoops()];
  return { stop: () => stops.forEach((s) => s()) };
}
