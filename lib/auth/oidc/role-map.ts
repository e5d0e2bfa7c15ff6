import { z } from 'zod';
import { roles, type Role } from '@/db/vocabulary';
import { departmentIdSchema } from '../../org/department-id';

/**
 * What a value of the role claim makes a new single sign-on user: a role, and departments.
 * Only the roles named here are ever given: no claim value maps to a role by its own name, so
 * super-admin is granted only where an entry names it.
 */
export const roleMapSchema = z.record(
  z.string().min(1).max(200),
  z.object({ role: z.enum(roles), departments: z.array(departmentIdSchema).max(50).default([]) }).strict(),
);
export type RoleMap = z.infer<typeof roleMapSchema>;
export type MappedAccess = { role: Role; departmentIds: string[]; claimValue: string };

/** The setting's JSON text as a map; the error names what is wrong (start-up stops on it). */
export function parseRoleMap(text: string | undefined): RoleMap {
  if (!text?.trim()) return {};
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw new Error('is not valid JSON');
  }
  const parsed = roleMapSchema.safeParse(raw);
  if (!parsed.success) throw new Error(parsed.error.issues.map((i) => `${i.path.join('.') || '(top)'}: ${i.message}`).join('; '));
  return parsed.data;
}

/** The claim's values: a string, or an array of strings (groups); anything else has none. */
export function claimValues(claim: unknown): string[] {
  if (typeof claim === 'string') return [claim];
  if (Array.isArray(claim)) return claim.filter((v): v is string => typeof v === 'string');
  return [];
}

/**
 * The first entry of the map (in the order the setting lists them) whose key is one of the claim's
 * values: a user in several mapped groups gets the entry listed first, whatever order the provider
 * sends. Null when no value is mapped.
 */
export function mapRoleClaim(map: RoleMap, claim: unknown): MappedAccess | null {
  const values = new Set(claimValues(claim));
  for (const [key, entry] of Object.entries(map)) {
    if (values.has(key)) return { role: entry.role, departmentIds: [...new Set(entry.departments)], claimValue: key };
  }
  return null;
}
