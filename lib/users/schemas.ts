import { z } from 'zod';
import { roles } from '@/db/vocabulary';
import { usernameSchema } from '../auth/schemas';
import { departmentIdSchema } from '../org/department-id';

const password = z.string().min(1).max(256);
const departmentIds = z.array(departmentIdSchema).max(50);

export const createUserSchema = z
  .object({
    username: usernameSchema,
    password,
    role: z.enum(roles),
    departmentIds: departmentIds.default([]),
  })
  .strict();
export type CreateUserInput = z.infer<typeof createUserSchema>;

export const updateUserSchema = z
  .object({
    role: z.enum(roles).optional(),
    departmentIds: departmentIds.optional(),
    disabled: z.boolean().optional(),
    password: password.optional(),
    // Clears a lockout before it runs out.
    unlock: z.literal(true).optional(),
    // Removes MFA (lost device); the user enrols again.
    resetMfa: z.literal(true).optional(),
  })
  .strict()
  .refine((v) => Object.keys(v).length > 0, 'Nothing to update');
export type UpdateUserInput = z.infer<typeof updateUserSchema>;

export const listUsersQuery = z.object({
  limit: z.coerce.number().int().min(1).max(500).default(50),
  cursor: z.string().max(200).optional(),
  q: z.string().trim().max(64).optional(),
  role: z.enum(roles).optional(),
  departmentId: departmentIdSchema.optional(),
});
export type ListUsersQuery = z.infer<typeof listUsersQuery>;

export const userParams = z.object({ id: z.uuid() });

export const mfaBodySchema = z
  .object({
    // Absent: start (or restart) enrolment. Present: confirm it with the current code.
    code: z
      .string()
      .regex(/^\d{6}$/, 'The 6-digit code from the authenticator app')
      .optional(),
  })
  .strict();

export const coordinatorSchema = z.object({ username: usernameSchema, password }).strict();
