'use server';

import { revalidatePath } from 'next/cache';
import { z } from 'zod';
import { getDb } from '@/db/client';
import { createAgent, retireAgent, updateAgent } from '@/lib/agents/service';
import { createAgentSchema } from '@/lib/agents/schemas';
import { badRequest } from '@/lib/errors';
import { runAction, type ActionState as FormActionState } from '@/app/_lib/action';
import { fieldProblems } from '@/app/_lib/field-messages';
import { formText, formValues } from '@/app/_lib/form-fields';
import { requirePrincipal } from '@/app/_lib/session';
import { actionError, type ActionState } from '@/app/_lib/action-state';

const id = z.uuid();

export async function setDrainingAction(agentId: string, draining: boolean): Promise<ActionState> {
  try {
    await updateAgent(getDb(), await requirePrincipal(), id.parse(agentId), { draining });
    revalidatePath(`/agents/${agentId}`);
    return { ok: true };
  } catch (err) {
    return actionError(err);
  }
}

export async function retireAgentAction(agentId: string): Promise<ActionState> {
  try {
    await retireAgent(getDb(), await requirePrincipal(), id.parse(agentId));
    revalidatePath(`/agents/${agentId}`);
    return { ok: true };
  } catch (err) {
    return actionError(err);
  }
}

const AGENT_FIELDS = ['departmentId', 'name', 'type', 'specialization', 'capabilities', 'maxConcurrentTasks'] as const;

/**
 * Registers an agent, as POST /api/v1/agents does: the same schema and lib/ call. The secret comes
 * back this once (only its hash is stored); a refused form comes back with what was typed.
 */
export async function registerAgentAction(_prev: FormActionState, form: FormData): Promise<FormActionState> {
  const values = formValues(form, AGENT_FIELDS);
  const state = await runAction('agents.create', async (db, principal) => {
    const text = formText(form);
    const parsed = createAgentSchema.safeParse({
      departmentId: text('departmentId'),
      name: text('name'),
      type: text('type') ?? 'worker',
      specialization: text('specialization'),
      capabilities:
        text('capabilities')
          ?.split(',')
          .map((s) => s.trim())
          .filter(Boolean) ?? [],
      maxConcurrentTasks: text('maxConcurrentTasks') ? Number(text('maxConcurrentTasks')) : undefined,
    });
    if (!parsed.success) throw badRequest('Check the highlighted fields', fieldProblems(parsed.error));
    const made = await createAgent(db, principal, parsed.data);
    revalidatePath('/agents');
    return {
      ok: `Registered ${made.agent.name}`,
      data: { agentId: made.credentials.agentId, secret: made.credentials.secret, name: made.agent.name },
    };
  });
  return state.error ? { ...state, values } : state;
}
