import { route } from '@/lib/http/route';
import { getMfaPolicy, mfaPolicySchema, setMfaPolicy } from '@/lib/security/mfa-policy';

export const GET = route({}, ({ db, principal }) => getMfaPolicy(db, principal));

/** `{requiredRoles: [...]}`: roles that must sign in with a second factor (super-admins only). */
export const PUT = route({ body: mfaPolicySchema }, ({ db, principal, body }) => setMfaPolicy(db, principal, body));
