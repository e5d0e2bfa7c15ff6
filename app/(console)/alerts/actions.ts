'use server';

import { revalidatePath } from 'next/cache';
import { z } from 'zod';
import { getDb } from '@/db/client';
import { acknowledgeAlert, resolveAlert } from '@/lib/alerts/service';
import { AppError } from '@/lib/errors';
import { requirePrincipal } from '@/app/_lib/session';

const id = z.uuid();

/** Same lib/ calls and checks as POST /api/v1/alerts/{id}/acknowledge|resolve. */
export async function alertAction(action: 'acknowledge' | 'resolve', alertId: string): Promise<{ error?: string }> {
  const principal = await requirePrincipal();
  if (!id.safeParse(alertId).success) return { error: 'Unknown alert' };
  try {
    if (action === 'acknowledge') await acknowledgeAlert(getDb(), principal, alertId);
    else await resolveAlert(getDb(), principal, alertId);
  } catch (err) {
    if (err instanceof AppError) return { error: err.detail ?? err.title };
    throw err;
  }
  revalidatePath('/alerts');
  return {};
}
