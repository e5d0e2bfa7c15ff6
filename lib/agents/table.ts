import type { z } from 'zod';
import type { Db } from '@/db/client';
import { agentSortColumns, agentTablePage, type AgentSortKey } from '@/db/queries/agent-table';
import { authorize, departmentFilter, type Principal } from '../permissions/rbac';
import { COUNT_CAP, decodeSeek, sortedPage, sortOf, sortQuery, UUID_ID, type SortSpec } from '../paging/sort';
import { listAgentsQuery } from './schemas';
import { toAgent } from './service';

export const agentSortKeys = Object.keys(agentSortColumns) as [AgentSortKey, ...AgentSortKey[]];
/** Newest first unless asked otherwise. */
export const agentDefaultSort: SortSpec<AgentSortKey> = { key: 'createdAt', dir: 'desc' };

/** GET /api/v1/agents and the console's agent list: the filters of listAgentsQuery, a sort, and paging both ways. */
export const agentTableQuery = listAgentsQuery.extend(sortQuery(agentSortKeys));
export type AgentTableQuery = z.infer<typeof agentTableQuery>;

/** The agents the principal may see, filtered, sorted and paged, with how many match. */
export async function agentTable(db: Db, principal: Principal, q: AgentTableQuery) {
  authorize(principal, 'agent:read');
  const sort = sortOf(q, agentDefaultSort);
  const seek = decodeSeek(q.cursor, sort, agentSortColumns[sort.key].cast, UUID_ID);
  const found = await agentTablePage(
    db,
    {
      departmentIds: departmentFilter(principal),
      departmentId: q.departmentId,
      status: q.status,
      specialization: q.specialization,
      q: q.q,
    },
    sort,
    seek,
    q.limit,
    COUNT_CAP,
  );
  return sortedPage(sort, found, ({ sortValue: _, ...row }) => toAgent(row));
}
