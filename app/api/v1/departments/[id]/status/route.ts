import { route } from '@/lib/http/route';
import { departmentParams } from '@/lib/departments/params';
import { getDepartmentStatus } from '@/lib/departments/service';

export const GET = route({ params: departmentParams }, ({ db, principal, params }) => getDepartmentStatus(db, principal, params.id));
