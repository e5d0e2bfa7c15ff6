'use server';

import { z } from 'zod';
import { verifyAudit } from '@/lib/audit/service';
import { action } from '@/app/_lib/action';

export const verifyAction = action('audit.verify', z.object({}), async (_input, { db, principal }) => ({
  data: await verifyAudit(db, principal),
}));
