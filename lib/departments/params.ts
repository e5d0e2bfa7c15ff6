import { z } from 'zod';
import { departmentIdSchema } from './schemas';

export const departmentParams = z.object({ id: departmentIdSchema });
