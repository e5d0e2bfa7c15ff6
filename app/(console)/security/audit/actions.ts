'use server';

import { verifyAudit } from '@/lib/audit/service';
import type { VerifyResult } from '@/lib/audit/verify';
import { runAction } from '@/app/_lib/action';

export type VerifyState = { result?: VerifyResult; error?: string };

export async function verifyAction(_prev: VerifyState, _form: FormData): Promise<VerifyState> {
  const state = await runAction('audit.verify', async (db, principal) => ({ data: await verifyAudit(db, principal) }));
  return state.error ? { error: state.error } : { result: state.data as VerifyResult };
}
