'use server';

import { revalidatePath } from 'next/cache';
import { z } from 'zod';
import { confirmMfaEnrolment, qrSvg, startMfaEnrolment } from '@/lib/users/mfa';
import { action } from '@/app/_lib/action';
import { rawText } from '@/app/_lib/form-fields';

export type Enrolment = { secret: string; otpauthUri: string; recoveryCodes: string[]; qr: string };

export const startEnrolmentAction = action(
  'mfa.enrol',
  z.object({}),
  async (_input, { db, principal }) => {
    const e = await startMfaEnrolment(db, principal, principal.id);
    const data: Enrolment = { secret: e.secret, otpauthUri: e.otpauthUri, recoveryCodes: e.recoveryCodes, qr: await qrSvg(e.otpauthUri) };
    return { data };
  },
  { mfaEnrolment: true },
);

const codeForm = z.object({
  // Apps show the code as "123 456".
  code: rawText.transform((v) => v.replace(/\s/g, '')).pipe(z.string().regex(/^\d{6}$/, 'Enter the 6-digit code from your app')),
});

export const confirmEnrolmentAction = action(
  'mfa.confirm',
  codeForm,
  async ({ code }, { db, principal }) => {
    await confirmMfaEnrolment(db, principal, principal.id, code);
    revalidatePath('/account/mfa');
    return { ok: 'MFA is on. From now on you sign in with a code.' };
  },
  { mfaEnrolment: true },
);
