import { getDb, type Db } from '@/db/client';
import { auditDenied } from '@/lib/security/denied';
import type { Principal } from '@/lib/permissions/rbac';
import { AppError } from '@/lib/errors';
import { requireEnrollingPrincipal, requirePrincipal } from './session';
import { messagesByField } from './form-fields';

export type ActionState = {
  ok?: string;
  error?: string;
  /** A message in words per form field, after a refused submit. */
  fields?: Record<string, string>;
  data?: unknown;
  /** What was submitted, for the form to show again (never secrets). */
  values?: Record<string, string | string[]>;
};

/**
 * The server-action twin of the REST route wrapper: the signed-in principal, the same lib/ call,
 * AppErrors shown on the form, refusals audited once through the same helper as REST.
 * (Next.js itself refuses a server action whose Origin doesn't match the Host: CSRF.)
 */
export async function runAction(
  name: string,
  fn: (db: Db, principal: Principal) => Promise<ActionState | void>,
  opts: { mfaEnrolment?: boolean } = {},
): Promise<ActionState> {
  const principal = await (opts.mfaEnrolment ? requireEnrollingPrincipal() : requirePrincipal());
  const db = getDb();
  try {
    return (await fn(db, principal)) ?? { ok: 'Done' };
  } catch (err) {
    if (!(err instanceof AppError)) throw err;
    await auditDenied(db, principal, err, { door: 'action', path: name });
    const fields = messagesByField(err.extra.errors as { path: string; message: string }[] | undefined);
    return { error: err.detail ?? err.title, fields };
  }
}

export const formString = (form: FormData, key: string) => {
  const v = form.get(key);
  return typeof v === 'string' ? v : '';
};
