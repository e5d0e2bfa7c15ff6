'use server';

import { revalidatePath } from 'next/cache';
import { z } from 'zod';
import { acknowledgeAlert, resolveAlert } from '@/lib/alerts/service';
import { action } from '@/app/_lib/action';

const byId = z.object({ id: z.uuid('Unknown alert') });

/** Same lib/ call and checks as POST /api/v1/alerts/{id}/acknowledge. */
export const acknowledgeAlertAction = action('alerts.acknowledge', byId, async ({ id }, { db, principal }) => {
  await acknowledgeAlert(db, principal, id);
  revalidatePath('/alerts');
  return { ok: 'Acknowledged' };
});

/** Same lib/ call and checks as POST /api/v1/alerts/{id}/resolve. */
export const resolveAlertAction = action('alerts.resolve', byId, async ({ id }, { db, principal }) => {
  await resolveAlert(db, principal, id);
  revalidatePath('/alerts');
  return { ok: 'Resolved' };
});
