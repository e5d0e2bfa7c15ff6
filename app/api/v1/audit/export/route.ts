import { route } from '@/lib/http/route';
import { auditQuery } from '@/lib/audit/schemas';
import { exportAuditCsv } from '@/lib/audit/service';

const exportQuery = auditQuery.omit({ limit: true, cursor: true });

/** The same filters as GET /audit, as a CSV download. */
export const GET = route({ query: exportQuery }, async ({ db, principal, query }) => {
  const { csv } = await exportAuditCsv(db, principal, query);
  const stamp = new Date().toISOString().slice(0, 19).replace(/[:T]/g, '-');
  return new Response(csv, {
    headers: {
      'content-type': 'text/csv; charset=utf-8',
      'content-disposition': `attachment; filename="audit-${stamp}.csv"`,
      'cache-control': 'no-store',
    },
  });
});
