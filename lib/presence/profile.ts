/** What matching needs to know of an agent: who it is, where it works, what it can do. */
export type AgentProfile = {
  id: string;
  departmentId: string;
  specialization: string;
  capabilities: Record<string, unknown>;
};

/** An agent as load balancing sees it: its profile, its load and its record. */
export type Candidate = AgentProfile & {
  activeTasks: number;
  maxConcurrentTasks: number;
  weight: number;
  /** 0..1, from the agent's success rate; 1 for an agent with no history yet. */
  score: number;
};
