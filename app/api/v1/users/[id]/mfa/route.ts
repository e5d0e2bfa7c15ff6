import { route } from '@/lib/http/route';
import { mfaBodySchema, userParams } from '@/lib/users/schemas';
import { confirmMfaEnrolment, startMfaEnrolment } from '@/lib/users/mfa';

/** `{}` starts enrolment (secret, otpauth URI, recovery codes, shown once); `{code}` confirms it. */
export const POST = route({ params: userParams, body: mfaBodySchema, mfaEnrolment: true }, ({ db, principal, params, body }) =>
  body.code ? confirmMfaEnrolment(db, principal, params.id, body.code) : startMfaEnrolment(db, principal, params.id),
);
