'use server';

import { revalidatePath } from 'next/cache';
import { z } from 'zod';
import { getDb } from '@/db/client';
import { retireAgent, updateAgent } from '@/lib/agents/service';
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
