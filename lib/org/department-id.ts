import { z } from 'zod';

/** A department's id: the slug every door accepts (departments, resources, alerts, users, metrics). */
export const departmentIdSchema = z
  .string()
  .min(2)
  .max(40)
  .regex(/^[a-z][a-z0-9-]*$/, 'Lower-case letters, digits and dashes, starting with a letter');
