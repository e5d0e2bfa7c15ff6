import { route } from '@/lib/http/route';
import { departmentParams } from '@/lib/departments/params';
import { unarchiveDepartment } from '@/lib/departments/service';

export const POST = route({ params: departmentParams, summary: 'Bring an archived department back' }, ({ db, principal, params }) =>
  unarchiveDepartment(db, principal, params.id),
);
