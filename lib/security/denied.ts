import type { Db } from '@/db/client';
import { AppError } from '../errors';
import { OutOfScope, type Principal } from '../permissions/rbac';
import { detectDeniedBurst } from './detect';
import { audit } from '../audit/log';
import { log } from '../log';

/** A refusal worth recording: a missing permission (403) or an id outside the caller's departments. */
export function isDenial(err: unknown): err is AppError {
  return err instanceof OutOfScope || (err instanceof AppError && err.status === 403);
}

/**
 * Records one denied attempt (outcome 'denied') and looks for a burst of them. The one place every
 * door (route wrapper, server actions) sends its refusals, so probing leaves a trail.
 * Never throws: a failure to audit must not turn a 403 into a 500.
 */
export async function auditDenied(
  db: Db,
  principal: Principal | undefined,
  err: unknown,
  where: { door: string; method?: string; path?: string },
): Promise<void> {
  if (!principal?.id || !isDenial(err)) return;
  try {
    await audit(db, principal, {
      action: 'access.denied',
      outcome: 'denied',
      detail: {
        door: where.door,
        method: where.method,
        path: where.path,
        status: err.status,
        reason: err instanceof OutOfScope ? 'out-of-scope' : err.detail,
        role: principal.role,
      },
    });
    await detectDeniedBurst(db, principal);
  } catch (e) {
    log().error({ err: e }, 'could not audit a denied attempt');
  }
}
