import { z } from 'zod';
import { departmentIdSchema } from '../org/department-id';

export const departmentParams = z.object({ id: departmentIdSchema });
