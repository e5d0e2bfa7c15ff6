import { unstable_rethrow } from 'next/navigation';
import type { z } from 'zod';
import { getDb, type Db } from '@/db/client';
import { auditDenied } from '@/lib/security/denied';
import type { Principal } from '@/lib/permissions/rbac';
import { badRequest } from '@/lib/errors';
import { toProblem } from '@/lib/problems/problem';
import { log } from '@/lib/log';
import { requireEnrollingPrincipal, requirePrincipal } from './session';
import { fieldProblems } from './field-messages';
import { formRecord, messagesByField, submittedValues } from './form-fields';

/** What every console server action answers; a form shows it. */
export type ActionState = {
  /** Done: a sentence saying what happened. */
  ok?: string;
  error?: string;
  /** A message in words per form field (by the field's name), after a refused submit. */
  fields?: Record<string, string>;
  /** What was submitted, for the form to show again after a refusal (never secrets or passwords). */
  values?: Record<string, string | string[]>;
  /** What the action made, for the page to show (an id, a secret shown once). */
  data?: unknown;
};

/** A server action as React's useActionState and the console's ActionButton call it. */
export type FormAction = (prev: ActionState, form: FormData) => Promise<ActionState>;

type Options = {
  /** For the MFA enrolment page's own actions: open before the user has enrolled. */
  mfaEnrolment?: boolean;
  /** Problem paths whose form field has another name ('task.title' → 'title'). */
  rename?: Record<string, string>;
};

/**
 * The server-action twin of the REST route wrapper: the signed-in principal, the form checked by a
 * zod schema, the same lib/ call. A refusal (AppError) comes back as a message, one message in
 * words per field and what was typed (never a secret), so the form keeps its input; a denial is
 * audited once, through the same helper as REST. (Next.js itself refuses a server action whose
 * Origin doesn't match the Host: CSRF.)
 */
export function action<S extends z.ZodType>(
  name: string,
  schema: S,
  fn: (input: z.output<S>, ctx: { db: Db; principal: Principal }) => Promise<ActionState | undefined>,
  opts: Options = {},
): FormAction {
  return async (_prev, form) => {
    const principal = await (opts.mfaEnrolment ? requireEnrollingPrincipal() : requirePrincipal());
    const db = getDb();
    try {
      const parsed = schema.safeParse(formRecord(form));
      if (!parsed.success) throw badRequest('Check the highlighted fields', fieldProblems(parsed.error));
      return (await fn(parsed.data, { db, principal })) ?? { ok: 'Done' };
    } catch (err) {
      unstable_rethrow(err); // redirect() and notFound() are answers, not failures
      await auditDenied(db, principal, err, { door: 'action', path: name });
      const p = toProblem(err);
      if (p.status >= 500 && p.status !== 503) log().error({ err, action: name }, 'server action failed');
      return {
        error: p.status >= 500 && p.status !== 503 ? 'Something went wrong; try again.' : (p.detail ?? p.title),
        fields: messagesByField(p.errors, opts.rename),
        values: submittedValues(form),
      };
    }
  };
}
