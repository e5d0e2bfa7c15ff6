import type { AgentsNamespace } from '../bus/agents-namespace';
import { startCoordinatorLoops } from './coordinator';

export type Loops = { stop: () => void };

/** Background work that outlives requests; each loop stops on shutdown. */
export function startLoops(agents: AgentsNamespace): Loops {
  const stops: (() => void)[] = [...startCoordinatorLoops(agents)];
  return { stop: () => stops.forEach((s) => s()) };
}
