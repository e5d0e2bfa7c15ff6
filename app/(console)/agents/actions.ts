'use server';

import { revalidatePath } from 'next/cache';
import { z } from 'zod';
import { createAgent, retireAgent, updateAgent } from '@/lib/agents/service';
import { createAgentSchema } from '@/lib/agents/schemas';
import { action } from '@/app/_lib/action';
import { checkbox, checkedAs, commaList, numberField, text } from '@/app/_lib/form-fields';

export const setDrainingAction = action(
  'agents.drain',
  z.object({ id: z.uuid(), draining: checkbox }),
  async ({ id, draining }, { db, principal }) => {
    await updateAgent(db, principal, id, { draining });
    revalidatePath(`/agents/${id}`);
    return { ok: draining ? 'Draining' : 'Resumed' };
  },
);

export const retireAgentAction = action('agents.retire', z.object({ id: z.uuid() }), async ({ id }, { db, principal }) => {
  await retireAgent(db, principal, id);
  revalidatePath(`/agents/${id}`);
  return { ok: 'Retired' };
});

const agentForm = z
  .object({
    departmentId: text,
    name: text,
    type: text.transform((v) => v ?? 'worker'),
    specialization: text,
    capabilities: commaList,
    maxConcurrentTasks: numberField,
  })
  .pipe(checkedAs(createAgentSchema));

/**
 * Registers an agent, as POST /api/v1/agents does: the same schema and lib/ call. The secret comes
 * back this once (only its hash is stored).
 */
export const registerAgentAction = action('agents.create', agentForm, async (input, { db, principal }) => {
  const made = await createAgent(db, principal, input);
  revalidatePath('/agents');
  return {
    ok: `Registered ${made.agent.name}`,
    data: { agentId: made.credentials.agentId, secret: made.credentials.secret, name: made.agent.name },
  };
});
