'use server';

import { revalidatePath } from 'next/cache';
import { confirmMfaEnrolment, qrSvg, startMfaEnrolment } from '@/lib/users/mfa';
import { mfaBodySchema } from '@/lib/users/schemas';
import { badRequest } from '@/lib/errors';
import { formString, runAction, type ActionState } from '@/app/_lib/action';

export type Enrolment = { secret: string; otpauthUri: string; recoveryCodes: string[]; qr: string };

export async function startEnrolmentAction(_prev: ActionState, _form: FormData): Promise<ActionState> {
  return runAction(
    'mfa.enrol',
    async (db, principal) => {
      const e = await startMfaEnrolment(db, principal, principal.id);
      const data: Enrolment = { secret: e.secret, otpauthUri: e.otpauthUri, recoveryCodes: e.recoveryCodes, qr: await qrSvg(e.otpauthUri) };
      return { data };
    },
    { mfaEnrolment: true },
  );
}

export async function confirmEnrolmentAction(_prev: ActionState, form: FormData): Promise<ActionState> {
  return runAction(
    'mfa.confirm',
    async (db, principal) => {
      const parsed = mfaBodySchema.safeParse({ code: formString(form, 'code').replace(/\s/g, '') });
      if (!parsed.success || !parsed.data.code) throw badRequest('Enter the 6-digit code from your app');
      await confirmMfaEnrolment(db, principal, principal.id, parsed.data.code);
      revalidatePath('/account/mfa');
      return { ok: 'MFA is on. From now on you sign in with a code.' };
    },
    { mfaEnrolment: true },
  );
}
