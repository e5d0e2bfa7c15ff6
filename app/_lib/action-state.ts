import { toProblem } from '@/lib/problems/problem';
import { log } from '@/lib/log';
import type { FieldProblem } from '@/lib/errors';
import { getDb } from '@/db/client';
import { auditDenied, isDenial } from '@/lib/security/denied';
import { requirePrincipal } from './session';

export type ActionState = {
  ok?: boolean;
  error?: string;
  errors?: FieldProblem[];
  id?: string;
  /** A message in words per form field (by the field's name), after a refused submit. */
  fields?: Record<string, string>;
  /** What was submitted, for the form to show again (never secrets). */
  values?: Record<string, string | string[]>;
};

/**
 * The same problem lib/ raises for REST, shaped for a form: a message and field errors.
 * A refusal (403, or an id outside the user's departments) is audited like a REST one.
 */
export async function actionError(err: unknown): Promise<ActionState> {
  if (isDenial(err)) {
    try {
      await auditDenied(getDb(), await requirePrincipal(), err, { door: 'action' });
    } catch {
      // Auditing must never change the answer the form shows.
    }
  }
  const p = toProblem(err);
  if (p.status >= 500 && p.status !== 503) log().error({ err }, 'server action failed');
  return { ok: false, error: p.status >= 500 ? 'Something went wrong; try again.' : (p.detail ?? p.title), errors: p.errors };
}
