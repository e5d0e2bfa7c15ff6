import type { TaskRequirements } from '@/db/vocabulary';
import type { AgentProfile } from '../presence/profile';

/**
 * Whether an agent's capabilities meet a task's required ones. A required value of `true` asks
 * for the capability to be present, a number for at least that level, a string for that exact
 * value, an array for all of its items.
 */
export function capabilitiesMeet(agent: Record<string, unknown>, required: Record<string, unknown> | undefined): boolean {
  if (!required) return true;
  for (const [key, want] of Object.entries(required)) {
    const have = agent[key];
    if (have === undefined || have === null || have === false) return false;
    if (typeof want === 'number') {
      if (typeof have !== 'number' || have < want) return false;
    } else if (typeof want === 'string') {
      if (Array.isArray(have) ? !have.includes(want) : have !== want) return false;
    } else if (Array.isArray(want)) {
      if (!Array.isArray(have) || !want.every((w) => have.includes(w))) return false;
    }
  }
  return true;
}

export function agentFits(agent: AgentProfile, req: TaskRequirements, targetAgentId?: string | null): boolean {
  if (targetAgentId && agent.id !== targetAgentId) return false;
  if (req.specialization && agent.specialization !== req.specialization) return false;
  return capabilitiesMeet(agent.capabilities, req.capabilities);
}

/** How many capabilities an agent has beyond what is asked: lower is a tighter fit. */
export function surplus(agent: AgentProfile, req: TaskRequirements): number {
  return Object.keys(agent.capabilities).length - Object.keys(req.capabilities ?? {}).length;
}

/** Accepts `["a","b"]` as shorthand for `{a: true, b: true}`. */
export function normaliseCapabilities(caps: Record<string, unknown> | string[] | undefined): Record<string, unknown> {
  if (!caps) return {};
  if (Array.isArray(caps)) return Object.fromEntries(caps.map((c) => [c, true]));
  return caps;
}
