import { toProblem } from '@/lib/http/problem';
import type { FieldProblem } from '@/lib/errors';

export type ActionState = { ok?: boolean; error?: string; errors?: FieldProblem[]; id?: string };

/** The same problem lib/ raises for REST, shaped for a form: a message and field errors. */
export function actionError(err: unknown): ActionState {
  const p = toProblem(err);
  if (p.status >= 500 && p.status !== 503) console.error('[ecs] server action failed', err);
  return { ok: false, error: p.status >= 500 ? 'Something went wrong; try again.' : (p.detail ?? p.title), errors: p.errors };
}
